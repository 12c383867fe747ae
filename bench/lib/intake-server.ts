/**
 * The real app in its own process for the intake bench (forked by bench/intake.ts), wired exactly as
 * src/main.ts does it: config, migrations, policy packs, buildApp, listen, jobs. The load generator then
 * runs in the parent, so server and client each get an event loop (they still share the machine's cores).
 *
 * It also does the work that must happen inside the process that owns the database (PGlite is one
 * session in one process): seeding orders, creating the API key, counting tickets and, for PGlite, the
 * raw-limit loop. The parent talks to it over the IPC channel: { id, cmd, ... } → { id, result | error }.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { sql } from "kysely";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openAndMigrate } from "../../src/db/database.ts";
import { upsertOrder } from "../../src/modules/orders/orders.store.ts";
import { createApiKey } from "../../src/modules/users/users.store.ts";
import { SystemClock } from "../../src/platform/clock.ts";
import { loadPacks } from "../../src/policy-packs/load.ts";
import { orderNoOf, orderOf } from "./intake-fixture.ts";
import { runRawIntake } from "./intake-raw.ts";

export interface ServerReady {
  type: "ready";
  port: number;
  apiKey: string;
  apiKeyId: string;
  database: string;
  /** `select version()` of the database the app runs on. */
  version: string;
}

/** The background consumers' backlog: events past the slowest outbox cursor, and notices due unsent. */
export interface Backlog {
  jobs: boolean;
  events: number;
  notices: number;
  /** Events past each consumer's cursor. */
  byConsumer: Record<string, number>;
}

export interface TicketCounts {
  tickets: number;
  distinctOrders: number;
  receivedEvents: number;
}

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, (e: Error | null) => (e ? reject(e) : resolve())),
  );

async function start() {
  if (!process.send) throw new Error("intake-server must be forked with an IPC channel");
  const config = loadConfig({
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    DATA_DIR: process.env.DATA_DIR ?? "",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    AUTH_SECRET: randomBytes(24).toString("hex"),
  });
  const packs = loadPacks();
  // As src/main.ts: the default pool size (20) on PostgreSQL.
  const database = await openAndMigrate(config);
  const clock = new SystemClock();
  const { key, id } = await createApiKey(database.db, "bench", ["tickets.register"], clock.now());
  const app = await buildApp(config, database, packs, clock);
  await app.http.listen({ port: 0, host: "127.0.0.1" });
  // BENCH_JOBS=0 leaves the background consumers (notifications, incidents, reports, abuse) off, to see
  // what intake alone costs; the published figures keep them on, as a real deployment runs.
  if (process.env.BENCH_JOBS !== "0") app.jobs.start();
  const address = app.http.server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const seed = async (from: number, to: number, concurrency: number) => {
    let next = from;
    const now = clock.now();
    // Through the store, as the order system's PUT does, 200 orders to a transaction to spare the fsyncs.
    const worker = async () => {
      while (next < to) {
        const from = next;
        next = Math.min(to, next + 200);
        const end = next;
        await database.db.transaction().execute(async (trx) => {
          for (let i = from; i < end; i++) await upsertOrder(trx, orderNoOf(i), orderOf(i, now), now);
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { seeded: to - from };
  };

  const backlog = async (): Promise<Backlog> => {
    const r = await sql<{ by_consumer: Record<string, number>; notices: number }>`
      select
        (select coalesce(json_object_agg(c.consumer, b.behind), '{}') from outbox_cursors c, lateral (
          select count(*)::int as behind from ticket_events e
          where e.tx is not null and (e.tx, e.id) > (c.last_tx, c.last_id)) b) as by_consumer,
        (select count(*)::int from notifications where status = 'pending' and next_attempt_at <= now()) as notices
    `.execute(database.db);
    const row = r.rows[0]!;
    const byConsumer = row.by_consumer;
    return {
      jobs: process.env.BENCH_JOBS !== "0",
      events: Math.max(0, ...Object.values(byConsumer).map(Number)),
      notices: Number(row.notices),
      byConsumer,
    };
  };

  const count = async (): Promise<TicketCounts> => {
    const t = await database.db
      .selectFrom("tickets")
      .select((eb) => [
        eb.fn.countAll<number>().as("n"),
        eb.fn.count<number>("order_no").distinct().as("orders"),
      ])
      .executeTakeFirstOrThrow();
    const e = await database.db
      .selectFrom("ticket_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("type", "=", "received")
      .executeTakeFirstOrThrow();
    return { tickets: Number(t.n), distinctOrders: Number(t.orders), receivedEvents: Number(e.n) };
  };

  // A V8 CPU profile of just the measured window (BENCH_CPU_PROF), not of start-up and seeding.
  let profiler: Session | undefined;
  const profileStart = async () => {
    profiler = new Session();
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.setSamplingInterval", { interval: 200 });
    await profiler.post("Profiler.start");
  };
  const profileStop = async (file: string) => {
    if (!profiler) throw new Error("no profile running");
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
    return { file };
  };

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.http.close();
    await app.jobs.stop();
    await database.close();
  };

  process.on("message", async (m: { id: number; cmd: string; [k: string]: unknown }) => {
    try {
      let result: unknown;
      if (m.cmd === "seed") result = await seed(m.from as number, m.to as number, m.concurrency as number);
      else if (m.cmd === "count") result = await count();
      else if (m.cmd === "backlog") result = await backlog();
      else if (m.cmd === "cpu") {
        const u = process.cpuUsage();
        result = (u.user + u.system) / 1000;
      } else if (m.cmd === "raw")
        result = await runRawIntake(database.db, packs, {
          from: m.from as number,
          end: m.end as number,
          concurrency: m.concurrency as number,
          seconds: m.seconds as number,
          actor: { id, name: "apikey:bench", role: "integration" },
          idempotency: m.idempotency === true,
        });
      else if (m.cmd === "profile-start") result = await profileStart();
      else if (m.cmd === "profile-stop") result = await profileStop(m.file as string);
      else if (m.cmd === "stop") result = await stop();
      else throw new Error(`unknown command ${m.cmd}`);
      await send({ id: m.id, result: result ?? null });
      if (m.cmd === "stop") process.exit(0);
    } catch (error) {
      await send({
        id: m.id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
  process.on("disconnect", () => void stop().finally(() => process.exit(0)));

  const ready: ServerReady = {
    type: "ready",
    port,
    apiKey: key,
    apiKeyId: id,
    database: database.kind,
    version: String((await sql<{ v: string }>`select version() as v`.execute(database.db)).rows[0]?.v),
  };
  await send(ready);
}

start().catch((error) => {
  console.error(error);
  process.exit(1);
});
