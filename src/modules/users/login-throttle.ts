import { sql } from "kysely";
import type { Db } from "../../db/database.ts";

/**
 * Five wrong passwords for one username lock it for 15 minutes. Counted in the database (one upsert a
 * failure), so every app process on it shares the count and the lock, and a restart forgives nothing.
 */
const MAX_FAILURES = 5;
const LOCK_MS = 15 * 60_000;

export class LoginThrottle {
  constructor(private readonly db: Db) {}

  async lockedSeconds(username: string, now: Date): Promise<number> {
    const r = await sql<{ locked_until: Date | null }>`
      select locked_until from login_failures where username = ${username}`.execute(this.db);
    const until = r.rows[0]?.locked_until;
    if (!until || until.getTime() <= now.getTime()) return 0;
    return Math.ceil((until.getTime() - now.getTime()) / 1000);
  }

  async failed(username: string, now: Date): Promise<void> {
    const lockedUntil = new Date(now.getTime() + LOCK_MS).toISOString();
    await sql`
      insert into login_failures as f (username, failures, locked_until) values (${username}, 1, null)
      on conflict (username) do update set
        failures = case when f.failures + 1 >= ${MAX_FAILURES} then 0 else f.failures + 1 end,
        locked_until = case when f.failures + 1 >= ${MAX_FAILURES} then ${lockedUntil}::timestamptz
                            else f.locked_until end`.execute(this.db);
  }

  async succeeded(username: string): Promise<void> {
    await sql`delete from login_failures where username = ${username}`.execute(this.db);
  }
}
