/**
 * `npm run bench -- reports`: the reports over 10,000,000 tickets received over 24 months, on PostgreSQL.
 *
 * A fresh database `bench_reports_<pid>` (created here, dropped at the end, also on failure) is migrated
 * and given the demo users, then filled with set-based SQL only (generate_series + INSERT … SELECT, one
 * statement per chunk of a million): orders, tickets and each ticket's report facts from the same
 * formulas, then the four rollups (monthly, agents, daily, riders) summed from the facts with GROUP BY, as
 * the reports job would have left them. The tickets' secondary indexes (queue, phone, …) and the foreign
 * keys are off during the load (`session_replication_role = replica`): no report reads them.
 *
 * Then the real app (buildApp, as src/main.ts wires it, no jobs) serves on a local port and one client
 * times, over HTTP with a supervisor's token:
 *   1. `GET /api/v1/reports/monthly` (line × month round-robin over the 24 months): p50 / p99;
 *   2. `GET /api/v1/reports/kpis` (the dashboard: every line's KPIs of a month): p50 / p99;
 *   3. for information, the heat map and the weekly analysis of a month / week;
 *   4. rollup maintenance: BENCH_REPORTS_EVENTS events appended to random tickets, then the reports
 *      consumer (`rollUpEvents`, the function its poller runs) drains them; cost per event.
 *
 * Environment: BENCH_REPORTS_TICKETS=10000000  BENCH_REPORTS_ORDERS (default tickets ÷ 4)
 * BENCH_REPORTS_CALLS=200  BENCH_REPORTS_EVENTS=5000  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test
 * Target: monthly report and dashboard KPIs each ≤ 300 ms at p99.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Kysely, type RawBuilder, sql } from "kysely";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { type OpenedDatabase, openAndMigrate } from "../src/db/database.ts";
import type { Database } from "../src/db/schema.ts";
import { loadDemo } from "../src/modules/demo/demo.ts";
import { MEASURES, monthOf, shiftMonth } from "../src/modules/reports/reports.domain.ts";
import { rollUpEvents } from "../src/modules/reports/rollups.jobs.ts";
import { SystemClock } from "../src/platform/clock.ts";
import { loadPacks } from "../src/policy-packs/load.ts";
import { fmt, loadText } from "./lib/figures.ts";
import { percentile } from "./lib/intake-fixture.ts";

const env = process.env;
const TICKETS = Number(env.BENCH_REPORTS_TICKETS ?? 10_000_000);
const ORDERS = Number(env.BENCH_REPORTS_ORDERS ?? Math.ceil(TICKETS / 4));
const CALLS = Number(env.BENCH_REPORTS_CALLS ?? 200);
const EVENTS = Number(env.BENCH_REPORTS_EVENTS ?? 5000);
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MONTHS = 24;
const CHUNK = 1_000_000;
const LINES = ["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"];

const log = (line: string) => console.log(line);

type Db = OpenedDatabase["db"];

async function timed(label: string, run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  const s = (performance.now() - t0) / 1000;
  log(`  ${label}: ${fmt(s, 1)} s (load average ${loadText()})`);
  return s;
}

/**
 * One generated ticket per i, in SQL: received evenly over the 24 months (Beijing time); 5,000 merchants,
 * each in one line (split 5:2:1:2 over the four) and one of 20 regions, as merchants are; each line's own
 * categories; 80% closed, 10% resolved, 2% not applicable; a rider on food-delivery tickets; 200 agents.
 */
const lineOf = (merchant: RawBuilder<unknown>) => sql`case when ${merchant} % 10 < 5 then 'food_delivery'
  when ${merchant} % 10 < 7 then 'fresh_food' when ${merchant} % 10 < 8 then 'b2b_food_supply' else 'ecommerce' end`;

