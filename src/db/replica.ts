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
  const reader = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  probes.set(reader, () => probeReplica(replica));
  return reader;
}

/** What an operator needs of the replica: whether reports reach it, and how far behind the primary it is. */
export type ReplicaState =
  | {
      reachable: true;
      /** Seconds the replica's data is behind: 0 when it has replayed all it received. */
      lagSeconds: number;
      /** WAL received but not yet replayed. */
      replayBacklogBytes: number;
    }
  | { reachable: false; reason: string };

const probes = new WeakMap<object, () => Promise<ReplicaState>>();

export const readsReplica = (reports: Kysely<Database> | undefined): boolean =>
  Boolean(reports && probes.has(reports));

/** The replica behind a reports reader; null when reports read the primary itself (no replica set). */
export function replicaState(reports: Kysely<Database> | undefined): Promise<ReplicaState> | null {
  const probe = reports && probes.get(reports);
  return probe ? probe() : null;
}

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Asks the replica itself, never through the fallback. The time since the last replayed transaction
 * grows while the primary is idle, so a replica that has replayed everything it received counts as 0
 * seconds behind; one that lags shows how old its newest replayed transaction is.
 */
async function probeReplica(replica: pg.Pool): Promise<ReplicaState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      replica.query<{ recovering: boolean; lag: number | null; backlog: string | null }>(`
        select pg_is_in_recovery() as recovering,
          case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
               else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::float8 end as lag,
          pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text as backlog`),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    const row = result.rows[0]!;
    return {
      reachable: true,
      lagSeconds: Math.max(0, Math.round((row.lag ?? 0) * 1000) / 1000),
      replayBacklogBytes: Math.max(0, Number(row.backlog ?? 0)),
    };
  } catch (error) {
    return { reachable: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
