/**
 * `npm run bench -- sla`: the SLA engine with 1,000,000 open tickets loaded.
 *
 * A fresh database (PostgreSQL: a new database created and dropped here; PGlite: a new DATA_DIR) is
 * migrated, then 1,000,000 open food-delivery tickets and their 2,000,000 clocks (first response,
 * resolution) are bulk-inserted with generate_series, all due in the future. Then:
 *
 *   1. tick with 100 due: 100 first-response clocks are made due, and one tick of the engine
 *      (src/modules/sla/sla.jobs.ts `slaTick`, the function the poller runs) is timed: claim with
 *      FOR UPDATE SKIP LOCKED, advance, breach + escalate to the supervisor (ticket re-routed, two events
 *      each), commit. Repeated over fresh sets, first of tickets spread over the whole table (the worst
 *      case for the caches), then of consecutive tickets (as in life: what falls due together was filed
 *      together); also an idle tick (nothing due).
 *   2. delay: the engine runs as in the app (JobRunner, default tick of SLA_TICK_SECONDS) on the real
 *      clock while BENCH_SLA_DUE clocks fall due at random instants over BENCH_SLA_SPREAD seconds; the
 *      delay of each is the end of the tick that escalated it minus its deadline.
 *
 * Every escalated ticket must end with exactly one `escalated` event; otherwise the bench fails.
 *
 * Environment: BENCH_TARGETS=postgres[,pglite]  BENCH_SLA_TICKETS=1000000  BENCH_SLA_ROUNDS=30
 * BENCH_SLA_DUE=3000  BENCH_SLA_SPREAD=20  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test (admin
 * connection used to create and drop the bench database).
 * Targets: a tick with 100 due ≤ 20 ms; p99 delay ≤ 2 s at the default tick.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { type OpenedDatabase, openAndMigrate } from "../src/db/database.ts";
import { calendarOf } from "../src/modules/sla/calendar.store.ts";
import { SLA_TICK_SECONDS, slaEngine, slaTick } from "../src/modules/sla/sla.jobs.ts";
import { SystemClock } from "../src/platform/clock.ts";
import type { AppContext } from "../src/platform/context.ts";
import { JobRunner, type Poller } from "../src/platform/jobs.ts";
import { LiveBus } from "../src/platform/live.ts";
import { loadPacks } from "../src/policy-packs/load.ts";
import { fmt, loadText, percentile } from "./lib/figures.ts";

type Target = "postgres" | "pglite";

const env = process.env;
const TARGETS = (env.BENCH_TARGETS ?? "postgres").split(",").map((s) => s.trim()) as Target[];
const TICKETS = Number(env.BENCH_SLA_TICKETS ?? 1_000_000);
const ROUNDS = Number(env.BENCH_SLA_ROUNDS ?? 30);
const DUE = Number(env.BENCH_SLA_DUE ?? 3000);
const SPREAD_S = Number(env.BENCH_SLA_SPREAD ?? 20);
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const CHUNK = 100_000;

const log = (line: string) => console.log(line);
const ticketNo = (i: unknown) => sql`'FD' || lpad((${i})::text, 14, '0')`;

interface Result {
  target: Target;
  tickets: number;
  loadSeconds: number;
  tickMs: number[];
  recentMs: number[];
  idleMs: number[];
  delaysMs: number[];
  escalated: number;
}

/** 1,000,000 open tickets with their two clocks, all due tomorrow or later. */
async function loadTickets(db: OpenedDatabase["db"], now: Date): Promise<void> {
  const at = now.toISOString();
  const future = new Date(now.getTime() + 2 * 86_400_000).toISOString();
  await sql`insert into orders (order_no, business_line, customer_phone, merchant_id, rider_id, region, items,
      paid_fen, paid_at, created_at, updated_at)
    values ('BENCHO1', 'food_delivery', '13900000000', 'M001', 'R001', '上海-浦东', '[]', 2800, ${at}, ${at}, ${at})`.execute(
    db,
  );
  for (let from = 1; from <= TICKETS; from += CHUNK) {
    const to = Math.min(TICKETS, from + CHUNK - 1);
    const t0 = performance.now();
    await sql`insert into tickets (ticket_no, business_line, pack_version, channel, customer_phone, order_no,
        merchant_id, rider_id, region, category, sub_type, category_source, severity, priority, urgent, queue,
        status, description, details, first_response_due_at, resolution_due_at, created_at, updated_at)
      select ${ticketNo(sql`i`)}, 'food_delivery', '2026.1.0', 'app', '139' || lpad((i % 100000000)::text, 8, '0'),
        'BENCHO1', 'M' || lpad((i % 500)::text, 3, '0'), 'R001', '上海-浦东', 'delivery', 'late', 'triage',
        'general', 3, false, 'rider_logistics', 'new', '等了一个多小时还没到，饭都凉了', '{}',
        ${future}::timestamptz + (i % 86400) * interval '1 second',
        ${future}::timestamptz + (i % 86400) * interval '1 second', ${at}, ${at}
      from generate_series(${from}::int, ${to}::int) as i`.execute(db);
    await sql`insert into sla_clocks (ticket_no, name, basis, target_ms, started_at, due_at, remind_at, level, next_at)
      select ${ticketNo(sql`i`)}, n.name, 'business', 1800000, ${at},
        ${future}::timestamptz + (i % 86400) * interval '1 second',
        ${future}::timestamptz + (i % 86400) * interval '1 second' - interval '6 minutes', 0,
        ${future}::timestamptz + (i % 86400) * interval '1 second' - interval '6 minutes'
      from generate_series(${from}::int, ${to}::int) as i
        cross join (values ('firstResponse'), ('resolution')) as n(name)`.execute(db);
    log(
      `  loaded ${to.toLocaleString("en")} tickets (${fmt((performance.now() - t0) / 1000, 1)} s for this chunk)`,
    );
  }
  await sql`analyze`.execute(db);
}