function generated(from: number, to: number, start: string, spanSeconds: number): RawBuilder<unknown> {
  return sql`(select i,
      'BR' || lpad(i::text, 12, '0') as ticket_no,
      'BO' || lpad((((i - 1) % ${ORDERS}) + 1)::text, 10, '0') as order_no,
      ${start}::timestamptz + ((i::float8 - 1) * ${spanSeconds} / ${TICKETS}) * interval '1 second' as created_at,
      l.line as business_line,
      'M' || lpad(pick.m::text, 4, '0') as merchant_id,
      case when l.line = 'food_delivery' then 'R' || lpad(((i * 104729) % 3000)::text, 4, '0') end as rider_id,
      '区域' || (pick.m % 20) as region,
      (l.categories)[1 + (i / 10) % array_length(l.categories, 1)] as category,
      case when i % 3 = 0 then 'late' else '' end as sub_type,
      case when i % 50 = 0 then 'not_applicable' when i % 10 < 8 then 'closed'
        when i % 10 = 8 then 'resolved' else 'in_progress' end as status,
      'agent' || (i % 200) as agent,
      5 + (i * 37) % 115 as minutes,
      case when i % 10 < 6 then 1 + (i / 7) % 5 end as score
    from generate_series(${from}::bigint, ${to}::bigint) as i
    cross join lateral (select m, ${lineOf(sql`m`)} as line from (select (i * 7919) % 5000 as m) as x) as pick
    join (values ('food_delivery', array['delivery','food','packaging','service_attitude']),
        ('fresh_food', array['quality','usage_question','delivery']),
        ('b2b_food_supply', array['delivery_delay','quality','packaging','other']),
        ('ecommerce', array['quality','logistics','not_as_described'])) as l(line, categories)
      on l.line = pick.line)`;
}

