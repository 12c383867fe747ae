import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Age indexes for pruning the detector's tables, as BRIN rather than B-tree. Rows arrive in time order, so
 * a block-range index finds the old ones for a few kilobytes; and, unlike a B-tree on the time, it cannot
 * be walked in time order, so the planner is never tempted (as it was whenever the statistics said the
 * table was nearly empty) to read a window's latest signals by scanning every signal backwards in time
 * instead of through the window's own index. The hourly counts had no age index at all.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop index incident_signals_age;
     create index incident_signals_age on incident_signals using brin (at);
     create index incident_volume_age on incident_volume using brin (hour);`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop index if exists incident_volume_age;
     drop index if exists incident_signals_age;
     create index incident_signals_age on incident_signals (at);`,
  );
}
