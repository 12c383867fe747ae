/**
 * `npm run bench -- queue`: how an agent's queue read scales with the open backlog, on PostgreSQL and PGlite.
 *
 * The app is built in this process (jobs not started) over a fresh database with the demo users. A few
 * tickets are filed over HTTP (`inject`), then cloned by SQL, each clone a minute older than the last,
 * until BENCH_QUEUE_SIZES open tickets are stored; at each size the table is vacuumed and analysed (as
 * autovacuum, or PGlite's upkeep, would have by then) and agent1 reads the default queue view
 * (`status=new,in_progress`, 20 rows: the page, its total, assignees and SLA clocks) and the whole list
 * BENCH_QUEUE_READS times each. Figures: median and p90 wall time per read, one at a time.
 *
 * Environment:
 *   BENCH_TARGETS=postgres,pglite  BENCH_QUEUE_SIZES=1000,10000,50000,200000 (PGlite stops at 50000)
 *   BENCH_QUEUE_READS=15  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test (creates and drops its own)
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import type { App } from "../src/app.ts";
import { DEMO_PASSWORD, loadDemo } from "../src/modules/demo/demo.ts";
import { upsertOrder } from "../src/modules/orders/orders.store.ts";
import { createApiKey } from "../src/modules/users/users.store.ts";
import { fmt, percentile } from "./lib/figures.ts";
import { inProcessApp } from "./lib/in-process-app.ts";
import { intakeBodyOf, orderNoOf, orderOf } from "./lib/intake-fixture.ts";

const env = process.env;
const TARGETS = (env.BENCH_TARGETS ?? "postgres,pglite").split(",");
const SIZES = (env.BENCH_QUEUE_SIZES ?? "1000,10000,50000,200000").split(",").map(Number);
const PGLITE_MAX = 50_000;
const READS = Number(env.BENCH_QUEUE_READS ?? 15);
const FILED = 100;
const VIEWS = {
  open: "/api/v1/tickets?status=new,in_progress&limit=20",
  all: "/api/v1/tickets?limit=20",
};

async function fileTickets(app: App, now: Date): Promise<void> {
  const db = app.ctx.db;
  for (let i = 0; i < FILED; i++) await upsertOrder(db, orderNoOf(i), orderOf(i, now), now);
  const { key } = await createApiKey(db, "bench", ["tickets.register"], now);
  for (let i = 0; i < FILED; i++) {
    const r = await app.http.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: { "x-api-key": key },
      payload: intakeBodyOf(i),
    });
    if (r.statusCode !== 201) throw new Error(`intake answered ${r.statusCode}: ${r.body}`);
  }
}

/** Copies of one filed ticket, numbered apart (`X…`) and a minute older each, up to `target` in all. */
async function cloneTo(app: App, from: number, target: number): Promise<void> {
  await sql`insert into tickets
    select (jsonb_populate_record(null::tickets, to_jsonb(t) || jsonb_build_object(
      'ticket_no', 'X' || lpad(g::text, 9, '0'),
      'created_at', t.created_at - make_interval(mins => g)))).*
    from (select * from tickets where ticket_no not like 'X%' limit 1) t,
      generate_series(${from}::int, ${target - 1}::int) g`.execute(app.ctx.db);
  await sql`vacuum analyze tickets`.execute(app.ctx.db);
}

async function timeReads(app: App, token: string, path: string): Promise<{ median: number; p90: number }> {
  const times: number[] = [];
  for (let k = 0; k < READS + 2; k++) {
    const t0 = performance.now();
    const r = await app.http.inject({
      method: "GET",
      url: path,
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.statusCode !== 200) throw new Error(`${path} answered ${r.statusCode}: ${r.body}`);
    if (k >= 2) times.push(performance.now() - t0); // the first two warm the plan and the caches
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p90: percentile(times, 90) };
}

async function measure(target: string): Promise<void> {
  const { app, database, clock, close } = await inProcessApp(target, "queue");
  try {
    const now = clock.now();
    // The demo users, with no demo orders (nor their tickets): the sizes are the tickets stored.
    await loadDemo(database.db, now, 0);
    await fileTickets(app, now);
    const login = await app.http.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: "agent1", password: DEMO_PASSWORD },
    });
    const token = JSON.parse(login.body).token as string;
    let stored = FILED;
    for (const size of SIZES.filter((s) => target === "postgres" || s <= PGLITE_MAX)) {
      if (size > stored) await cloneTo(app, stored, size);
      stored = Math.max(stored, size);
      for (const [view, path] of Object.entries(VIEWS)) {
        const { median, p90 } = await timeReads(app, token, path);
        console.log(
          `BENCH queue.${target}.${view}.n${size} median_ms=${fmt(median, 2)} p90_ms=${fmt(p90, 2)}`,
        );
      }
    }
  } finally {
    await close();
  }
}

export default async function queue(): Promise<void> {
  for (const target of TARGETS) await measure(target);
}
