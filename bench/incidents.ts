/**
 * `npm run bench -- incidents`: batch-incident detection under load, on PostgreSQL.
 *
 * For each table size (BENCH_SIZES, default 10k and 200k stored tickets) a fresh database is made,
 * migrated, given the demo users and pre-seeded in bulk with that many old tickets (and their `received`
 * events; the outbox consumers' cursors are then moved past them, as on a system that has long caught
 * up). The real app (src/main.ts serve, every job running) is started in its own process and autocannon
 * drives intake at BENCH_RATE tickets/s of unrelated background complaints (channel "api", one order
 * each). Halfway through, three similar food-safety complaints on one new product, region and batch are
 * planted one after another; the bench then polls `GET /api/v1/incidents?status=open` until an incident
 * holding all three is visible and reports the delay from the third complaint's 201.
 *
 * "Cost per ticket does not grow with the stored tickets" is shown by CPU per ticket (app process and the
 * database's backends, from /proc) and the detection delay at both sizes.
 *
 * Environment: BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_SIZES=10000,200000  BENCH_RATE=1000  BENCH_SECONDS=12  BENCH_CONNECTIONS=32
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";
import { openAndMigrate } from "../src/db/database.ts";
import { loadDemo } from "../src/modules/demo/demo.ts";
import { upsertOrder } from "../src/modules/orders/orders.store.ts";
import { createApiKey } from "../src/modules/users/users.store.ts";
import { snapshot, spent } from "./lib/cpu.ts";
import { fmt } from "./lib/figures.ts";
import { intakeBodyOf, orderNoOf, orderOf, percentile } from "./lib/intake-fixture.ts";

const env = process.env;
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SIZES = (env.BENCH_SIZES ?? "10000,200000").split(",").map(Number);
const RATE = Number(env.BENCH_RATE ?? 1000);
const SECONDS = Number(env.BENCH_SECONDS ?? 12);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const ROOT = join(fileURLToPath(import.meta.url), "../..");
const log = (line: string) => console.log(line);

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Old, settled tickets in bulk: what a platform that has run for months holds. */
async function preSeed(url: string, size: number, loadOrders: number): Promise<string> {
  const db = await openAndMigrate({ databaseUrl: url, dataDir: "" });
  try {
    const now = new Date();
    await loadDemo(db.db, now, 20);
    const key = await createApiKey(db.db, "bench", ["tickets.register"], now);
    await sql`
      insert into orders (order_no, business_line, customer_phone, merchant_id, rider_id, region, items, paid_fen,
        paid_at, created_at, updated_at)
      select 'SD' || lpad(i::text, 9, '0'), 'food_delivery', '139' || lpad((i % 60000)::text, 8, '0'),
        'M00' || (1 + i % 3), 'R001', '上海-浦东',
        '[{"productId":"P0001","name":"麻辣烫套餐","batchNo":"P0001-B1","quantity":1,"unitPriceFen":2800}]'::jsonb,
        2800, now() - make_interval(days => 1 + i % 180), now(), now()
      from generate_series(1, ${size}) i`.execute(db.db);
    await sql`
      insert into tickets (ticket_no, business_line, pack_version, channel, customer_phone, order_no, merchant_id,
        rider_id, region, category, category_source, severity, priority, urgent, queue, status, description,
        details, first_response_due_at, resolution_due_at, created_at, updated_at, closed_at)
      select 'SD' || lpad(i::text, 9, '0'), 'food_delivery', 'seed', 'app', '139' || lpad((i % 60000)::text, 8, '0'),
        'SD' || lpad(i::text, 9, '0'), 'M00' || (1 + i % 3), 'R001', '上海-浦东',
        (array['delivery','food','packaging','service_attitude'])[1 + i % 4], 'triage', 'general', 3, false,
        'agent', 'closed', '送餐晚了，饭菜都凉了', '{}'::jsonb,
        now() - make_interval(days => 1 + i % 180), now() - make_interval(days => i % 180),
        now() - make_interval(days => 1 + i % 180), now() - make_interval(days => i % 180),
        now() - make_interval(days => i % 180)
      from generate_series(1, ${size}) i`.execute(db.db);
    await sql`
      insert into ticket_events (ticket_no, at, type, actor, actor_role, channel, visibility, data)
      select ticket_no, created_at, 'received', 'customer', 'customer', 'app', 'customer', '{}'::jsonb from tickets
      where ticket_no like 'SD%'`.execute(db.db);
    // A system that has long caught up: every outbox consumer starts after the seeded events.
    await sql`update outbox_cursors set last_tx = pg_current_xact_id(),
      last_id = (select coalesce(max(id), 0) from ticket_events)`.execute(db.db);
    const started = new Date();
    for (let from = 0; from < loadOrders; from += 500)
      await db.db.transaction().execute(async (trx) => {
        for (let i = from; i < Math.min(loadOrders, from + 500); i++)
          await upsertOrder(trx, orderNoOf(i), orderOf(i, started), started);
      });
    await sql`analyze`.execute(db.db);
    return key.key;
  } finally {
    await db.close();
  }
}