/**
 * Makes the first-response clocks of the tickets numbered `indexes` (0-based) due at the given
 * instants. The bench never picks a ticket twice, so every tick does the full work: breach, escalate.
 */
async function makeDue(db: OpenedDatabase["db"], indexes: number[], dueAt: (k: number) => Date) {
  const rows = indexes.map((i, k) => ({
    no: `FD${String((i % TICKETS) + 1).padStart(14, "0")}`,
    due: dueAt(k).toISOString(),
  }));
  await sql`update sla_clocks c set due_at = x.due, remind_at = null, next_at = x.due
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(no text, due timestamptz)
    where c.ticket_no = x.no and c.name = 'firstResponse'`.execute(db);
  return rows.map((r) => r.no);
}

const HALF = Math.floor(TICKETS / 2);
const range = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k);
/** Spread over the first half of the table (the worst case for the caches): 9973 is prime to HALF. */
const spreadSet = (round: number) => range(round * 100, 100).map((m) => (m * 9973) % HALF);
/** Consecutive tickets of the second half, as in life: what falls due together was filed together. */
const consecutiveSet = (round: number) => range(HALF + round * 100, 100);

async function benchTarget(target: Target): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), `aftersale-bench-sla-${target}-`));
  const dbName = `bench_sla_${process.pid}`;
  const dbUrl = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const admin = target === "postgres" ? new pg.Client({ connectionString: ADMIN_URL }) : null;
  let opened: OpenedDatabase | undefined;
  try {
    if (admin) {
      await admin.connect();
      await admin.query(`create database ${dbName}`);
    }
    opened = await openAndMigrate({ databaseUrl: target === "postgres" ? dbUrl : undefined, dataDir });
    const db = opened.db;
    const clock = new SystemClock();
    const ctx: AppContext = {
      config: loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00" }),
      db,
      dbKind: opened.kind,
      packs: loadPacks(),
      clock,
      live: new LiveBus(),
    };
    log(`\n== ${target} (load average ${loadText()}): loading ${TICKETS.toLocaleString("en")} open tickets`);
    const t0 = performance.now();
    await loadTickets(db, clock.now());
    const loadSeconds = (performance.now() - t0) / 1000;
    await calendarOf(db); // seeded and cached, as after the app's first tick

    // 1. One tick with 100 due: spread over the table, then consecutive tickets.
    const idleMs: number[] = [];
    const tickMs: number[] = [];
    const recentMs: number[] = [];
    for (let round = 0; round < 2 * (ROUNDS + 3); round++) {
      const spread = round < ROUNDS + 3;
      const now = clock.now();
      const i0 = performance.now();
      const idle = await slaTick(ctx, now);
      if (round >= 3) idleMs.push(performance.now() - i0);
      if (idle.clocks !== 0) throw new Error(`an idle tick found ${idle.clocks} clocks due`);
      await makeDue(
        db,
        spread ? spreadSet(round) : consecutiveSet(round),
        () => new Date(now.getTime() - 1000),
      );
      const s = performance.now();
      const r = await slaTick(ctx, clock.now());
      const ms = performance.now() - s;
      if (r.clocks !== 100 || r.escalated.length !== 100)
        throw new Error(
          `a tick handled ${r.clocks} clocks and escalated ${r.escalated.length}, expected 100`,
        );
      // The first rounds of each kind warm caches and JIT.
      if (spread && round >= 3) tickMs.push(ms);
      if (!spread && round >= ROUNDS + 6) recentMs.push(ms);
    }
    for (const list of [tickMs, recentMs, idleMs]) list.sort((a, b) => a - b);
    const show = (list: number[]) =>
      `p50 ${fmt(percentile(list, 50), 2)} ms, p99 ${fmt(percentile(list, 99), 2)} ms, max ${fmt(list[list.length - 1]!, 2)} ms`;
    log(`  tick with 100 due, spread over the table: ${show(tickMs)} over ${tickMs.length} ticks`);
    log(`  tick with 100 due, consecutive tickets:   ${show(recentMs)} over ${recentMs.length} ticks`);
    log(`  idle tick (nothing due): p50 ${fmt(percentile(idleMs, 50), 2)} ms`);

    // 2. Deadline → escalation delay with the engine running at its default tick.
    const ticks = new Map<number, number>();
    const engine = slaEngine(ctx);
    const timed: Poller = {
      ...engine,
      async poll(now) {
        const n = await engine.poll(now);
        ticks.set(now.getTime(), Date.now());
        return n;
      },
    };
    const start = Date.now() + 2000;
    // Tickets of the second half not used above, a few apart; deadlines at random over the spread.
    const due = await makeDue(
      db,
      range(0, DUE).map((k) => HALF + 10_000 + k * 7),
      () => new Date(start + Math.random() * SPREAD_S * 1000),
    );
    const runner = new JobRunner(
      [timed],
      () => new Date(),
      (_, e) => console.error("tick failed", e),
    );
    runner.start();
    await new Promise((r) => setTimeout(r, 2000 + SPREAD_S * 1000 + 3 * SLA_TICK_SECONDS * 1000));
    await runner.stop();
    const rows = await sql<{ ticket_no: string; at: Date; breached_at: Date; n: number }>`
      select e.ticket_no, min(e.at) as at, min(c.breached_at) as breached_at, count(*)::int as n
      from ticket_events e join sla_clocks c on c.ticket_no = e.ticket_no and c.name = 'firstResponse'
      where e.type = 'escalated' and e.ticket_no in (select jsonb_array_elements_text(${JSON.stringify(due)}::jsonb))
      group by e.ticket_no`.execute(db);
    if (rows.rows.length !== due.length)
      throw new Error(`${rows.rows.length} of ${due.length} due tickets were escalated`);
    const twice = rows.rows.filter((r) => r.n !== 1);
    if (twice.length) throw new Error(`${twice.length} tickets were escalated more than once`);
    const delaysMs = rows.rows
      .map(
        (r) =>
          (ticks.get(new Date(r.at).getTime()) ?? new Date(r.at).getTime()) -
          new Date(r.breached_at).getTime(),
      )
      .sort((a, b) => a - b);
    log(
      `  delay deadline → escalation at a ${SLA_TICK_SECONDS} s tick: p50 ${fmt(percentile(delaysMs, 50), 0)} ms, ` +
        `p99 ${fmt(percentile(delaysMs, 99), 0)} ms, max ${fmt(delaysMs[delaysMs.length - 1]!, 0)} ms ` +
        `(${due.length} deadlines over ${SPREAD_S} s, each escalated once); load average ${loadText()}`,
    );
    return {
      target,
      tickets: TICKETS,
      loadSeconds,
      tickMs,
      recentMs,
      idleMs,
      delaysMs,
      escalated: due.length,
    };
  } finally {
    await opened?.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`drop database if exists ${dbName} with (force)`).catch((e) => {
        console.error(`could not drop ${dbName}: ${e.message}`);
      });
      await admin.end();
    }
  }
}