async function generate(db: Kysely<Database>, now: Date): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  const firstMonth = shiftMonth(monthOf(now), -(MONTHS - 1));
  const start = new Date(Date.parse(`${firstMonth}-01T00:00:00+08:00`));
  const spanSeconds = Math.floor((now.getTime() - start.getTime()) / 1000);
  const startIso = start.toISOString();
  // One connection of the pool, so that these session settings hold for every statement below.
  await sql`set session_replication_role = replica`.execute(db);
  await sql`set work_mem = '256MB'`.execute(db);
  await sql`set maintenance_work_mem = '512MB'`.execute(db);
  await sql`drop index if exists tickets_queue, tickets_phone, tickets_merchant, tickets_order, tickets_assignee,
    tickets_created, tickets_escalated, tickets_closed_at`.execute(db);
  seconds.orders = await timed(`${ORDERS.toLocaleString("en")} orders`, async () => {
    for (let from = 1; from <= ORDERS; from += CHUNK)
      await sql`insert into orders (order_no, business_line, customer_phone, merchant_id, rider_id, region, items,
          paid_fen, paid_at, promised_at, delivered_at, created_at, updated_at)
        select 'BO' || lpad(j::text, 10, '0'),
          ${lineOf(sql`(j * 7919) % 5000`)},
          '139' || lpad((j % 100000000)::text, 8, '0'), 'M' || lpad(((j * 7919) % 5000)::text, 4, '0'), null,
          '区域' || (((j * 7919) % 5000) % 20), '[]', 2800,
          p.at, p.at + interval '40 minutes', p.at + ((j % 60) * interval '1 minute'), p.at, p.at
        from generate_series(${from}::bigint, ${Math.min(ORDERS, from + CHUNK - 1)}::bigint) as j
        cross join lateral (select ${startIso}::timestamptz
          + ((j::float8 - 1) * ${spanSeconds} / ${ORDERS}) * interval '1 second' as at) p`.execute(db);
  });
  seconds.tickets = await timed(`${TICKETS.toLocaleString("en")} tickets`, async () => {
    for (let from = 1; from <= TICKETS; from += CHUNK) {
      const g = generated(from, Math.min(TICKETS, from + CHUNK - 1), startIso, spanSeconds);
      await sql`insert into tickets (ticket_no, business_line, pack_version, channel, customer_phone, order_no,
          merchant_id, rider_id, region, category, sub_type, category_source, severity, priority, urgent, queue,
          status, description, details, first_response_due_at, resolution_due_at, first_responded_at,
          resolved_at, closed_at, handling_minutes, created_at, updated_at)
        select g.ticket_no, g.business_line, '2026.1.0', 'app', '139' || lpad((g.i % 100000000)::text, 8, '0'),
          g.order_no, g.merchant_id, g.rider_id, g.region, g.category, nullif(g.sub_type, ''), 'triage',
          'general', 3, false, 'general', g.status, '等了一个多小时还没到，饭都凉了', '{}',
          g.created_at + interval '30 minutes', g.created_at + interval '1 day', g.created_at + interval '5 minutes',
          case when g.status in ('resolved','closed') then g.created_at + g.minutes * interval '1 minute' end,
          case when g.status = 'closed' then g.created_at + interval '3 hours' end,
          case when g.status = 'closed' then g.minutes end, g.created_at, g.created_at
        from ${g} as g`.execute(db);
      log(
        `    ${Math.min(TICKETS, from + CHUNK - 1).toLocaleString("en")} tickets (load average ${loadText()})`,
      );
    }
  });
  seconds.facts = await timed("the tickets' report facts", async () => {
    for (let from = 1; from <= TICKETS; from += CHUNK) {
      const g = generated(from, Math.min(TICKETS, from + CHUNK - 1), startIso, spanSeconds);
      await sql`insert into report_ticket_facts (ticket_no, month, business_line, merchant_id, region, category,
          sub_type, agent, rider_id, day, hour, received, not_applicable, resolved, closed, resolution_minutes_sum,
          score_sum, score_count, second_round, escalated, first_response_count, first_response_minutes_sum,
          first_response_met, first_response_breached, resolution_met, resolution_breached, clocks_met,
          clocks_breached, late_delivery, rider_compensation_fen, positive_feedback)
        select g.ticket_no, to_char(g.created_at at time zone 'Asia/Shanghai', 'YYYY-MM'), g.business_line,
          g.merchant_id, g.region, g.category, g.sub_type, g.agent, coalesce(g.rider_id, ''),
          to_char(g.created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'),
          extract(hour from g.created_at at time zone 'Asia/Shanghai')::smallint,
          1, (g.status = 'not_applicable')::int, (g.status in ('resolved','closed'))::int, (g.status = 'closed')::int,
          case when g.status in ('resolved','closed') then g.minutes else 0 end,
          coalesce(g.score, 0), (g.score is not null)::int, (g.i % 40 = 0)::int, (g.i % 25 = 0)::int, 1, 5,
          (g.i % 20 <> 0)::int, (g.i % 20 = 0)::int, (g.minutes < 100)::int, (g.minutes >= 100)::int,
          (g.i % 20 <> 0)::int + (g.minutes < 100)::int, (g.i % 20 = 0)::int + (g.minutes >= 100)::int,
          (g.rider_id is not null and g.category = 'delivery' and g.i % 3 = 0)::int,
          case when g.rider_id is not null and g.i % 97 = 0 then 1500 else 0 end,
          coalesce((g.score >= 4)::int, 0)
        from ${g} as g`.execute(db);
    }
  });
  const sums = sql.raw(MEASURES.map((m) => `sum(${m})`).join(", "));
  const measures = sql.raw(MEASURES.join(", "));
  seconds.rollups = await timed("the four rollups (GROUP BY over the facts)", async () => {
    await sql`insert into report_monthly (month, business_line, merchant_id, region, category, sub_type, ${measures})
      select month, business_line, merchant_id, region, category, sub_type, ${sums} from report_ticket_facts
      group by 1, 2, 3, 4, 5, 6`.execute(db);
    await sql`insert into report_agent_monthly (month, business_line, agent, ${measures})
      select month, business_line, agent, ${sums} from report_ticket_facts group by 1, 2, 3`.execute(db);
    await sql`insert into report_daily (day, hour, business_line, region, category, received, resolved, clocks_met,
        clocks_breached)
      select day, hour, business_line, region, category, sum(received), sum(resolved), sum(clocks_met),
        sum(clocks_breached) from report_ticket_facts group by 1, 2, 3, 4, 5`.execute(db);
    await sql`insert into report_rider_monthly (month, business_line, rider_id, category, received, resolved,
        late_delivery, rider_compensation_fen, score_sum, score_count, positive_feedback)
      select month, business_line, rider_id, category, sum(received), sum(resolved), sum(late_delivery),
        sum(rider_compensation_fen), sum(score_sum), sum(score_count), sum(positive_feedback)
      from report_ticket_facts where rider_id <> '' group by 1, 2, 3, 4`.execute(db);
  });
  await sql`set session_replication_role = origin`.execute(db);
  seconds.vacuum = await timed("vacuum analyze", async () => {
    for (const table of [
      "orders",
      "report_monthly",
      "report_agent_monthly",
      "report_daily",
      "report_rider_monthly",
    ])
      await sql`vacuum analyze ${sql.table(table)}`.execute(db);
    await sql`analyze tickets`.execute(db);
    await sql`analyze report_ticket_facts`.execute(db);
  });
  const sizes = await sql<{ t: string; rows: number }>`
    select relname as t, reltuples::bigint as rows from pg_class
    where relname in ('tickets', 'report_ticket_facts', 'report_monthly', 'report_agent_monthly', 'report_daily',
      'report_rider_monthly', 'orders') order by relname`.execute(db);
  log(`  rows: ${sizes.rows.map((r) => `${r.t} ${Number(r.rows).toLocaleString("en")}`).join(", ")}`);
  const bytes = await sql<{
    size: string;
  }>`select pg_size_pretty(pg_database_size(current_database())) as size`.execute(db);
  log(`  database size ${bytes.rows[0]?.size}`);
  return seconds;
}

