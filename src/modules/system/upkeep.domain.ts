/**
 * When a table needs vacuuming or fresh planner statistics: PostgreSQL's own autovacuum rules, with its
 * default thresholds, for the embedded database, where no autovacuum ever runs (see upkeep.jobs.ts).
 */

/** What the database's statistics say of one table since it was last vacuumed and analysed. */
export interface TableActivity {
  table: string;
  /** Rows as last counted by vacuum or analyse; -1 (never counted) counts as 0. */
  rows: number;
  deadRows: number;
  insertedSinceVacuum: number;
  changedSinceAnalyze: number;
  /** Transactions since the table's oldest unfrozen row id (`age(relfrozenxid)`). */
  xidAge: number;
}

export interface Upkeep {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

/** autovacuum_vacuum_threshold and _scale_factor: dead row versions worth reclaiming. */
const DEAD_BASE = 50;
const DEAD_SHARE = 0.2;
/**
 * autovacuum_vacuum_insert_threshold and _scale_factor: a table only ever appended to (events, tickets)
 * is still vacuumed now and then, so its rows are frozen a little at a time instead of in one long pass
 * when the transaction ids run out, and its pages are marked all-visible for index-only scans.
 */
const INSERTED_BASE = 1000;
const INSERTED_SHARE = 0.2;
/** autovacuum_analyze_threshold and _scale_factor: statistics older than a tenth of the table. */
const CHANGED_BASE = 50;
const CHANGED_SHARE = 0.1;
/**
 * autovacuum_freeze_max_age: past it the table is vacuumed whatever its activity, as PostgreSQL must
 * freeze row ids long before the ~2 billion at which it would stop accepting writes.
 */
export const FREEZE_MAX_AGE = 200_000_000;

export function upkeepOf(t: TableActivity): Upkeep {
  const rows = Math.max(0, t.rows);
  const vacuum =
    t.deadRows > DEAD_BASE + DEAD_SHARE * rows ||
    t.insertedSinceVacuum > INSERTED_BASE + INSERTED_SHARE * rows ||
    t.xidAge > FREEZE_MAX_AGE;
  const analyze = t.changedSinceAnalyze > CHANGED_BASE + CHANGED_SHARE * rows;
  return { table: t.table, vacuum, analyze };
}

/** The tables due for upkeep, the most urgent first: wraparound, then the most dead rows. */
export function upkeepDue(tables: readonly TableActivity[]): Upkeep[] {
  return [...tables]
    .sort(
      (a, b) =>
        Number(b.xidAge > FREEZE_MAX_AGE) - Number(a.xidAge > FREEZE_MAX_AGE) || b.deadRows - a.deadRows,
    )
    .map(upkeepOf)
    .filter((u) => u.vacuum || u.analyze);
}

/** Write-ahead log since the last checkpoint, and how long ago that checkpoint was. */
export interface WalSinceCheckpoint {
  bytes: number;
  seconds: number;
}

/** checkpoint_timeout: at most this long between checkpoints while anything is being written. */
const CHECKPOINT_SECONDS = 300;
/**
 * A quarter of max_wal_size (1 GB): the WAL a crash would have to replay, and that the folder holds, stays
 * in the hundreds of megabytes however busy the minute was.
 */
export const CHECKPOINT_BYTES = 256 * 1024 * 1024;
/** Less than this since the last checkpoint is the checkpoint's own record: nothing was written. */
const IDLE_BYTES = 64 * 1024;

/** PostgreSQL's checkpointer rules, for the embedded database, which has no checkpointer. */
export function checkpointDue(wal: WalSinceCheckpoint, maxBytes = CHECKPOINT_BYTES): boolean {
  return wal.bytes >= maxBytes || (wal.bytes > IDLE_BYTES && wal.seconds >= CHECKPOINT_SECONDS);
}
