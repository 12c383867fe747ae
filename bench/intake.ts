/**
 * `npm run bench -- intake`: intake throughput of the real app, on PostgreSQL and on PGlite.
 *
 * For each database the app runs in a child process (bench/lib/intake-server.ts, wired as src/main.ts),
 * over a fresh database: a new PostgreSQL database created and dropped here, or a new PGlite DATA_DIR.
 * Orders are seeded through the store (one per request, each with its own customer phone) and an
 * integration API key is created, so the load is authenticated (channel "api", X-Api-Key) and not
 * rate limited. autocannon then drives `POST /api/v1/tickets` at 1, 8 and 32 connections; each step is a
 * short calibration run followed by a fixed number of requests sized to last about BENCH_SECONDS, so
 * every request gets its answer and the ticket count can be checked exactly.
 *
 * The raw limit is measured in the same run at the same concurrency: the intake's SQL statements through
 * the same store functions without HTTP (bench/lib/intake-raw.ts). On PostgreSQL it runs here over a
 * pg.Pool of the app's size (20), with the app's background consumers held off their outbox cursors;
 * on PGlite inside the app's process, on the app's own session, between the consumers' pages.
 *
 * After every run the database must hold exactly one ticket and one "received" event per 2xx (or per raw
 * intake), and no order twice; otherwise the bench fails.
 *
 * Environment:
 *   BENCH_TARGETS=postgres,pglite   BENCH_CONNECTIONS=1,8,32   BENCH_SECONDS=10  BENCH_RAW_SECONDS=3
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test   admin connection that creates and drops the
 *                                   bench database (bench_intake_<pid>)
 *   BENCH_WAIT_QUIET=seconds        before each step, wait up to this long for the machine to be idle
 *   BENCH_SETTLE=120                before each measured run, wait up to this long for the background
 *                                   consumers to handle every earlier ticket (jobs on)
 *   BENCH_CPU_PROF=dir              V8 CPU profile of the app process during each measured HTTP run,
 *                                   dir/intake-<db>-c<N>.cpuprofile (open in Chrome DevTools)
 *   BENCH_IDEMPOTENCY=1             send an Idempotency-Key with every request (one more lookup each)
 *   BENCH_ANALYZE=0                 on a PostgreSQL server with autovacuum off, do not analyse the bench
 *                                   database before each step (see `analyzeIfNoAutovacuum`)
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "../src/db/database.ts";
import { loadPacks } from "../src/policy-packs/load.ts";
import { type CpuSnapshot, type CpuSpent, coreShare, snapshot, spent, waitForQuiet } from "./lib/cpu.ts";
import { fmt } from "./lib/figures.ts";
import { intakeBodyOf, percentile } from "./lib/intake-fixture.ts";
import { type RawResult, runRawIntake } from "./lib/intake-raw.ts";
import type { Backlog, ServerReady, TicketCounts } from "./lib/intake-server.ts";

type DatabaseName = "postgres" | "pglite";

const env = process.env;
const DATABASES = (env.BENCH_TARGETS ?? "postgres,pglite").split(",").map((s) => s.trim()) as DatabaseName[];
const CONNECTIONS = (env.BENCH_CONNECTIONS ?? "1,8,32").split(",").map(Number);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const RAW_SECONDS = Number(env.BENCH_RAW_SECONDS ?? 3);
const ADMIN_URL = env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const WAIT_QUIET = Number(env.BENCH_WAIT_QUIET ?? 0);
const SETTLE_SECONDS = Number(env.BENCH_SETTLE ?? 120);
const IDEMPOTENCY = env.BENCH_IDEMPOTENCY === "1";
const ANALYZE = env.BENCH_ANALYZE !== "0";
/** As src/main.ts: openDatabase's default pool. The raw loop gets the same number of connections. */
const APP_POOL_SIZE = 20;

const log = (line: string) => console.log(line);

