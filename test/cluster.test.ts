import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAndMigrate } from "../src/db/database.ts";
import { loadDemo } from "../src/modules/demo/demo.ts";
import { type ServerProcess, spawnServer } from "./helpers/process.ts";
import { client, createOrder, LONG_TEXT, login, type TestServer } from "./helpers/server.ts";
import { advanceClockTo, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Several app processes on one PostgreSQL, started as an operator would: each runs the API, the pollers
 * and the live bus. What must hold: a deadline escalates once, a change made through one process reaches
 * a stream on another, and a process killed or stopped under load loses no acknowledged ticket.
 */
const PG_URL = process.env.TEST_DATABASE_URL;
const SECRET = "cluster-secret-cluster-secret-cluster-01";
const running: ServerProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const d = mkdtempSync(join(process.cwd(), ".test-data", "cluster-"));
  dirs.push(d);
  return d;
};

describe("--workers on the embedded database", () => {
  it("refuses to start and says PostgreSQL is needed", { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve", "--workers", "2"], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: "", DATA_DIR: tempDir(), AUTH_SECRET: SECRET, SMTP_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (c) => {
      output += c;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain("--workers 2 needs PostgreSQL (DATABASE_URL)");
  });
});

/** Fetch that reports a dropped connection as a value, not a throw: under a kill some are expected. */
async function intake(
  base: string,
  customer: { phone: string; orderNo: string },
  key: string,
  extra: Record<string, unknown> = {},
) {
  try {
    const res = await fetch(`${base}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({
        channel: "app",
        phone: customer.phone,
        orderNo: customer.orderNo,
        description: LONG_TEXT,
        expectedResolution: "refund",
        ...extra,
      }),
    });
    const body = await res.json().catch(() => null);
    return { status: res.status, ticketNo: (body?.ticketNo as string | undefined) ?? null };
  } catch (error) {
    return { status: 0, ticketNo: null, error: String((error as Error).cause ?? error) };
  }
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

/** Reads a server-sent-events response, remembering every event, until told to stop. */
function follow(url: string) {
  const events: { event: string; data: any }[] = [];
  const abort = new AbortController();
  const opened = fetch(url, { signal: abort.signal }).then(async (res) => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted
    }
  });
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 150 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!ok()) throw new Error(`no ${what} on the stream; got ${JSON.stringify(events)}`);
  };
  const close = () => {
    abort.abort();
    return opened;
  };
  return { events, until, close };
}

/** The worker processes of a `--workers` primary: its children running the app (not tsx's esbuild). */
function workersOf(primary: number): number[] {
  let pids: number[] = [];
  try {
    pids = execFileSync("pgrep", ["-P", String(primary)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("src/main.ts");
    } catch {
      return false;
    }
  });
}

describe.skipIf(!PG_URL)("two app processes on one PostgreSQL", () => {
  let ownUrl = "";
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: string;
  const env = () => ({
    DATABASE_URL: ownUrl,
    DATA_DIR: tempDir(),
    AUTH_SECRET: SECRET,
    AFTERSALE_TEST_CLOCK: "1",
    LOG_LEVEL: "warn",
    PUBLIC_RATE_LIMIT: "100000",
  });
  const start = async (args: string[] = []) => {
    const p = await spawnServer(env(), 120_000, args);
    running.push(p);
    return p;
  };
  const asServer = (p: ServerProcess) => ({ url: p.url }) as TestServer;
  const sql = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const c = new pg.Client({ connectionString: ownUrl });
    await c.connect();
    try {
      return (await c.query<R>(text, values)).rows;
    } finally {
      await c.end();
    }
  };
  const adminSql = async (statement: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(statement).finally(() => c.end());
  };

  beforeAll(async () => {
    // A database of its own: the moved clocks fire every deadline in it, and the kills must count rows.
    const url = new URL(PG_URL!);
    const name = `${url.pathname.slice(1) || "test"}_cluster_${process.pid}`;
    await adminSql(`drop database if exists ${name} with (force)`);
    await adminSql(`create database ${name}`);
    url.pathname = `/${name}`;
    ownUrl = url.toString();
    const opened = await openAndMigrate({ databaseUrl: ownUrl, dataDir: "" });
    await loadDemo(opened.db, new Date(), 60);
    await opened.close();
    [a, b] = await Promise.all([start(), start()]);
    admin = await login(a.url, "admin");
  }, 240_000);

  afterAll(async () => {
    for (const p of running)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await Promise.all(running.map((p) => p.exited));
    if (ownUrl) await adminSql(`drop database if exists ${new URL(ownUrl).pathname.slice(1)} with (force)`);
  });

  /** A reply made through process A must reach a customer's stream opened on process B. */
  async function replyOnAReachesStreamOnB(label: string) {
    const customer = await createOrder(a.url, admin);
    const filed = await intake(b.url, customer, `${label}-${customer.orderNo}`);
    expect(filed.status).toBe(201);
    const stream = follow(
      `${b.url}/api/v1/tickets/${filed.ticketNo}/progress/stream?phone=${customer.phone}`,
    );
    try {
      await stream.until(() => stream.events.some((e) => e.event === "ready"), "ready event");
      const agent = client(a.url, await login(a.url, "agent1"));
      const replied = await agent.post(`/api/v1/tickets/${filed.ticketNo}/replies`, {
        body: "您好，我们已联系骑手，正在为您处理。",
        visibility: "customer",
      });
      expect(replied.status, JSON.stringify(replied.body)).toBeLessThan(300);
      await stream.until(
        () => stream.events.some((e) => e.event === "ticket" && e.data.ticketNo === filed.ticketNo),
        `ticket event (${label})`,
      );
    } finally {
      await stream.close();
    }
  }

  it("shows a stream on process B the reply an agent made through process A", { timeout: 60_000 }, () =>
    replyOnAReachesStreamOnB("live"),
  );

  it("keeps the live updates flowing after the database drops the LISTEN connections", {
    timeout: 60_000,
  }, async () => {
    const listeners = () =>
      sql<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen %'",
      ).then((r) => r[0]!.n);
    expect(await listeners()).toBe(2);
    await sql(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'",
    );
    // Each process notices and listens again on a new connection of its own.
    for (let i = 0; i < 300 && (await listeners()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await listeners()).toBe(2);
    await replyOnAReachesStreamOnB("relisten");
  });

  it("locks an account on every process after five wrong passwords spread over two", {
    timeout: 60_000,
  }, async () => {
    const username = `cluster_lock_${process.pid}`;
    const made = await client(a.url, admin).post("/api/v1/users", {
      username,
      displayName: "集群锁定测试",
      password: "Correct-horse-42",
      role: "agent",
    });
    expect(made.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await client(i % 2 ? b.url : a.url).post("/api/v1/auth/login", { username, password: "wrong" }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const p of [a, b]) {
      const locked = await client(p.url).post("/api/v1/auth/login", {
        username,
        password: "Correct-horse-42",
      });
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe("ACCOUNT_LOCKED");
    }
  });

  it("escalates each missed first-response deadline once although both processes poll", {
    timeout: 180_000,
  }, async () => {
    const customers = await inBatches(
      Array.from({ length: 12 }, (_, i) => i),
      4,
      () => createOrder(a.url, admin),
    );
    const filed = await inBatches(customers, 4, async (c) => {
      const index = customers.indexOf(c);
      // Urgent: first response in 15 minutes, resolution in 60. A general food-delivery request has 30 and
      // 30, so moving past its first-response deadline also breached its resolution one at the same
      // instant, and which of the two the one escalation named depended on the order of the tie.
      return intake(index % 2 ? b.url : a.url, c, `sla-${c.orderNo}`, { urgent: true });
    });
    expect(filed.map((f) => f.status)).toEqual(filed.map(() => 201));
    const agent = client(a.url, await login(a.url, "agent1"));
    const dues = await Promise.all(
      filed.map(
        async (f) => new Date((await agent.get(`/api/v1/tickets/${f.ticketNo}`)).body.sla.firstResponseDueAt),
      ),
    );
    const past = new Date(Math.max(...dues.map((d) => d.getTime())) + 2000);
    // Each process has its own test clock: move both at once, so their pollers race for the same clocks.
    await Promise.all([advanceClockTo(asServer(a), past), advanceClockTo(asServer(b), past)]);
    await Promise.all([runDueJobs(asServer(a)), runDueJobs(asServer(b))]);

    const seen = client(b.url, await login(b.url, "supervisor1"));
    for (const f of filed) {
      const d = (await seen.get(`/api/v1/tickets/${f.ticketNo}`)).body;
      const escalations = d.events.filter((e: any) => e.type === "escalated");
      expect(escalations, f.ticketNo!).toHaveLength(1);
      expect(escalations[0].data).toMatchObject({ clock: "firstResponse", level: 1 });
      expect(d.escalationLevel).toBe(1);
      expect(
        d.events.filter((e: any) => e.type === "sla_breached" && e.data.clock === "firstResponse"),
      ).toHaveLength(1);
    }
  });

  it("loses no acknowledged ticket and doubles none when one process is SIGKILLed under load", {
    timeout: 240_000,
  }, async () => {
    // Sessions follow each process's own clock, which the escalation test moved: log in where the orders go.
    admin = await login(b.url, "admin");
    const customers = await inBatches(
      Array.from({ length: 300 }, (_, i) => i),
      20,
      () => createOrder(b.url, admin),
    );
    let answered = 0;
    let killed: Promise<string> | null = null;
    const results = await Promise.all(
      customers.map(async (c, i) => {
        const target = i % 2 ? a : b;
        const r = await intake(target.url, c, `kill-${c.orderNo}`);
        // Kill A with a third of the answers in: the rest are in flight on both processes.
        if (++answered === 100) {
          a.child.kill("SIGKILL");
          killed = a.exited;
        }
        return { ...r, customer: c, target };
      }),
    );
    expect(await killed).toBe("SIGKILL");
    const acknowledged = results.filter((r) => r.status === 201);
    const failed = results.filter((r) => r.status !== 201);
    // Every failure is A's dropped connections or refusals after its death, never an error answer.
    for (const f of failed) expect([f.status, f.target]).toEqual([0, a]);

    a = await start();
    // A client retries what got no answer, with the same idempotency key, through whichever process.
    const retried = await inBatches(failed, 20, (f) =>
      intake(a.url, f.customer, `kill-${f.customer.orderNo}`),
    );
    expect(retried.map((r) => r.status)).toEqual(retried.map(() => 201));

    const phones = customers.map((c) => c.phone);
    const rows = await sql<{ ticket_no: string; customer_phone: string }>(
      "select ticket_no, customer_phone from tickets where customer_phone = any($1)",
      [phones],
    );
    // No duplicate: one ticket per customer, although some requests were sent twice.
    expect(rows).toHaveLength(customers.length);
    expect(new Set(rows.map((r) => r.customer_phone)).size).toBe(customers.length);
    // No loss: every 201 names a ticket that is there, for its customer, on the restarted process too.
    const byNo = new Map(rows.map((r) => [r.ticket_no, r.customer_phone]));
    for (const r of acknowledged) expect(byNo.get(r.ticketNo!)).toBe(r.customer.phone);
    const sample = acknowledged.filter((r) => r.target === a).slice(0, 5);
    for (const r of sample) {
      const progress = await client(a.url).get(
        `/api/v1/tickets/${r.ticketNo}/progress?phone=${r.customer.phone}`,
      );
      expect(progress.status).toBe(200);
    }
    console.log(
      `cluster SIGKILL: ${acknowledged.length} acknowledged before the kill, ${failed.length} retried, ${rows.length} rows`,
    );
  });

  it("answers the requests in flight when one process gets SIGTERM, then exits 0", {
    timeout: 180_000,
  }, async () => {
    admin = await login(a.url, "admin");
    const customers = await inBatches(
      Array.from({ length: 60 }, (_, i) => i),
      20,
      () => createOrder(a.url, admin),
    );
    let first: () => void = () => {};
    const firstAnswer = new Promise<void>((resolve) => {
      first = resolve;
    });
    const requests = customers.map(async (c) => {
      const r = await intake(b.url, c, `term-${c.orderNo}`);
      first();
      return { ...r, customer: c };
    });
    await firstAnswer;
    b.child.kill("SIGTERM");
    const results = await Promise.all(requests);
    expect(await b.exited, b.output()).toBe("exit 0");
    // Each request sent before the signal got an answer: its ticket, or 503 to retry elsewhere.
    for (const r of results) expect([201, 503], JSON.stringify(r)).toContain(r.status);
    const done = results.filter((r) => r.status === 201);
    expect(done.length).toBeGreaterThan(0);
    const rows = await sql<{ ticket_no: string }>("select ticket_no from tickets where ticket_no = any($1)", [
      done.map((r) => r.ticketNo),
    ]);
    expect(rows).toHaveLength(done.length);
    b = await start();
  });

  it("serves with --workers 2, replaces a killed worker, and stops cleanly on SIGTERM", {
    timeout: 180_000,
  }, async () => {
    admin = await login(a.url, "admin");
    const primary = await start(["--workers", "2"]);
    const pid = primary.child.pid!;
    const fileSome = async (n: number, label: string) => {
      const customers = await inBatches(
        Array.from({ length: n }, (_, i) => i),
        10,
        () => createOrder(a.url, admin),
      );
      return inBatches(customers, 10, (c) => intake(primary.url, c, `${label}-${c.orderNo}`));
    };
    // Two workers under the primary (forked at once; they may still be starting).
    for (let i = 0; i < 200 && workersOf(pid).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const [victim] = workersOf(pid);
    expect(workersOf(pid)).toHaveLength(2);
    expect((await fileSome(20, "workers")).map((r) => r.status)).toEqual(Array(20).fill(201));

    process.kill(victim!, "SIGKILL");
    for (let i = 0; i < 600; i++) {
      const now = workersOf(pid);
      if (now.length === 2 && !now.includes(victim!)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const replaced = workersOf(pid);
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(victim);
    // The victim may have been the only worker listening yet: wait, as a load balancer's health check
    // would, until a worker answers again.
    const healthy = () =>
      fetch(`${primary.url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
    for (let i = 0; i < 600 && !(await healthy()); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await fileSome(20, "after-kill")).map((r) => r.status)).toEqual(Array(20).fill(201));

    primary.child.kill("SIGTERM");
    expect(await primary.exited, primary.output()).toBe("exit 0");
    expect(primary.output()).toContain("worker");
  });
});
