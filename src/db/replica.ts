import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { nameStatementsOf } from "./prepared.ts";
import type { Database } from "./schema.ts";

/** How long a replica that refused a connection is left alone before it is tried again. */
const RETRY_REPLICA_AFTER_MS = 5_000;

/**
 * A read-only connection for reports (REPORTS_DATABASE_URL), typically a streaming replica: report
 * queries scan a month of rollups and tickets, and on a replica they take no CPU from intake. Each
 * checkout tries the replica first; when it cannot be reached the checkout takes a connection of the
 * primary's pool instead and the replica is left alone for a few seconds, so a replica that is down makes
 * reports as slow as before it existed, never unavailable.
 *
 * Only statements that read may be sent through it: a replica refuses writes, and the fallback would
 * otherwise write to the primary behind the caller's back.
 */
export function openReportsReader(replicaUrl: string, primary: pg.Pool): Kysely<Database> {
  const replica = new pg.Pool({ connectionString: replicaUrl, max: 5, connectionTimeoutMillis: 1_000 });
  replica.on("error", () => {});
  replica.on("connect", (client) => client.on("error", () => {}));
  nameStatementsOf(replica);
  let replicaDownUntil = 0;
  const pool = {
    options: replica.options,
    async connect() {
      if (Date.now() >= replicaDownUntil) {
        try {
          return await replica.connect();
        } catch {
          replicaDownUntil = Date.now() + RETRY_REPLICA_AFTER_MS;
        }
      }
      return primary.connect();
    },
    // The primary's pool belongs to the primary's Kysely, which ends it.
    end: () => replica.end(),
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
