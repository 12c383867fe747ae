/**
 * The app as an operator runs it, for the load and soak benches: `node --import tsx src/main.ts serve`
 * processes on ports of their own, on a fresh PostgreSQL database or a fresh PGlite folder, demo data
 * loaded once by `seed-demo` before any of them starts (two processes loading it at once would race).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type Target = "postgres" | "pglite";

export interface AppProcesses {
  urls: string[];
  pids: number[];
  /** `select version()` of the database, for the report. */
  database: string;
  /** The PostgreSQL database the processes share (unset on PGlite, which only its process can open). */
  databaseUrl?: string;
  /** The processes' DATA_DIR (on PGlite it holds the database, in `pglite/`). */
  dataDir: string;
  stop(): Promise<void>;
}

const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Ticket rows of the mix's orders (`BN…`), to hold against the 201s the mix counted. */
export async function storedTickets(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return Number((await c.query("select count(*) as n from tickets where order_no like 'BN%'")).rows[0].n);
  } finally {
    await c.end();
  }
}

/** One statement on an admin connection (create or drop a bench database); BENCH_PG_URL unless given. */
export async function admin(statement: string, url = PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function healthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app at ${url} did not become healthy:\n${output()}`);
}

/** Starts `count` app processes on one fresh database (PGlite allows only one). */
export async function startApp(target: Target, count: number, label: string): Promise<AppProcesses> {
  if (target === "pglite" && count > 1) throw new Error("PGlite is one session in one process");
  const dataDir = mkdtempSync(join(tmpdir(), `aftersale-bench-${label}-`));
  const dbName = `bench_${label.replace(/\W/g, "_")}_${process.pid}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    // The same secret in every process: links signed by one are valid at the other.
    AUTH_SECRET: randomBytes(24).toString("hex"),
    // The customers of the mix all come from this one address.
    PUBLIC_RATE_LIMIT: "100000000",
    SMTP_PORT: "off",
  };
  if (target === "postgres") {
    await admin(`drop database if exists ${dbName} with (force)`);
    await admin(`create database ${dbName}`);
    const url = new URL(PG_URL);
    url.pathname = `/${dbName}`;
    env.DATABASE_URL = url.toString();
  }
  execFileSync(process.execPath, ["--import", "tsx", "src/main.ts", "seed-demo"], { env, stdio: "pipe" });

  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
          }),
      ),
    );
    if (target === "postgres") await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      // BENCH_CPU_PROF=dir: a V8 CPU profile of each process, written when it stops (SIGTERM, as here).
      const profile = process.env.BENCH_CPU_PROF
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, "--cpu-prof-interval=2000"]
        : [];
      const child = spawn(process.execPath, [...profile, "--import", "tsx", "src/main.ts", "serve"], {
        env: { ...env, PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout?.on("data", (c) => {
        output = (output + c).slice(-20_000);
      });
      child.stderr?.on("data", (c) => {
        output = (output + c).slice(-20_000);
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await healthy(url, child, () => output);
      urls.push(url);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const database =
    target === "postgres"
      ? execFileSync("psql", [env.DATABASE_URL!, "-Atc", "show server_version"]).toString().trim()
      : "PGlite";
  return {
    urls,
    pids: children.map((c) => c.pid!),
    database: `${target} ${database}`,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir,
    stop,
  };
}

/** Bytes of the files under a folder (the PGlite database's size on disk). */
export function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  return bytes;
}

/** Resident memory of a process, in MB, from /proc. */
export function rssMbOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}
