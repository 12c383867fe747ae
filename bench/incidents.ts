/**
 * `npm run bench -- incidents`: batch-incident detection under load, on PostgreSQL.
 *
 * For each table size (BENCH_SIZES, default 10k and 200k stored tickets) a fresh database is made,
 * migrated, given the demo users and pre-seeded in bulk with that many old tickets (and their `received`
 * events; the outbox consumers' cursors are then moved past them, as on a system that has long caught
 * up). The real app (src/main.ts serve, every job running) is started in its own process and autocannon
 * drives intake at BENCH_RATE tickets/s of unrelated background complaints (channel "api", one order
 * each). From a quarter of the run on, BENCH_PLANTS triples are planted one after another, each three
 * similar food-safety complaints on a merchant, product, batch and region of its own; after each, the
 * bench polls `GET /api/v1/incidents?status=open` every 20 ms until an incident holding all three shows,
 * and takes the delay from the third complaint's 201 to that answer. Only triples answered while the
 * load still ran are counted; the figures are the rate intake reached, the stored tickets, and the
 * delay's p50 and max (with how long the answering GET itself took, as it queues behind the load).
 *
 * "Cost per ticket does not grow with the stored tickets" is shown by CPU per ticket (app process and the
 * database's backends, from /proc) and the detection delay at both sizes.
 *
 * Environment: BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_SIZES=10000,200000  BENCH_RATE=1000  BENCH_SECONDS=20  BENCH_CONNECTIONS=32  BENCH_PLANTS=6
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
import { admin as adminStatement } from "./lib/app-processes.ts";
import { snapshot, spent } from "./lib/cpu.ts";
import { fmt, loadText } from "./lib/figures.ts";
import { intakeBodyOf, orderNoOf, orderOf, percentile } from "./lib/intake-fixture.ts";

const env = process.env;
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SIZES = (env.BENCH_SIZES ?? "10000,200000").split(",").map(Number);
const RATE = Number(env.BENCH_RATE ?? 1000);
const SECONDS = Number(env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const PLANTS = Number(env.BENCH_PLANTS ?? 6);
const ROOT = join(fileURLToPath(import.meta.url), "../..");
const log = (line: string) => console.log(line);

const admin = (statement: string) => adminStatement(statement, ADMIN_URL);

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

/** The scene of planted triple `k`: its own merchant, product, batch and region, so no background complaint joins it. */
const sceneOf = (tag: string, k: number) => ({
  merchantId: `MB${tag}${k}`,
  productId: `PB${tag}${k}`,
  region: `基准区-${tag}-${k}`,
});
const plantOrderNo = (tag: string, k: number, n: number) => `PL${tag}${k}x${n}`;
const plantPhone = (k: number, n: number) => `1361${String(k * 3 + n).padStart(7, "0")}`;

/** The planted triples' orders, stored before the load starts so that planting is three intakes only. */
async function plantOrders(url: string, tag: string, plants: number): Promise<void> {
  const db = await openAndMigrate({ databaseUrl: url, dataDir: "" });
  try {
    const now = new Date();
    await db.db.transaction().execute(async (trx) => {
      for (let k = 0; k < plants; k++)
        for (let n = 0; n < 3; n++) {
          const s = sceneOf(tag, k);
          await upsertOrder(
            trx,
            plantOrderNo(tag, k, n),
            {
              businessLine: "food_delivery",
              customerPhone: plantPhone(k, n),
              merchantId: s.merchantId,
              riderId: "R001",
              region: s.region,
              items: [
                {
                  productId: s.productId,
                  name: "卤肉饭",
                  batchNo: `${s.productId}-B1`,
                  quantity: 1,
                  unitPriceFen: 2800,
                },
              ],
              paidFen: 2800,
              paidAt: new Date(now.getTime() - 3_600_000).toISOString(),
            },
            now,
          );
        }
    });
  } finally {
    await db.close();
  }
}

interface Plant {
  delayMs: number;
  /** How long the answering `GET` itself took: under saturation it queues behind the load like any request. */
  readMs: number;
  /** Whether the background load was still running when the third complaint was answered. */
  underLoad: boolean;
}

/**
 * Planted triple `k`: three similar food-safety complaints on its product, one after another; then the
 * incident list is polled every 20 ms until an incident holding all three shows.
 */