async function startApp(url: string, port: number): Promise<ChildProcess> {
  const child = fork(join(ROOT, "src/main.ts"), ["serve"], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SMTP_PORT: "off",
      AUTH_SECRET: "bench-incidents-secret-bench-incidents-0",
      AFTERSALE_DEMO: "",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch {}
    if (Date.now() > until || child.exitCode !== null) throw new Error("app did not start");
    await new Promise((r) => setTimeout(r, 300));
  }
}

interface Plant {
  delayMs: number;
  thirdAt: number;
  ticketNos: string[];
}

/** Three similar complaints on one new product, region and batch; then waits for the incident to show. */
async function plant(
  base: string,
  apiKey: string,
  tokens: { admin: string; supervisor: string },
  tag: string,
  orderBase: number,
): Promise<Plant> {
  const productId = `PB${tag}`;
  const region = `基准区-${tag}`;
  const ticketNos: string[] = [];
  let thirdAt = 0;
  for (let k = 0; k < 3; k++) {
    const orderNo = `PL${tag}${k}`;
    const now = new Date();
    const put = await fetch(`${base}/api/v1/orders/${orderNo}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({
        businessLine: "food_delivery",
        customerPhone: `1361${String(orderBase + k).padStart(7, "0")}`,
        merchantId: `MB${tag}`,
        riderId: "R001",
        region,
        items: [{ productId, name: "卤肉饭", batchNo: `${productId}-B1`, quantity: 1, unitPriceFen: 2800 }],
        paidFen: 2800,
        paidAt: new Date(now.getTime() - 3_600_000).toISOString(),
      }),
    });
    if (put.status !== 201) throw new Error(`plant order: ${put.status}`);
    const r = await fetch(`${base}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({
        channel: "api",
        phone: `1361${String(orderBase + k).padStart(7, "0")}`,
        orderNo,
        category: "food",
        subType: "food_safety",
        description: "吃完卤肉饭两个小时后开始腹痛腹泻，还有点发烧，怀疑食物变质，请尽快核实处理。",
      }),
    });
    if (r.status !== 201) throw new Error(`plant intake: ${r.status} ${await r.text()}`);
    ticketNos.push(((await r.json()) as { ticketNo: string }).ticketNo);
    thirdAt = performance.now();
  }
  for (;;) {
    const r = await fetch(`${base}/api/v1/incidents?status=open&limit=200`, {
      headers: { authorization: `Bearer ${tokens.supervisor}` },
    });
    const body = (await r.json()) as { items: { key: { productId?: string }; ticketNos: string[] }[] };
    const found = body.items.find(
      (i) => i.key.productId === productId && ticketNos.every((t) => i.ticketNos.includes(t)),
    );
    if (found) return { delayMs: performance.now() - thirdAt, thirdAt, ticketNos };
    if (performance.now() - thirdAt > 60_000) throw new Error("incident not visible within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function login(base: string, username: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "demo123456" }),
  });
  return ((await r.json()) as { token: string }).token;
}

