/**
 * `npm run bench -- consumers`: what each background consumer of the event outbox costs per ticket.
 *
 * The intake bench shows that the consumers (notice writer and sender, abuse scorer, report rollups,
 * incident detector) cost more CPU than intake itself, but with everything running at once it cannot
 * say which. Here, per database: a fresh database, the app built in this process as src/main.ts builds
 * it (jobs not started), BENCH_TICKETS tickets filed over HTTP (`inject`, 16 at a time, one order and
 * phone each, the intake bench's fixture). Then each consumer alone drains the whole backlog
 * (`jobs.drain`), and its CPU is read: this process (the app's side: JS, driver) and the PostgreSQL
 * backends of the bench database. PGlite runs inside this process, so there it is one figure.
 *
 * The detector is woken by intake itself (it subscribes to the live bus, not to the job timers), so it
 * has already run by the time the backlog is filed: its tables and cursor are reset and it drains the
 * backlog again from the start, alone.
 *
 * Environment: BENCH_TARGETS=postgres,pglite  BENCH_TICKETS=5000  BENCH_PG_URL (admin connection).
 */

import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { App } from "../src/app.ts";
import { upsertOrder } from "../src/modules/orders/orders.store.ts";
import { createApiKey } from "../src/modules/users/users.store.ts";
import { ownCpuMs, snapshot, spent } from "./lib/cpu.ts";
import { fmt } from "./lib/figures.ts";
import { inProcessApp } from "./lib/in-process-app.ts";
import { intakeBodyOf, orderNoOf, orderOf } from "./lib/intake-fixture.ts";

const env = process.env;
const TARGETS = (env.BENCH_TARGETS ?? "postgres,pglite").split(",");
const TICKETS = Number(env.BENCH_TICKETS ?? 5000);
/** In the order a deployment's timers would first reach them; the sender needs the writer's notices. */
const CONSUMERS = ["notices.write", "notices.send", "abuse.score", "reports", "incidents.detect"];

async function fileTickets(app: App, apiKey: string, count: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await app.http.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        payload: intakeBodyOf(i),
      });
      if (r.statusCode !== 201) throw new Error(`intake answered ${r.statusCode}: ${r.body}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/** The detector's own tables and cursor, as before it ever ran. */
async function resetDetector(app: App) {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_name like 'incident%'`.execute(app.ctx.db);
  await sql.raw(`truncate ${tables.rows.map((t) => `"${t.name}"`).join(", ")} cascade`).execute(app.ctx.db);
  await sql`update outbox_cursors set last_tx = '0'::xid8, last_id = 0 where consumer = 'incidents'`.execute(
    app.ctx.db,
  );
}

async function measure(target: string) {
  const { app, database, clock, pgName, close } = await inProcessApp(target, "consumers");
  try {
    const now = clock.now();
    for (let from = 0; from < TICKETS; from += 200)
      await database.db.transaction().execute(async (trx) => {
        for (let i = from; i < Math.min(TICKETS, from + 200); i++)
          await upsertOrder(trx, orderNoOf(i), orderOf(i, now), now);
      });
    const { key } = await createApiKey(database.db, "bench", ["tickets.register"], now);
    const filing = performance.now();
    await fileTickets(app, key, TICKETS);
    console.log(
      `${target}: ${TICKETS} tickets filed in ${fmt((performance.now() - filing) / 1000)} s; each consumer now drains them alone`,
    );
    // Let the detector's runs woken by intake finish (its wake-ups gather for 100 ms) before resetting it.
    await app.jobs.drain("incidents.detect");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await app.jobs.drain("incidents.detect");
    await resetDetector(app);
    // As on a database that has been running a while: autovacuum has analysed the busy partitions by then.
    // (It never analyses a partitioned table's parent; without statistics a page of the outbox can be
    // read by sorting the whole backlog instead of walking its index.)
    if (env.BENCH_ANALYZE !== "0") await sql`analyze`.execute(app.ctx.db);
    const totals = { app: 0, postgres: 0 };
    for (const name of CONSUMERS) {
      const before = snapshot(ownCpuMs(), pgName);
      const handled = await app.jobs.drain(name);
      const used = spent(before, snapshot(ownCpuMs(), pgName));
      const perTicket = (ms: number) => (ms * 1000) / TICKETS;
      totals.app += used.app;
      totals.postgres += used.postgres;
      console.log(
        `BENCH consumers.${target}.${name} handled=${handled} seconds=${fmt(used.seconds, 2)} app_us_per_ticket=${fmt(perTicket(used.app), 0)}` +
          (pgName ? ` postgres_us_per_ticket=${fmt(perTicket(used.postgres), 0)}` : ""),
      );
    }
    console.log(
      `BENCH consumers.${target}.all app_us_per_ticket=${fmt((totals.app * 1000) / TICKETS, 0)}` +
        (pgName ? ` postgres_us_per_ticket=${fmt((totals.postgres * 1000) / TICKETS, 0)}` : ""),
    );
  } finally {
    await close();
  }
}

export default async function consumers(): Promise<void> {
  for (const target of TARGETS) await measure(target);
}
