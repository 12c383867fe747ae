import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Who has a ticket open in the workspace right now, so two agents do not work one customer without
 * knowing it. Each open workspace calls in every 15 seconds; a row not renewed for 45 seconds no longer
 * counts, and housekeeping deletes it. A table, not process memory, so every app process sees the same.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `create table ticket_viewers (
       ticket_no text not null,
       user_id text not null references users (id),
       since timestamptz not null,
       seen_at timestamptz not null,
       primary key (ticket_no, user_id)
     );
     create index ticket_viewers_seen on ticket_viewers (seen_at);`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `drop table if exists ticket_viewers;`);
}
