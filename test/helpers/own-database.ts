import pg from "pg";
import { openAndMigrate } from "../../src/db/database.ts";
import { loadDemo } from "../../src/modules/demo/demo.ts";
import { startServer, type TestServer } from "./server.ts";

/**
 * A server for a test file that moves its clock. On PGlite every server has its own copy of the database
 * anyway; on PostgreSQL (TEST_DATABASE_URL) the file gets a database of its own on the same server, made
 * and seeded here and dropped on close: a clock moved hours ahead would otherwise run the jobs of the
 * whole shared database (deadlines, expired sessions) under the other test files' feet.
 */
export async function startServerWithOwnDatabase(
  label: string,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const own = await createOwnDatabase(label);
  if (!own) return startServer(env);
  const server = await startServer({ ...env, DATABASE_URL: own.url });
  return {
    ...server,
    async close() {
      await server.close();
      await own.drop();
    },
  };
}

/**
 * A migrated database with the demo data, of its own on the run's PostgreSQL (TEST_DATABASE_URL), for
 * processes a test starts itself; null on PGlite.
 */
export async function createOwnDatabase(
  label: string,
): Promise<{ url: string; drop(): Promise<void> } | null> {
  const shared = process.env.TEST_DATABASE_URL;
  if (!shared) return null;
  const url = new URL(shared);
  const name = `${url.pathname.slice(1) || "test"}_${label}_${process.pid}`;
  await adminQuery(shared, `drop database if exists ${name} with (force)`);
  await adminQuery(shared, `create database ${name}`);
  url.pathname = `/${name}`;
  const opened = await openAndMigrate({ databaseUrl: url.toString(), dataDir: "" });
  await loadDemo(opened.db, new Date(), 60);
  await opened.close();
  return {
    url: url.toString(),
    drop: () => adminQuery(shared, `drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
