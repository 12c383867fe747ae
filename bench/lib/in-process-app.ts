/**
 * The app built in the bench's own process, jobs not started, over a fresh database of its own: a new
 * PostgreSQL database `bench_<name>_<pid>` on BENCH_PG_URL, or a new PGlite folder. `close` stops the app
 * and drops the database or the folder.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { type OpenedDatabase, openAndMigrate } from "../../src/db/database.ts";
import { SystemClock } from "../../src/platform/clock.ts";
import { loadPacks } from "../../src/policy-packs/load.ts";
import { admin } from "./app-processes.ts";

const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface InProcessApp {
  app: App;
  database: OpenedDatabase;
  clock: SystemClock;
  /** The PostgreSQL database's name (for its backends' CPU), or null on PGlite. */
  pgName: string | null;
  close(): Promise<void>;
}

export async function inProcessApp(target: string, name: string): Promise<InProcessApp> {
  const dataDir = mkdtempSync(join(tmpdir(), `aftersale-bench-${name}-`));
  const dbName = `bench_${name}_${process.pid}`;
  let databaseUrl: string | undefined;
  if (target === "postgres") {
    await admin(`drop database if exists ${dbName} with (force)`, ADMIN_URL);
    await admin(`create database ${dbName}`, ADMIN_URL);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const config = loadConfig({
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    SMTP_PORT: "off",
    AUTH_SECRET: randomBytes(24).toString("hex"),
  });
  const database = await openAndMigrate(config);
  const clock = new SystemClock();
  const app = await buildApp(config, database, loadPacks(), clock);
  return {
    app,
    database,
    clock,
    pgName: databaseUrl ? dbName : null,
    async close() {
      await app.jobs.stop();
      await app.http.close();
      await database.close();
      if (databaseUrl)
        await admin(`drop database if exists ${dbName} with (force)`, ADMIN_URL).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
