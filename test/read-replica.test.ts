import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAndMigrate } from "../src/db/database.ts";
import { loadDemo } from "../src/modules/demo/demo.ts";
import { monthOf } from "../src/modules/reports/reports.domain.ts";
import { fileLateDelivery } from "./helpers/late-delivery.ts";
import { freePort } from "./helpers/process.ts";
import { client, login, startServer, type TestServer } from "./helpers/server.ts";
import { runDueJobs } from "./helpers/test-clock.ts";

/**
 * Reports served by a read replica (REPORTS_DATABASE_URL): a real streaming replica, made here with
 * pg_basebackup. The machine's own PostgreSQL allows no replication connections (its pg_hba.conf has no
 * `replication` line, and the test must not change it), so the test starts a primary and its replica
 * of its own in a temporary folder, on free ports, and removes them at the end.
 *
 * PostgreSQL only (TEST_DATABASE_URL); PGlite has no replicas.
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const binDir = existsSync("/usr/lib/postgresql")
  ? readdirSync("/usr/lib/postgresql")
      .sort()
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .pop()
  : undefined;

let dir: string;
let primaryUrl: string;
let replicaUrl: string;
let server: TestServer;
let supervisor: string;
let admin: string;

/** Runs a PostgreSQL program as the postgres user (it refuses to run as root). */
const asPostgres = (program: string, args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", join(binDir!, program), ...args], { stdio: "pipe" });

const startCluster = (name: string, port: number) =>
  asPostgres("pg_ctl", [
    ...["-D", join(dir, name), "-l", join(dir, `${name}.log`), "-w", "start"],
    ...["-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`],
  ]);
const stopCluster = (name: string) => {
  if (existsSync(join(dir, name, "postmaster.pid")))
    asPostgres("pg_ctl", ["-D", join(dir, name), "-m", "immediate", "-w", "stop"]);
};

async function query<T>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * Waits until the replica has replayed everything the primary has written so far. The insert position,
 * not the write position: the background consumers' transactions (the report rollups) commit without
 * waiting for their WAL to be written, and it reaches the replica when the WAL writer flushes it, a
 * fraction of a second later.
 */
async function replicated(): Promise<void> {
  const [primary] = await query<{ lsn: string }>(
    primaryUrl,
    "select pg_current_wal_insert_lsn()::text as lsn",
  );
  const lsn = primary!.lsn;
  for (let i = 0; i < 100; i++) {
    const [row] = await query<{ done: boolean }>(
      replicaUrl,
      `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as done`,
    );
    if (row?.done) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the replica did not replay up to ${lsn}`);
}

beforeAll(async () => {
  if (!onPostgres) return;
  if (!binDir) throw new Error("PostgreSQL's programs are not in /usr/lib/postgresql/*/bin");
  dir = mkdtempSync(join(tmpdir(), "aftersale-replica-"));
  chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), 0);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  asPostgres("initdb", ["-D", join(dir, "primary"), "-A", "trust", "-U", "postgres", "--no-sync"]);
  execFileSync("sh", [
    "-c",
    `echo 'host replication all 127.0.0.1/32 trust' >> ${join(dir, "primary", "pg_hba.conf")}`,
  ]);
  startCluster("primary", primaryPort);
  primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  const opened = await openAndMigrate({ databaseUrl: primaryUrl, dataDir: "" });
  await loadDemo(opened.db, new Date(), 60);
  await opened.close();
  // -R writes the standby signal and primary_conninfo: the copy starts as a streaming replica.
  asPostgres("pg_basebackup", [
    ...["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres"],
    ...["-D", join(dir, "replica"), "-R", "-X", "stream"],
  ]);
  startCluster("replica", replicaPort);
  server = await startServer({
    DATABASE_URL: primaryUrl,
    REPORTS_DATABASE_URL: replicaUrl,
    AFTERSALE_TEST_CLOCK: "1",
  });
  admin = await login(server.url, "admin");
  supervisor = await login(server.url, "supervisor1");
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (!dir) return;
  stopCluster("replica");
  stopCluster("primary");
  rmSync(dir, { recursive: true, force: true });
});

/** Files one food-delivery request through the app and rolls it into the reports (on the primary). */
async function fileRequest(): Promise<string> {
  const ticketNo = await fileLateDelivery(server.url, admin);
  await runDueJobs(server);
  return ticketNo;
}

/** What a staff search for the ticket's number finds. */
async function searchFinds(ticketNo: string): Promise<boolean> {
  const r = await client(server.url, supervisor).get(`/api/v1/tickets?q=${ticketNo}`);
  expect(r.status).toBe(200);
  return r.body.items.some((t: { ticketNo: string }) => t.ticketNo === ticketNo);
}

/** This month's food-delivery tickets as the monthly report counts them. */
async function reportedTickets(): Promise<number> {
  const month = monthOf(new Date());
  const r = await client(server.url, supervisor).get(
    `/api/v1/reports/monthly?businessLine=food_delivery&month=${month}`,
  );
  expect(r.status).toBe(200);
  return r.body.tickets;
}

/** What /healthz says of the replica, with the status code (it must stay 200 while the primary is up). */
async function health() {
  const r = await client(server.url).get("/healthz");
  return { code: r.status, ...r.body } as {
    code: number;
    status: string;
    reason?: string;
    replica?: { reachable: boolean; lagSeconds?: number; replayBacklogBytes?: number; reason?: string };
  };
}

/** One sample of /metrics by name, or null when the scrape has none. */
async function metric(name: string): Promise<number | null> {
  const text = (await client(server.url).get("/metrics")).body as string;
  const line = text.split("\n").find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(" ").at(-1)) : null;
}

describe.skipIf(!onPostgres)("reports and search on a read replica", () => {
  it("the replica is a streaming standby of the primary", async () => {
    const [standby] = await query<{ r: boolean }>(replicaUrl, "select pg_is_in_recovery() as r");
    expect(standby?.r).toBe(true);
    const senders = await query<{ state: string }>(primaryUrl, "select state from pg_stat_replication");
    expect(senders.map((s) => s.state)).toEqual(["streaming"]);
  });

  it("is reported healthy by /healthz and /metrics while it keeps up", async () => {
    await replicated();
    const h = await health();
    expect(h.code).toBe(200);
    expect(h.status).toBe("ok");
    expect(h.replica?.reachable).toBe(true);
    // The background jobs write now and then; a replica keeping up is well under a second behind.
    expect(h.replica?.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(h.replica?.lagSeconds).toBeLessThan(5);
    expect(await metric("aftersale_replica_up")).toBe(1);
    expect(await metric("aftersale_replica_lag_seconds")).toBeLessThan(5);
  });

  it("show requests filed on the primary once they have been replicated", async () => {
    await replicated();
    const before = await reportedTickets();
    await fileRequest();
    await fileRequest();
    await replicated();
    expect(await reportedTickets()).toBe(before + 2);
  });

  it("are read from the replica: while it stops replaying, the report stays where the replica is", async () => {
    await replicated();
    const before = await reportedTickets();
    await query(replicaUrl, "select pg_wal_replay_pause()");
    const ticketNo = await fileRequest();
    // The primary's rollups already count it; the report, read on the paused replica, does not yet.
    const [primaryRollup] = await query<{ n: number }>(
      primaryUrl,
      `select coalesce(sum(received), 0)::int as n from report_monthly
        where business_line = 'food_delivery' and month = '${monthOf(new Date())}'`,
    );
    expect(await reportedTickets()).toBe(before);
    // Behind by as long as it has not replayed: the request is on the primary and waits in the replica's WAL.
    await new Promise((r) => setTimeout(r, 1500));
    const paused = await health();
    expect(paused.code).toBe(200);
    expect(paused.status).toBe("ok");
    expect(paused.replica?.lagSeconds).toBeGreaterThanOrEqual(1.5);
    expect(paused.replica?.replayBacklogBytes).toBeGreaterThan(0);
    expect(await metric("aftersale_replica_lag_seconds")).toBeGreaterThanOrEqual(1.5);
    // A staff search reads the replica too; the working queue reads the primary and has the ticket at once.
    expect(await searchFinds(ticketNo)).toBe(false);
    const queue = await client(server.url, supervisor).get("/api/v1/tickets?limit=200");
    expect(queue.body.items.map((t: { ticketNo: string }) => t.ticketNo)).toContain(ticketNo);
    await query(replicaUrl, "select pg_wal_replay_resume()");
    await replicated();
    expect(await reportedTickets()).toBe(before + 1);
    expect(await searchFinds(ticketNo)).toBe(true);
    expect(primaryRollup?.n).toBeGreaterThanOrEqual(before + 1);
    expect((await health()).replica?.lagSeconds).toBeLessThan(1.5);
  });

  it("fall back to the primary when the replica is down", async () => {
    const before = await reportedTickets();
    stopCluster("replica");
    const ticketNo = await fileRequest();
    expect(await reportedTickets()).toBe(before + 1);
    expect(await searchFinds(ticketNo)).toBe(true);
    // Intake and the staff's own reads never needed the replica.
    const queue = await client(server.url, supervisor).get("/api/v1/tickets?limit=1");
    expect(queue.status).toBe(200);
    // The product works, so the health check stays 200 for the load balancer, and says what is missing.
    const h = await health();
    expect(h.code).toBe(200);
    expect(h.status).toBe("degraded");
    expect(h.reason).toMatch(/read replica unreachable .*reports and search read the primary/);
    expect(h.replica?.reachable).toBe(false);
    expect(h.replica?.lagSeconds).toBeUndefined();
    expect(await metric("aftersale_replica_up")).toBe(0);
    expect(await metric("aftersale_replica_lag_seconds")).toBeNull();
  });
});
