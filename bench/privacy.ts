/**
 * `npm run bench -- privacy`: the daily retention run over a large table.
 *
 * A fresh database (PostgreSQL: one created and dropped here; PGlite: a new DATA_DIR) is migrated, then
 * BENCH_PRIVACY_TICKETS food-delivery tickets are bulk-inserted, closed: BENCH_PRIVACY_EXPIRED of them
 * seven months ago (past the pack's 6-month retention), the rest last week, each with two events (one
 * carrying a reply body). Then, timed: the dry run (lists, touches nothing) and the real run
 * (`runRetention`, the function the daily job calls), which anonymises four data kinds of every expired
 * ticket in batches of 100 per transaction. Afterwards every expired ticket must carry a token for a
 * phone and no reply body must be left on it; otherwise the bench fails.
 *
 * Environment: BENCH_TARGETS=postgres[,pglite]  BENCH_PRIVACY_TICKETS=200000  BENCH_PRIVACY_EXPIRED=20000
 * BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test (admin connection for create/drop database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { type OpenedDatabase, openAndMigrate } from "../src/db/database.ts";
import { runRetention } from "../src/modules/privacy/privacy.commands.ts";
import { SystemClock } from "../src/platform/clock.ts";
import type { AppContext } from "../src/platform/context.ts";
import { LiveBus } from "../src/platform/live.ts";
import { loadPacks } from "../src/policy-packs/load.ts";

type Target = "postgres" | "pglite";
const env = process.env;
const TARGETS = (env.BENCH_TARGETS ?? "postgres").split(",").map((s) => s.trim()) as Target[];
const TICKETS = Number(env.BENCH_PRIVACY_TICKETS ?? 200_000);
const EXPIRED = Number(env.BENCH_PRIVACY_EXPIRED ?? 20_000);
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function load(db: OpenedDatabase["db"], now: Date): Promise<void> {
  const at = now.toISOString();
  const old = new Date(now.getTime() - 7 * 31 * 86_400_000).toISOString();
  const recent = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  await sql`insert into orders (order_no, business_line, customer_phone, merchant_id, rider_id, region, items,
      paid_fen, paid_at, created_at, updated_at)
    values ('BENCHP1', 'food_delivery', '13900000000', 'M001', 'R001', '上海-浦东', '[]', 2800, ${at}, ${at}, ${at})`.execute(
    db,
  );
  const no = sql`'FD' || lpad(i::text, 14, '0')`;
  await sql`insert into tickets (ticket_no, business_line, pack_version, channel, customer_phone, customer_name,
      order_no, merchant_id, rider_id, region, category, sub_type, category_source, severity, priority, urgent,
      queue, status, description, details, first_response_due_at, resolution_due_at, closed_at, created_at, updated_at)
    select ${no}, 'food_delivery', '2026.1.0', 'app', '139' || lpad((i % 100000000)::text, 8, '0'), '王小明',
      'BENCHP1', 'M001', 'R001', '上海-浦东', 'delivery', 'late', 'triage', 'general', 3, false,
      'rider_logistics', 'closed', '等了一个多小时还没到，地址是世纪大道100号', '{"address":"世纪大道100号"}',
      ${at}, ${at}, case when i <= ${EXPIRED} then ${old}::timestamptz else ${recent}::timestamptz end, ${at}, ${at}
    from generate_series(1, ${TICKETS}::int) as i`.execute(db);
  await sql`insert into ticket_events (ticket_no, at, type, actor, actor_role, visibility, data)
    select ${no}, ${at}, e.type, 'agent1', 'agent', 'customer', e.data::jsonb
    from generate_series(1, ${TICKETS}::int) as i
      cross join (values ('created', '{"channel":"app"}'), ('replied', '{"body":"您好，已为您处理"}')) as e(type, data)`.execute(
    db,
  );
  await sql`analyze`.execute(db);
}

async function benchTarget(target: Target): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), `aftersale-bench-privacy-${target}-`));
  const dbName = `bench_privacy_${process.pid}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const admin = target === "postgres" ? new pg.Client({ connectionString: ADMIN_URL }) : null;
  let opened: OpenedDatabase | undefined;
  try {
    if (admin) {
      await admin.connect();
      await admin.query(`create database ${dbName}`);
    }
    opened = await openAndMigrate({ databaseUrl: admin ? url.toString() : undefined, dataDir });
    const ctx: AppContext = {
      config: loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00" }),
      db: opened.db,
      dbKind: opened.kind,
      packs: loadPacks(),
      clock: new SystemClock(),
      live: new LiveBus(),
    };
    let t0 = performance.now();
    await load(opened.db, ctx.clock.now());
    console.log(
      `== ${target}: loaded ${TICKETS} closed tickets (${EXPIRED} expired) in ${seconds(t0).toFixed(1)} s`,
    );
    t0 = performance.now();
    const dry = await runRetention(ctx, { dryRun: true, actor: "bench", actorRole: "admin" });
    const drySeconds = seconds(t0);
    if (dry.counts.ticket_personal !== EXPIRED)
      throw new Error(`dry run found ${dry.counts.ticket_personal}`);
    t0 = performance.now();
    const run = await runRetention(ctx, { dryRun: false, actor: "bench", actorRole: "admin" });
    const runSeconds = seconds(t0);
    const left = await sql<{ n: number }>`select
        (select count(*) from tickets where closed_at < now() - interval '6 months' and customer_phone not like 'anon:%')
      + (select count(*) from ticket_events e join tickets t using (ticket_no)
           where t.closed_at < now() - interval '6 months' and e.data ? 'body') as n`.execute(opened.db);
    if (Number(left.rows[0]?.n) !== 0 || run.counts.message_bodies !== EXPIRED)
      throw new Error(`run left ${left.rows[0]?.n} personal rows`);
    return (
      `BENCH privacy.${target} tickets=${TICKETS} expired=${EXPIRED} dry_run_s=${drySeconds.toFixed(2)} ` +
      `run_s=${runSeconds.toFixed(2)} tickets_anonymised_per_s=${Math.round(EXPIRED / runSeconds)}`
    );
  } finally {
    await opened?.close();
    if (admin) {
      await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await admin.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function privacyBench(): Promise<void> {
  const lines: string[] = [];
  for (const target of TARGETS) lines.push(await benchTarget(target));
  console.log("");
  for (const line of lines) console.log(line);
}
