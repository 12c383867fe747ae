import { sql } from "kysely";
import { Gauge, type Registry } from "prom-client";
import { type ReplicaState, readsReplica, replicaState } from "../../db/replica.ts";
import type { AppContext } from "../../platform/context.ts";

/**
 * What an operator pages on, read from the database when scraped so every process reports the same
 * figures: the work waiting for people (open tickets by status and queue), the notices not yet delivered,
 * and how far behind each background job is. Each is a read of a few due rows through the partial
 * indexes the pollers themselves use, so a scrape costs about what one poll does.
 *
 * These read several modules' tables at once; one query each here is cheaper than a function in every
 * owner's store for a number nobody else needs.
 */
export function registerOperationsMetrics(registry: Registry, ctx: AppContext): void {
  const { db } = ctx;
  registerReplicaMetrics(registry, ctx);
  new Gauge({
    name: "aftersale_open_tickets_by_status",
    help: "Open tickets (not resolved, closed or not applicable) by status and queue",
    labelNames: ["status", "queue"],
    registers: [registry],
    async collect() {
      this.reset();
      await whileReachable(async () => {
        const r = await sql<{ status: string; queue: string; n: number }>`
          select status, queue, count(*)::int as n from tickets
          where status not in ('resolved', 'closed', 'not_applicable') group by status, queue`.execute(db);
        for (const row of r.rows) this.set({ status: row.status, queue: row.queue }, row.n);
      });
    },
  });
  new Gauge({
    name: "aftersale_notifications",
    help: "Notices waiting to be delivered (pending, retrying included) and given up after their last attempt (dead)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of ["pending", "retrying", "dead"]) this.set({ status }, 0);
      await whileReachable(async () => {
        const r = await sql<{ status: string; n: number; retrying: number }>`
          select status, count(*)::int as n, (count(*) filter (where last_error is not null))::int as retrying
          from notifications where status in ('pending', 'dead') group by status`.execute(db);
        for (const row of r.rows) {
          this.set({ status: row.status }, row.n);
          if (row.status === "pending") this.set({ status: "retrying" }, row.retrying);
        }
      });
    },
  });
  new Gauge({
    name: "aftersale_job_lag_seconds",
    help: "How long the oldest work a background job should have done is overdue (0 when it is up to date), by job",
    labelNames: ["job"],
    registers: [registry],
    async collect() {
      this.reset();
      await whileReachable(async () => {
        const now = ctx.clock.now();
        const lagOf = (oldest: Date | string | null) =>
          oldest ? Math.max(0, (now.getTime() - new Date(oldest).getTime()) / 1000) : 0;
        const timers = await sql<{ job: string; oldest: Date | null }>`
          select 'sla_clocks' as job, (select min(next_at) from sla_clocks
            where next_at is not null and next_at <= ${now.toISOString()}::timestamptz) as oldest
          union all
          select 'notice_sender', (select min(next_attempt_at) from notifications
            where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz)
          union all
          select 'payouts', (select min(next_attempt_at) from ledger_entries
            where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz)`.execute(db);
        for (const row of timers.rows) this.set({ job: row.job }, lagOf(row.oldest));
        // An outbox consumer is as late as the oldest event after its cursor that it has not read.
        const outbox = await sql<{ consumer: string; oldest: Date | null }>`
          select c.consumer, (select e.at from ticket_events e
              where e.tx is not null and (e.tx, e.id) > (c.last_tx, c.last_id)
              order by e.tx, e.id limit 1) as oldest
          from outbox_cursors c`.execute(db);
        for (const row of outbox.rows) this.set({ job: `outbox:${row.consumer}` }, lagOf(row.oldest));
      });
    },
  });
}

/**
 * The read replica's state when REPORTS_DATABASE_URL is set: whether it answers, and how many seconds
 * its data is behind the primary (absent while it cannot be reached; reports then read the primary).
 */
function registerReplicaMetrics(registry: Registry, ctx: AppContext): void {
  if (!readsReplica(ctx.reportsDb)) return;
  // Both gauges of one scrape share a probe (they are collected within milliseconds); the next scrape,
  // even soon after, asks again, so a replica that just went away never reads as up.
  let last: { at: number; state: Promise<ReplicaState | null> } | null = null;
  const probe = () => {
    if (!last || Date.now() - last.at > 100) last = { at: Date.now(), state: replicaState(ctx.reportsDb)! };
    return last.state;
  };
  new Gauge({
    name: "aftersale_replica_up",
    help: "1 when the read replica for reports and search answers, 0 when reports fall back to the primary",
    registers: [registry],
    async collect() {
      this.set((await probe())?.reachable ? 1 : 0);
    },
  });
  new Gauge({
    name: "aftersale_replica_lag_seconds",
    help: "How far the read replica's data is behind the primary, in seconds (0 once it replayed all it received); no sample while it cannot be reached",
    // Labelled so that a reset leaves no sample: an unknown lag is not a lag of 0.
    labelNames: ["replica"],
    registers: [registry],
    async collect() {
      this.reset();
      const state = await probe();
      if (state?.reachable) this.set({ replica: "reports" }, state.lagSeconds);
    },
  });
}

/** The database is away: the scrape still answers with what the process knows, and /healthz says why. */
async function whileReachable(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch {
    // Nothing to add: the gauge stays empty for this scrape.
  }
}