/** The app in its own process, and the IPC calls it answers. */
class AppProcess {
  private nextId = 1;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ServerReady,
  ) {
    child.on("message", (m: { id?: number; result?: unknown; error?: string }) => {
      const waiter = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!waiter) return;
      this.pending.delete(m.id!);
      if (m.error) waiter.reject(new Error(m.error));
      else waiter.resolve(m.result);
    });
    child.on("exit", (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`app process exited (${code})`));
      this.pending.clear();
    });
  }

  static start(childEnv: Record<string, string>): Promise<AppProcess> {
    const script = fileURLToPath(new URL("./lib/intake-server.ts", import.meta.url));
    const child = fork(script, [], {
      execArgv: ["--import", "tsx"],
      env: { ...env, ...childEnv },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`app process exited during start (${code})`));
      child.once("exit", onExit);
      child.once("message", (m: ServerReady) => {
        child.off("exit", onExit);
        resolve(new AppProcess(child, m));
      });
    });
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.call("stop").catch(() => {});
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Hands out order indexes, seeding orders in the app's process ahead of use; each index is used once. */
class Orders {
  cursor = 0;
  seeded = 0;
  constructor(
    private readonly app: AppProcess,
    private readonly seedConcurrency: number,
  ) {}
  async ensure(count: number): Promise<void> {
    if (this.cursor + count <= this.seeded) return;
    const to = Math.ceil((this.cursor + count) / 5000) * 5000;
    const t0 = performance.now();
    await this.app.call("seed", { from: this.seeded, to, concurrency: this.seedConcurrency });
    log(
      `  seeded orders ${this.seeded}…${to - 1} in ${fmt((performance.now() - t0) / 1000)} s (upsertOrder)`,
    );
    this.seeded = to;
  }
}

/** Everything a run needs: the app, the order supply and the PostgreSQL database's name (null on PGlite). */
interface Bench {
  app: AppProcess;
  orders: Orders;
  dbName: string | null;
}

const cpuNow = async (b: Bench): Promise<CpuSnapshot> => snapshot(await b.app.call<number>("cpu"), b.dbName);

/** Exactly one ticket and one "received" event per accepted request, and no order ticketed twice. */
function verify(label: string, before: TicketCounts, after: TicketCounts, accepted: number): void {
  const added = after.tickets - before.tickets;
  const problems: string[] = [];
  if (added !== accepted)
    problems.push(`${added} tickets were stored for ${accepted} accepted requests (${added - accepted})`);
  if (after.distinctOrders !== after.tickets)
    problems.push(`${after.tickets - after.distinctOrders} orders have more than one ticket`);
  if (after.receivedEvents !== after.tickets)
    problems.push(`${after.receivedEvents} "received" events for ${after.tickets} tickets`);
  if (problems.length) throw new Error(`${label}: tickets lost or doubled: ${problems.join("; ")}`);
}

interface Run {
  done: number;
  seconds: number;
  /** Latencies in ms, ascending. */
  latencies: number[];
  cpu: CpuSpent;
  /** The consumers' backlog when the run ended: work its tickets left for after it. */
  behind?: Backlog;
}

/**
 * Waits (up to BENCH_SETTLE seconds) until the background consumers have handled every earlier ticket,
 * so a measured run pays for its own tickets' consumption and not for the catch-up of the runs before
 * it: without this, CPU per ticket and tickets/s moved by a third from run to run with how far the
 * consumers lagged when it began.
 */
async function settle(b: Bench): Promise<void> {
  const t0 = performance.now();
  let left = await b.app.call<Backlog>("backlog");
  if (!left.jobs) return;
  while ((left.events > 0 || left.notices > 0) && performance.now() - t0 < SETTLE_SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 250));
    left = await b.app.call<Backlog>("backlog");
  }
  const waited = (performance.now() - t0) / 1000;
  if (left.events > 0 || left.notices > 0)
    log(
      `  (consumers still ${left.events} events and ${left.notices} notices behind after ${fmt(waited, 0)} s)`,
    );
  else if (waited > 1) log(`  (waited ${fmt(waited, 1)} s for the consumers to catch up)`);
}