export default async function sla(): Promise<void> {
  log(
    `sla bench: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}; ` +
      `${TICKETS.toLocaleString("en")} open tickets; ${ROUNDS} ticks with 100 due; ${DUE} deadlines over ${SPREAD_S} s`,
  );
  const results: Result[] = [];
  for (const target of TARGETS) {
    if (target !== "postgres" && target !== "pglite") throw new Error(`unknown target ${target}`);
    results.push(await benchTarget(target));
  }
  log("");
  for (const r of results)
    log(
      `BENCH sla.${r.target} tickets=${r.tickets} tick_100_due_p50_ms=${fmt(percentile(r.tickMs, 50), 2)} ` +
        `tick_100_due_p99_ms=${fmt(percentile(r.tickMs, 99), 2)} ` +
        `tick_100_consecutive_p50_ms=${fmt(percentile(r.recentMs, 50), 2)} ` +
        `tick_100_consecutive_p99_ms=${fmt(percentile(r.recentMs, 99), 2)} ` +
        `idle_tick_ms=${fmt(percentile(r.idleMs, 50), 2)} ` +
        `delay_p50_ms=${fmt(percentile(r.delaysMs, 50), 0)} delay_p99_ms=${fmt(percentile(r.delaysMs, 99), 0)} ` +
        `tick_s=${SLA_TICK_SECONDS} load_s=${fmt(r.loadSeconds, 0)}`,
    );
}