async function plant(
  base: string,
  apiKey: string,
  supervisor: string,
  tag: string,
  k: number,
  loadRunning: () => boolean,
): Promise<Plant> {
  const scene = sceneOf(tag, k);
  const ticketNos: string[] = [];
  let thirdAt = 0;
  for (let n = 0; n < 3; n++) {
    const r = await fetch(`${base}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({
        channel: "api",
        phone: plantPhone(k, n),
        orderNo: plantOrderNo(tag, k, n),
        category: "food",
        subType: "food_safety",
        description: "吃完卤肉饭两个小时后开始腹痛腹泻，还有点发烧，怀疑食物变质，请尽快核实处理。",
      }),
    });
    if (r.status !== 201) throw new Error(`plant intake: ${r.status} ${await r.text()}`);
    ticketNos.push(((await r.json()) as { ticketNo: string }).ticketNo);
    thirdAt = performance.now();
  }
  const underLoad = loadRunning();
  for (;;) {
    const sent = performance.now();
    const r = await fetch(`${base}/api/v1/incidents?status=open&limit=200`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    const body = (await r.json()) as { items: { key: { productId?: string }; ticketNos: string[] }[] };
    const found = body.items.find(
      (i) => i.key.productId === scene.productId && ticketNos.every((t) => i.ticketNos.includes(t)),
    );
    if (found) return { delayMs: performance.now() - thirdAt, readMs: performance.now() - sent, underLoad };
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
    const tag = `${process.pid % 100000}r${round}`;
    await plantOrders(url.toString(), tag, PLANTS);
    const stored = await storedTickets(url.toString());
    log(
      `seeded ${stored} tickets and ${loadOrders} load orders in ${fmt((performance.now() - t0) / 1000)} s`,
    );
    const port = await freePort();
    child = await startApp(url.toString(), port);
    const base = `http://127.0.0.1:${port}`;
    const supervisor = await login(base, "supervisor1");

    let next = 0;
    let loadRunning = true;
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
    const loaded = load.then((result) => {
      loadRunning = false;
      return result;
    });
    // The first planted triple once the load has settled; the next ones one after another while it runs.
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 4));
    const plants: Plant[] = [];
    let failure: string | null = null;
    for (let k = 0; k < PLANTS && loadRunning; k++) {
      try {
        plants.push(await plant(base, apiKey, supervisor, tag, k, () => loadRunning));
      } catch (error) {
        failure = (error as Error).message;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const result = await loaded;
    const after = snapshot(processCpuMs(child.pid!), dbName);
    const cpu = spent(before, after);
    const ok = result["2xx"];
    const perTicket = (ms: number) => ms / Math.max(1, ok);
    // Only triples answered while the load still ran count: one planted after it would measure an idle machine.
    const measured = plants.filter((p) => p.underLoad);
    const delays = measured.map((p) => p.delayMs).sort((a, b) => a - b);
    const reads = measured.map((p) => p.readMs).sort((a, b) => a - b);
    const achieved = ok / Math.max(1, result.duration);
    log(
      `size=${stored}: ${ok} tickets in ${fmt(cpu.seconds)} s = ${fmt(achieved, 0)}/s (${result.non2xx} non-2xx, ` +
        `${result.errors} errors), p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms; ` +
        `detection of ${delays.length} triples under load: ${delays.map((d) => fmt(d, 0)).join(", ")} ms ` +
        `(of which the answering GET took ${reads.map((d) => fmt(d, 0)).join(", ")} ms); ` +
        `cpu/ticket app ${fmt(perTicket(cpu.app), 2)} ms, postgres ${fmt(perTicket(cpu.postgres), 2)} ms, ` +
        `other ${fmt(cpu.other)} ms; load ${loadText()}`,
    );
    return {
      size: stored,
      achieved,
      p99: result.latency.p99,
      delays,
      reads,
      appMs: perTicket(cpu.app),
      pgMs: perTicket(cpu.postgres),
      errors: result.non2xx + result.errors,
      failure,
    };
  } finally {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child!.once("exit", resolve));
    }
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

async function storedTickets(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>("select count(*) as n from tickets");
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

export default async function incidents(): Promise<void> {
  log(
    `incidents bench: rate ${RATE}/s for ${SECONDS} s, ${CONNECTIONS} connections, sizes ${SIZES.join(", ")}, ` +
      `${PLANTS} planted triples per size`,
  );
  const rows = [];
  for (const [i, size] of SIZES.entries()) rows.push(await runSize(size, i));
  for (const r of rows)
    log(
      `BENCH incidents.postgres stored_tickets=${r.size} offered_per_s=${RATE} achieved_per_s=${fmt(r.achieved, 0)} ` +
        `p99_ms=${r.p99} triples=${r.delays.length} detect_delay_p50_ms=${fmt(percentile(r.delays, 50), 0)} ` +
        `detect_delay_max_ms=${fmt(percentile(r.delays, 100), 0)} read_p50_ms=${fmt(percentile(r.reads, 50), 0)} app_cpu_ms_per_ticket=${fmt(r.appMs, 2)} ` +
        `pg_cpu_ms_per_ticket=${fmt(r.pgMs, 2)} errors=${r.errors}${r.failure ? ` failure="${r.failure}"` : ""}`,
    );
  const all = rows.flatMap((r) => r.delays).sort((a, b) => a - b);
  log(
    `BENCH incidents.postgres triples=${all.length} detect_delay_p50_ms=${fmt(percentile(all, 50), 0)} ` +
      `detect_delay_max_ms=${fmt(percentile(all, 100), 0)}`,
  );
}