/** `amount` requests at `connections`, each with the next order; every request is answered before it ends. */
async function httpRun(b: Bench, connections: number, amount: number, profileFile?: string): Promise<Run> {
  const { app, orders } = b;
  await orders.ensure(amount);
  const before = await app.call<TicketCounts>("count");
  if (profileFile) await app.call("profile-start");
  let next = orders.cursor;
  const latencies: number[] = [];
  let lastResponse = 0;
  let firstProblem: string | undefined;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-api-key": app.ready.apiKey,
  };
  type Outcome = { error: Error | null; result: autocannon.Result };
  let finish: (o: Outcome) => void = () => {};
  const finished = new Promise<Outcome>((r) => {
    finish = r;
  });
  const cpuBefore = await cpuNow(b);
  const started = performance.now();
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${app.ready.port}`,
      connections,
      amount,
      timeout: 30,
      sampleInt: 250,
      requests: [
        {
          method: "POST",
          path: "/api/v1/tickets",
          headers,
          setupRequest: (req) => {
            const i = next++;
            return {
              ...req,
              ...(IDEMPOTENCY ? { headers: { ...headers, "idempotency-key": `bench-${i}` } } : {}),
              body: JSON.stringify(intakeBodyOf(i)),
            };
          },
          onResponse: (status, body) => {
            if (status !== 201 && firstProblem === undefined)
              firstProblem = `${status} ${body.slice(0, 400)}`;
          },
        },
      ],
    },
    (error, result) => finish({ error, result }),
  );
  instance.on("response", (_client, status, _bytes, responseTime) => {
    lastResponse = performance.now();
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const { error, result } = await finished;
  const cpuAfter = await cpuNow(b);
  const behind = await app.call<Backlog>("backlog");
  if (profileFile) {
    await app.call("profile-stop", { file: profileFile });
    log(`  CPU profile of the app process: ${profileFile}`);
  }
  if (error) throw error;
  orders.cursor = next;
  const after = await app.call<TicketCounts>("count");
  const label = `HTTP c=${connections}`;
  if (result.errors || result.non2xx || result.mismatches || firstProblem)
    throw new Error(
      `${label}: ${result.non2xx} non-2xx responses, ${result.errors} errors (${result.timeouts} timeouts)` +
        (firstProblem ? `; first: ${firstProblem}` : ""),
    );
  verify(label, before, after, result["2xx"]);
  return {
    done: result["2xx"],
    seconds: (lastResponse - started) / 1000,
    latencies: latencies.sort((x, y) => x - y),
    cpu: spent(cpuBefore, cpuAfter),
    behind,
  };
}

type RawRunner = (o: {
  from: number;
  end: number;
  concurrency: number;
  seconds: number;
}) => Promise<RawResult>;

/** The raw loop for `seconds` with at most `cap` orders; exhausted when it ran out of them first. */
async function rawRun(
  b: Bench,
  raw: RawRunner,
  concurrency: number,
  seconds: number,
  cap: number,
): Promise<Run & { exhausted: boolean }> {
  const { app, orders } = b;
  await orders.ensure(cap);
  const before = await app.call<TicketCounts>("count");
  const cpuBefore = await cpuNow(b);
  const r = await raw({ from: orders.cursor, end: orders.cursor + cap, concurrency, seconds });
  const cpuAfter = await cpuNow(b);
  orders.cursor += r.done;
  verify(`raw c=${concurrency}`, before, await app.call<TicketCounts>("count"), r.done);
  return { ...r, latencies: r.latenciesMs, cpu: spent(cpuBefore, cpuAfter) };
}

interface Step {
  connections: number;
  http: Run;
  raw: Run & { exhausted: boolean };
}

const perSecond = (r: Run) => r.done / r.seconds;

/** CPU µs per ticket of each part, and the share of the cores other work took meanwhile. */
function cpuLine(db: DatabaseName, label: string, r: Run, client: string): string {
  const us = (ms: number) => `${fmt((ms * 1000) / r.done, 0)}`;
  const parts =
    db === "postgres"
      ? `app ${us(r.cpu.app)} + postgres ${us(r.cpu.postgres)} + ${client} ${us(r.cpu.self)} µs`
      : `app+PGlite ${us(r.cpu.app)} + ${client} ${us(r.cpu.self)} µs`;
  const behind =
    r.behind?.jobs && (r.behind.events || r.behind.notices)
      ? `; at the end, events past each consumer: ${Object.entries(r.behind.byConsumer)
          .map(([c, n]) => `${c} ${n}`)
          .join(", ")}; notices due unsent: ${r.behind.notices}`
      : "";
  return `${label} ${parts}, other work ${fmt(coreShare(r.cpu.other, r.cpu.seconds), 0)}% of the cores${behind}`;
}

/**
 * What autovacuum would have done by then, on a server where it is off (as on this project's machines):
 * analyse the bench database, whose tables have grown by tens of thousands of rows
 * since the last step. Never-analysed tables cost PostgreSQL 585–763 µs per ticket at 8 and 32
 * connections, where analysed ones cost 361–523 (alternating full runs, 2026-12-07). A deployment keeps
 * autovacuum on, the default; the other benches analyse for the same reason.
 */
async function analyzeIfNoAutovacuum(admin: pg.Client | null, dbUrl: string): Promise<void> {
  if (!admin || !ANALYZE) return;
  const setting = await admin.query<{ autovacuum: string }>("show autovacuum");
  if (setting.rows[0]?.autovacuum === "on") return;
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query("analyze");
  } finally {
    await client.end();
  }
  log(
    `  (autovacuum is off on this server: analysed the bench database in ${fmt((performance.now() - t0) / 1000, 1)} s)`,
  );
}

async function benchDatabase(db: DatabaseName): Promise<Step[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `aftersale-bench-${db}-`));
  const dbName = `bench_intake_${process.pid}`;
  const dbUrl = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const admin = db === "postgres" ? new pg.Client({ connectionString: ADMIN_URL }) : null;
  let app: AppProcess | undefined;
  let rawDb: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await rawDb?.close().catch(() => {});
      await app?.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`drop database if exists ${dbName} with (force)`).catch((e) => {
          console.error(`could not drop ${dbName}: ${e.message}`);
        });
        await admin.end().catch(() => {});
      }
    })());
  cleanups.add(cleanup);
  try {
    if (admin) {
      await admin.connect();
      await admin.query(`create database ${dbName}`);
    }
    const t0 = performance.now();
    app = await AppProcess.start({
      DATA_DIR: dataDir,
      ...(db === "postgres" ? { DATABASE_URL: dbUrl } : {}),
    });
    log(
      `\n== ${db}: app up in ${fmt((performance.now() - t0) / 1000)} s on ${app.ready.version.split(" on ")[0]}`,
    );
    const b: Bench = {
      app,
      orders: new Orders(app, db === "postgres" ? 8 : 1),
      dbName: db === "postgres" ? dbName : null,
    };

    let raw: RawRunner;
    if (db === "postgres") {
      // The raw limit from this process over its own pg.Pool, while the app process sits idle: its
      // background consumers wait on their outbox cursors, held here for the run, so the raw figure is
      // intake's statements alone (they catch up afterwards, before the next measured run).
      rawDb = await openDatabase({ databaseUrl: dbUrl, dataDir, poolSize: APP_POOL_SIZE });
      const kysely = rawDb.db;
      const packs = loadPacks();
      const actor = { id: app.ready.apiKeyId, name: "apikey:bench", role: "integration" };
      raw = async (o) => {
        const hold = new pg.Client({ connectionString: dbUrl });
        await hold.connect();
        try {
          await hold.query("begin");
          await hold.query("select consumer from outbox_cursors for update");
          return await runRawIntake(kysely, packs, { ...o, actor, idempotency: IDEMPOTENCY });
        } finally {
          await hold.query("commit").catch(() => {});
          await hold.end();
        }
      };
    } else {
      // PGlite is one session in the app's process: the raw loop runs there, on the app's connection.
      const a = app;
      raw = (o) => a.call<RawResult>("raw", { ...o, idempotency: IDEMPOTENCY });
    }

    // Warm-up (JIT, pools, caches): counted and checked like the rest, not reported.
    await b.orders.ensure(5000);
    await httpRun(b, 8, db === "postgres" ? 1500 : 500);
    await rawRun(b, raw, 8, 0.5, 2000);

    const steps: Step[] = [];
    for (const connections of CONNECTIONS) {
      if (WAIT_QUIET > 0) {
        const waited = await waitForQuiet(WAIT_QUIET, () => cpuNow(b));
        if (waited < 0) log(`  (the machine stayed busy for ${WAIT_QUIET} s: measuring anyway)`);
        else if (waited > 1) log(`  (waited ${fmt(waited, 0)} s for the machine to be idle)`);
      }
      await analyzeIfNoAutovacuum(admin, dbUrl);
      // The probe sizes the measured run from its rate, so it too starts with the consumers caught up.
      await settle(b);
      const probe = await httpRun(b, connections, Math.max(200, connections * 20));
      const amount = Math.max(connections * 50, Math.round(perSecond(probe) * SECONDS));
      await settle(b);
      const profileFile = env.BENCH_CPU_PROF
        ? join(env.BENCH_CPU_PROF, `intake-${db}-c${connections}.cpuprofile`)
        : undefined;
      const http = await httpRun(b, connections, amount, profileFile);

      // Size the raw run from a short probe; if it still runs out of orders, run it again with more.
      const rawProbe = await rawRun(b, raw, connections, 0.5, Math.ceil(perSecond(http) * 2) + 500);
      let cap = Math.ceil(perSecond(rawProbe) * RAW_SECONDS * 1.5) + 1000;
      await settle(b);
      let r = await rawRun(b, raw, connections, RAW_SECONDS, cap);
      if (r.exhausted) {
        cap = Math.ceil(perSecond(r) * RAW_SECONDS * 3) + 1000;
        r = await rawRun(b, raw, connections, RAW_SECONDS, cap);
      }
      steps.push({ connections, http, raw: r });
      const ms = (x: number) => `${fmt(x, 2)} ms`;
      log(
        `  c=${String(connections).padStart(2)}  HTTP ${fmt(perSecond(http), 0).padStart(5)} tickets/s ` +
          `p50 ${ms(percentile(http.latencies, 50))} p99 ${ms(percentile(http.latencies, 99))} ` +
          `(${http.done} in ${fmt(http.seconds, 2)} s)  |  raw ${fmt(perSecond(r), 0).padStart(5)}/s ` +
          `p50 ${ms(percentile(r.latencies, 50))} p99 ${ms(percentile(r.latencies, 99))} ` +
          `(${r.done} in ${fmt(r.seconds, 2)} s${r.exhausted ? ", ran out of orders: a lower bound" : ""})` +
          `  |  HTTP/raw ${fmt((100 * perSecond(http)) / perSecond(r), 0)}%`,
      );
      log(cpuLine(db, "        CPU per ticket, HTTP:", http, "autocannon"));
      log(cpuLine(db, "        CPU per ticket, raw: ", r, db === "postgres" ? "raw client" : "IPC"));
    }
    const total = await app.call<TicketCounts>("count");
    log(
      `  checked: ${total.tickets} tickets, ${total.receivedEvents} "received" events, ` +
        `${total.distinctOrders} distinct orders: one each per accepted request`,
    );
    return steps;
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

/** Interrupted (Ctrl-C): still stop the app and drop the database and folder it made. */
const cleanups = new Set<() => Promise<void>>();
function onSignal(signal: NodeJS.Signals) {
  log(`\n${signal}: cleaning up`);
  void Promise.allSettled([...cleanups].map((c) => c())).finally(() => process.exit(130));
}

/** Which code was measured: the commit, "-dirty" with uncommitted changes. */
function codeVersion(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export default async function intake(): Promise<void> {
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  for (const db of DATABASES)
    if (db !== "postgres" && db !== "pglite") throw new Error(`unknown database "${db}" in BENCH_TARGETS`);
  log(
    `intake bench of ${codeVersion()}: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}; ` +
      `connections ${CONNECTIONS.join(", ")}; ${SECONDS} s HTTP + ${RAW_SECONDS} s raw per step` +
      (IDEMPOTENCY ? "; with Idempotency-Key" : ""),
  );
  const results: [DatabaseName, Step[]][] = [];
  for (const db of DATABASES) results.push([db, await benchDatabase(db)]);
  log("");
  for (const [db, steps] of results)
    for (const { connections, http, raw } of steps)
      log(
        `BENCH intake.${db}.c${connections} tickets_per_s=${fmt(perSecond(http), 0)} ` +
          `p50_ms=${fmt(percentile(http.latencies, 50), 2)} p99_ms=${fmt(percentile(http.latencies, 99), 2)} ` +
          `raw_per_s=${fmt(perSecond(raw), 0)} ratio=${fmt(perSecond(http) / perSecond(raw), 2)}`,
      );
}