async function timeCalls(base: string, token: string, paths: string[]): Promise<number[]> {
  const ms: number[] = [];
  for (const [k, path] of paths.entries()) {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    if (k >= 5) ms.push(performance.now() - t0); // the first calls warm the caches
  }
  return ms.sort((a, b) => a - b);
}

/** Appends `count` events to random tickets, then times the reports consumer until it has rolled them all up. */
async function rollupCost(db: Db, count: number): Promise<{ perEventMs: number; perSecond: number }> {
  await sql`update outbox_cursors set last_tx = coalesce((select max(tx) from ticket_events), '0'::xid8),
    last_id = coalesce((select max(id) from ticket_events), 0) where consumer = 'reports'`.execute(db);
  await sql`insert into ticket_events (ticket_no, at, type, actor, actor_role, visibility, data)
    select 'BR' || lpad((1 + (k * 2654435761) % ${TICKETS})::text, 12, '0'), now(), 'note_added', 'agent1', 'agent',
      'internal', '{}'
    from generate_series(1, ${count}::bigint) as k`.execute(db);
  const t0 = performance.now();
  let done = 0;
  for (let n = await rollUpEvents(db); n > 0; n = await rollUpEvents(db)) done += n;
  const ms = performance.now() - t0;
  if (done !== count) throw new Error(`the consumer rolled up ${done} of ${count} events`);
  return { perEventMs: ms / count, perSecond: (count / ms) * 1000 };
}

