import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * A customer signs in to "my requests" with a one-time code sent by SMS to their phone. One row per phone
 * holds the code in force (as a keyed hash: a six-digit code is only as safe as its attempt limit, so the
 * row also counts attempts) and the counts that stop the page being used to flood a number with SMS. A
 * sign-in is a short session of its own, apart from staff sessions, so a customer's token can never open
 * a staff route. Both are deleted once expired (housekeeping) and when the customer's data is erased.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `create table customer_codes (
       phone text primary key,
       code_hash text,
       sent_at timestamptz,
       expires_at timestamptz,
       attempts integer not null default 0,
       window_started_at timestamptz not null,
       sent_in_window integer not null default 0
     );
     create table customer_sessions (
       token_hash text primary key,
       phone text not null,
       created_at timestamptz not null,
       expires_at timestamptz not null
     );
     create index customer_sessions_phone on customer_sessions (phone);
     create index customer_sessions_expiry on customer_sessions (expires_at);`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `drop table if exists customer_sessions; drop table if exists customer_codes;`);
}
