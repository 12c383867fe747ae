import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * The SLA engine: one row per clock of a ticket, and the editable business calendar.
 *
 * `next_at` is the one instant the engine must look at a clock (its reminder, its deadline or its next
 * escalation level), null once it is paused, stopped or done; the partial index over it is all a tick
 * reads, so a tick's work grows with the clocks due, not with the open tickets. Tickets opened before
 * this migration get their two clocks from the deadlines they already carry (wall-clock time).
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table sla_clocks (
      ticket_no text not null references tickets(ticket_no),
      name text not null,
      basis text not null check (basis in ('business','calendar')),
      target_ms bigint not null,
      started_at timestamptz not null,
      due_at timestamptz,
      remind_at timestamptz,
      paused_since timestamptz,
      remaining_ms bigint,
      stopped_at timestamptz,
      reminded_at timestamptz,
      breached_at timestamptz,
      level smallint not null default 0,
      next_at timestamptz,
      primary key (ticket_no, name)
    );
    create index sla_clocks_next on sla_clocks (next_at) where next_at is not null;
    create index tickets_escalated on tickets (escalation_level, priority, created_at) where escalation_level > 0;
    create table calendar_days (
      day date primary key,
      kind text not null check (kind in ('holiday','workday')),
      name text not null,
      source text not null,
      updated_by text,
      updated_at timestamptz not null
    );
    create table calendar_years (
      year integer primary key,
      source text not null,
      seeded_at timestamptz not null
    );
    insert into sla_clocks (ticket_no, name, basis, target_ms, started_at, due_at, remind_at, stopped_at, next_at)
      select ticket_no, 'firstResponse', 'calendar',
        (extract(epoch from first_response_due_at - created_at) * 1000)::bigint, created_at,
        first_response_due_at, null, first_responded_at,
        case when first_responded_at is null then first_response_due_at end
      from tickets where status not in ('resolved','closed','not_applicable');
    insert into sla_clocks (ticket_no, name, basis, target_ms, started_at, due_at, remind_at, stopped_at, next_at)
      select ticket_no, 'resolution', 'calendar',
        (extract(epoch from resolution_due_at - created_at) * 1000)::bigint, created_at,
        resolution_due_at, null, null, resolution_due_at
      from tickets where status not in ('resolved','closed','not_applicable')
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists calendar_years, calendar_days, sla_clocks;
     drop index if exists tickets_escalated`,
  );
}
