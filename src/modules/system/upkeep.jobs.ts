import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Poller } from "../../platform/jobs.ts";
import {
  CHECKPOINT_BYTES,
  checkpointDue,
  type TableActivity,
  type Upkeep,
  upkeepDue,
  type WalSinceCheckpoint,
} from "./upkeep.domain.ts";

/** autovacuum_naptime: how often the tables' statistics are looked at. */
const UPKEEP_SECONDS = 60;

/**
 * Autovacuum and the checkpointer for the embedded database. PGlite is one session inside this process,
 * and neither ever runs there:
 * - without vacuum, every row version rewritten (a notice at its claim and again at its outcome, SLA
 *   clocks, consumer cursors, report rollups) stays on disk, tables and indexes grow without end, the
 *   planner keeps the statistics of the first hour, and after about two billion transactions the
 *   database would stop taking writes;
 * - without checkpoints (measured: none in 4.5 GB of WAL), the write-ahead log grows without end, and a
 *   restart after a crash replays all of it since the process started.
 * On PostgreSQL the server does both itself; the poller is only started on PGlite.
 */
export function databaseUpkeep(db: Db, log: (line: string) => void): Poller {
  return {
    name: "database.upkeep",
    everySeconds: UPKEEP_SECONDS,
    poll: async () => (await upkeepTables(db, log)) + (await checkpointIfDue(db, log)),
  };
}

/**
 * Checkpoints when the checkpointer would have (see `checkpointDue`); returns 1 if it did. Ages are read
 * from the database's own clock, as the checkpoint's time is, not from the app's (tests move that one).
 */
export async function checkpointIfDue(
  db: Db,
  log: (line: string) => void = () => {},
  maxBytes = CHECKPOINT_BYTES,
): Promise<number> {
  const wal = await sql<WalSinceCheckpoint>`
    select (pg_current_wal_insert_lsn() - redo_lsn)::float8 as bytes,
           extract(epoch from clock_timestamp() - checkpoint_time)::float8 as seconds
    from pg_control_checkpoint()`.execute(db);
  const since = wal.rows[0];
  if (!since || !checkpointDue(since, maxBytes)) return 0;
  const started = performance.now();
  await sql`checkpoint`.execute(db);
  log(
    `database upkeep: checkpoint after ${Math.round(since.bytes / 1024 / 1024)} MB of WAL in ${Math.round(since.seconds)} s, ${Math.round(performance.now() - started)} ms`,
  );
  return 1;
}

/**
 * Vacuums and analyses each table that autovacuum's rules say is due, one statement per table; returns
 * how many it took care of. Each statement holds PGlite's single session for as long as it runs, so the
 * event loop gets a turn between tables (requests go between them), and the thresholds keep each one to
 * about a fifth of its table's changes. What it did, and how long each table held the session, goes to `log`.
 */
export async function upkeepTables(db: Db, log: (line: string) => void = () => {}): Promise<number> {
  // Table statistics reach the shared counters at most once a second; make this session's current.
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const activity = await sql<TableActivity>`
    select format('%I.%I', s.schemaname, s.relname) as "table",
           c.reltuples::float8 as rows,
           s.n_dead_tup::float8 as "deadRows",
           s.n_ins_since_vacuum::float8 as "insertedSinceVacuum",
           s.n_mod_since_analyze::float8 as "changedSinceAnalyze",
           age(c.relfrozenxid)::float8 as "xidAge"
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where c.relkind = 'r'`.execute(db);
  const due = upkeepDue(activity.rows);
  const done: string[] = [];
  for (const u of due) {
    const said = await upkeepTable(db, u);
    if (said) done.push(said);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (done.length) log(`database upkeep: ${done.join(", ")}`);
  return due.length;
}

/** One table's vacuum or analyse; what was done and how long it took, or null if the table is gone. */
export async function upkeepTable(db: Db, u: Upkeep): Promise<string | null> {
  const what = u.vacuum && u.analyze ? "vacuum (analyze)" : u.vacuum ? "vacuum" : "analyze";
  const started = performance.now();
  try {
    // The name comes from the catalog, quoted by format('%I').
    await sql.raw(`${what} ${u.table}`).execute(db);
  } catch (error) {
    // Archiving moves a month's partitions to the archive schema (and the retention run drops them); one
    // that went between the statistics and its turn is found under its new name by the next pass.
    if ((error as { code?: unknown }).code === "42P01") return null;
    throw error;
  }
  return `${what} ${u.table} ${Math.round(performance.now() - started)} ms`;
}
