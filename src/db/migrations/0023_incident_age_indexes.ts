import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * The detector's hourly counts are pruned once older than any baseline can reach; without an index on the
 * hour, each pruning pass would read the whole table. The counts' updates leave the hour alone, so they
 * stay cheap (heap-only) with it.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, "create index incident_volume_age on incident_volume (hour);");
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, "drop index if exists incident_volume_age;");
}
