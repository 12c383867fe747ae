import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * `login_failures`: wrong passwords per username and the lock they earned. In the database, not in a
 * process's memory, so that several app processes behind one address count the same failures and an
 * attacker cannot get five tries per process.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table login_failures (
      username text primary key,
      failures int not null,
      locked_until timestamptz
    );
    `,
  );
}
