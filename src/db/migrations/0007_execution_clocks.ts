import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Execution orders' deadlines become clocks of the SLA engine (`execution:<orderId>`). Orders already
 * running when this ships get theirs from the deadline they carry, on wall-clock time like the clocks
 * 0002 made from old tickets; an order whose deadline already passed is breached at the engine's next
 * tick and escalates from there. Orders still waiting for another step get theirs when released.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    insert into sla_clocks (ticket_no, name, basis, target_ms, started_at, due_at, remind_at, next_at)
      select ticket_no, 'execution:' || id, 'calendar',
        greatest(0, (extract(epoch from due_at - created_at) * 1000)::bigint),
        created_at, due_at, null, due_at
      from execution_orders
      where status in ('open','in_progress') and due_at is not null
    on conflict (ticket_no, name) do nothing
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `delete from sla_clocks where name like 'execution:%'`);
}
