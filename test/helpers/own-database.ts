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
  const shared = process.env.TEST_DATABASE_URL;
  if (!shared) return startServer(env);
  const url = new URL(shared);
  const name = `${url.pathname.slice(1) || "test"}_${label}_${process.pid}`;
  await adminQuery(shared, `drop database if exists ${name} with (force)`);
  await adminQuery(shared, `create database ${name}`);
  url.pathname = `/${name}`;
  const own = url.toString();
  const opened = await openAndMigrate({ databaseUrl: own, dataDir: "" });
  await loadDemo(opened.db, new Date(), 60);
  await opened.close();
  const server = await startServer({ ...env, DATABASE_URL: own });
  return {
    ...server,
    async close() {
      await server.close();
      await adminQuery(shared, `drop database if exists ${name} with (force)`);
    },
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