export default async function reports(): Promise<void> {
  log(
    `reports bench: ${availableParallelism()} cores, node ${process.version}; ${TICKETS.toLocaleString("en")} tickets ` +
      `over ${MONTHS} months, ${ORDERS.toLocaleString("en")} orders; ${CALLS} calls per route; ${EVENTS} events`,
  );
  const dbName = `bench_reports_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), "aftersale-bench-reports-"));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  let opened: OpenedDatabase | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    await admin.query(`create database ${dbName}`);
    opened = await openAndMigrate({ databaseUrl: url.toString(), dataDir });
    const now = new Date();
    await loadDemo(opened.db, now, 10);
    log(`\n== generating (set-based SQL; load average ${loadText()})`);
    const seconds = await opened.db.connection().execute((conn) => generate(conn, now));
    const loadSeconds = Object.values(seconds).reduce((a, b) => a + b, 0);

    const config = loadConfig({
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
      LOG_LEVEL: "warn",
    });
    const app = await buildApp(config, opened, loadPacks(), new SystemClock());
    const address = await app.http.listen({ port: 0, host: "127.0.0.1" });
    close = () => app.http.close();
    const login = await fetch(`${address}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "supervisor1", password: "demo123456" }),
    });
    const { token } = (await login.json()) as { token: string };
    const months = Array.from({ length: MONTHS }, (_, k) => shiftMonth(monthOf(now), -k));
    const calls = CALLS + 5;
    log(`\n== timing over HTTP (${address}; load average ${loadText()})`);
    const monthly = await timeCalls(
      address,
      token,
      Array.from(
        { length: calls },
        (_, k) => `/api/v1/reports/monthly?businessLine=${LINES[k % 4]}&month=${months[k % MONTHS]}`,
      ),
    );
    log(`  monthly report: p50 ${fmt(percentile(monthly, 50))} ms, p99 ${fmt(percentile(monthly, 99))} ms`);
    const kpis = await timeCalls(
      address,
      token,
      Array.from({ length: calls }, (_, k) => `/api/v1/reports/kpis?month=${months[k % MONTHS]}`),
    );
    log(`  dashboard KPIs: p50 ${fmt(percentile(kpis, 50))} ms, p99 ${fmt(percentile(kpis, 99))} ms`);
    const few = Math.min(calls, 45);
    const heat = await timeCalls(
      address,
      token,
      Array.from(
        { length: few },
        (_, k) => `/api/v1/reports/heatmap?month=${months[k % MONTHS]}&businessLine=${LINES[k % 4]}`,
      ),
    );
    const weekly = await timeCalls(
      address,
      token,
      Array.from(
        { length: few },
        (_, k) =>
          `/api/v1/reports/weekly?week=${new Date(now.getTime() - k * 7 * 86_400_000).toISOString().slice(0, 10)}`,
      ),
    );
    log(
      `  heat map: p50 ${fmt(percentile(heat, 50))} ms; weekly analysis: p50 ${fmt(percentile(weekly, 50))} ms`,
    );
    log(`\n== rollup maintenance (${EVENTS} events on random tickets)`);
    const cost = await rollupCost(opened.db, EVENTS);
    log(`  ${fmt(cost.perEventMs, 3)} ms per event (${fmt(cost.perSecond, 0)} events/s, one consumer)`);
    log("");
    log(
      `BENCH reports tickets=${TICKETS} months=${MONTHS} orders=${ORDERS} load_s=${fmt(loadSeconds, 0)} ` +
        `monthly_p50_ms=${fmt(percentile(monthly, 50))} monthly_p99_ms=${fmt(percentile(monthly, 99))} ` +
        `kpis_p50_ms=${fmt(percentile(kpis, 50))} kpis_p99_ms=${fmt(percentile(kpis, 99))} ` +
        `heatmap_p50_ms=${fmt(percentile(heat, 50))} weekly_p50_ms=${fmt(percentile(weekly, 50))} ` +
        `rollup_ms_per_event=${fmt(cost.perEventMs, 3)} rollup_events_per_s=${fmt(cost.perSecond, 0)}`,
    );
  } finally {
    await close?.().catch(() => {});
    await opened?.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    await admin.query(`drop database if exists ${dbName} with (force)`).catch((e) => {
      console.error(`could not drop ${dbName}: ${e.message}`);
    });
    await admin.end();
  }
}