async function runSize(size: number, round: number) {
  const dbName = `bench_incidents_${process.pid}_${round}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  await admin(`drop database if exists ${dbName} with (force)`);
  await admin(`create database ${dbName}`);
  let child: ChildProcess | null = null;
  try {
    const loadOrders = Math.ceil(RATE * SECONDS * 1.3);
    const t0 = performance.now();
    const apiKey = await preSeed(url.toString(), size, loadOrders);
    log(`seeded ${size} tickets and ${loadOrders} load orders in ${fmt((performance.now() - t0) / 1000)} s`);
    const port = await freePort();
    child = await startApp(url.toString(), port);
    const base = `http://127.0.0.1:${port}`;
    const [adminToken, supervisorToken] = [await login(base, "admin"), await login(base, "supervisor1")];

    let next = 0;
    const before = snapshot(processCpuMs(child.pid!), dbName);
    const load = autocannon({
      url: `${base}/api/v1/tickets`,
      method: "POST",
      connections: CONNECTIONS,
      overallRate: RATE,
      duration: SECONDS,
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: JSON.stringify(intakeBodyOf(next++ % loadOrders)) }),
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 2));
    const tokens = { admin: adminToken, supervisor: supervisorToken };
    const planted = await plant(base, apiKey, tokens, `${process.pid}${round}`, round * 10).catch(
      (e: Error) => ({
        delayMs: Number.NaN,
        thirdAt: 0,
        ticketNos: [],
        error: e.message,
      }),
    );
    const result = await load;
    const after = snapshot(processCpuMs(child.pid!), dbName);
    const cpu = spent(before, after);
    const ok = result["2xx"];
    const perTicket = (ms: number) => ms / Math.max(1, ok);
    log(
      `size=${size}: ${ok} tickets in ${fmt(cpu.seconds)} s (${result.non2xx} non-2xx, ${result.errors} errors), ` +
        `p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms; detection ${fmt(planted.delayMs, 0)} ms; ` +
        `cpu/ticket app ${fmt(perTicket(cpu.app), 2)} ms, postgres ${fmt(perTicket(cpu.postgres), 2)} ms, other ${fmt(cpu.other)} ms`,
    );
    return {
      size,
      achieved: ok / Math.max(1, result.duration),
      p99: result.latency.p99,
      delay: planted.delayMs,
      appMs: perTicket(cpu.app),
      pgMs: perTicket(cpu.postgres),
      errors: result.non2xx + result.errors,
      failure: "error" in planted ? planted.error : null,
    };
  } finally {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child!.once("exit", resolve));
    }
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

export default async function incidents(): Promise<void> {
  log(
    `incidents bench: rate ${RATE}/s for ${SECONDS} s, ${CONNECTIONS} connections, sizes ${SIZES.join(", ")}`,
  );
  const rows = [];
  for (const [i, size] of SIZES.entries()) rows.push(await runSize(size, i));
  const delays = rows.map((r) => r.delay).sort((a, b) => a - b);
  for (const r of rows)
    log(
      `BENCH incidents.postgres stored_tickets=${r.size} offered_per_s=${RATE} achieved_per_s=${fmt(r.achieved, 0)} ` +
        `p99_ms=${r.p99} detect_delay_ms=${fmt(r.delay, 0)} app_cpu_ms_per_ticket=${fmt(r.appMs, 2)} ` +
        `pg_cpu_ms_per_ticket=${fmt(r.pgMs, 2)} errors=${r.errors}${r.failure ? ` failure="${r.failure}"` : ""}`,
    );
  log(`BENCH incidents.postgres detect_delay_max_ms=${fmt(percentile(delays, 100), 0)}`);
}
