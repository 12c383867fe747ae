import { sql } from "kysely";
import type { TestServer } from "./server.ts";

/**
 * Rolls the reports up until they hold every event stored before the call (test servers run no jobs of
 * their own). One drain is not always enough on a PostgreSQL shared with other test files: the rollups
 * take an event only once no open transaction can still precede it, and another file's transaction may
 * hold this file's events back for a moment.
 */
export async function rollUpReports(server: TestServer, timeoutMs = 20_000): Promise<void> {
  const db = server.app.ctx.db;
  const latest = (await sql<{ id: string | null }>`select max(id)::text as id from ticket_events`.execute(db))
    .rows[0]?.id;
  if (!latest) return;
  const until = Date.now() + timeoutMs;
  for (;;) {
    await server.app.jobs.drain("reports");
    const behind = await sql<{ behind: boolean }>`
      select exists (
        select 1 from ticket_events e, outbox_cursors c
        where c.consumer = 'reports' and e.id <= ${latest}::bigint and e.tx is not null
          and (e.tx, e.id) > (c.last_tx, c.last_id)) as behind`.execute(db);
    if (!behind.rows[0]?.behind) return;
    if (Date.now() > until) throw new Error("the report rollups did not catch up with the events");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
