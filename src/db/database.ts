import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrate.ts";
import { nameStatementsOf } from "./prepared.ts";
import { openReportsReader } from "./replica.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;
export type DatabaseKind = "pglite" | "postgres";

export interface OpenedDatabase {
  db: Db;
  kind: DatabaseKind;
  /** Where read-only report queries go: the replica of REPORTS_DATABASE_URL, else `db` itself. */
  reports?: Db;
  close(): Promise<void>;
}

// Dates as Date, int8 (counts, ids) as number: the same values from both drivers.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * PostgreSQL when DATABASE_URL is set, else embedded PGlite in DATA_DIR/pglite. Both speak the same SQL;
 * Kysely's own PGlite dialect serialises every query and transaction on PGlite's single session.
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  reportsDatabaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
}): Promise<OpenedDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
    // An idle client that loses its server must not crash the process; the next query reports it instead.
    pool.on("error", () => {});
    // A client checked out (inside a transaction, between two of its queries) has no pool listener: a
    // dropped connection would be an uncaught 'error' and end the process. The next query on that client
    // fails instead, the request answers 503 and the pool replaces the client.
    pool.on("connect", (client) => client.on("error", () => {}));
    nameStatementsOf(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const reports = options.reportsDatabaseUrl ? openReportsReader(options.reportsDatabaseUrl, pool) : db;
    const close = async () => {
      if (reports !== db) await reports.destroy();
      await db.destroy();
    };
    return { db, kind: "postgres", reports, close };
  }
  const dir = join(options.dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir, { parsers: { 20: (v: string) => Number(v) } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, kind: "pglite", reports: db, close: () => db.destroy() };
}

export async function openAndMigrate(options: Parameters<typeof openDatabase>[0]): Promise<OpenedDatabase> {
  const opened = await openDatabase(options);
  await migrateToLatest(opened.db as unknown as Kysely<unknown>);
  return opened;
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
