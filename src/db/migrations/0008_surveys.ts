import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Follow-up after resolution (回访与满意度): the survey, the return visit and the automatic close, each
 * due some time after a ticket is resolved.
 *
 * `follow_ups` is the durable schedule: one row per thing to do after one resolution, written in the
 * resolving transaction, so a restart loses nothing. The job claims due rows through the partial index
 * (its work grows with what is due, not with the resolved tickets). `resolved_at` names the resolution a
 * row follows: a ticket reopened and resolved again makes the older rows moot.
 *
 * Tickets carry the count of second rounds (二次处理: reopened after a low score, "not resolved" or a
 * problem that came back) and the handling time recorded when they close, for reports.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table tickets add column second_rounds integer not null default 0;
    alter table tickets add column handling_minutes integer;
    create table follow_ups (
      id bigserial primary key,
      ticket_no text not null references tickets(ticket_no),
      kind text not null check (kind in ('survey','return_visit','auto_close')),
      resolved_at timestamptz not null,
      due_at timestamptz not null,
      reason text,
      done_at timestamptz,
      outcome text check (outcome in ('done','moot','cancelled'))
    );
    create index follow_ups_due on follow_ups (due_at) where done_at is null;
    create index follow_ups_ticket on follow_ups (ticket_no) where done_at is null;
    create table surveys (
      id text primary key,
      ticket_no text not null unique references tickets(ticket_no),
      business_line text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      answered_at timestamptz,
      score smallint check (score between 1 and 5),
      resolved boolean,
      comment text,
      efficiency smallint check (efficiency between 1 and 5),
      resolution smallint check (resolution between 1 and 5),
      attitude smallint check (attitude between 1 and 5),
      second_round boolean not null default false
    );
    create index surveys_answered on surveys (business_line, answered_at) where answered_at is not null;
    create table return_visits (
      id text primary key,
      ticket_no text not null references tickets(ticket_no),
      business_line text not null,
      reason text not null check (reason in ('complex','repeat_customer','sampled')),
      status text not null check (status in ('due','done','cancelled')),
      resolved_at timestamptz not null,
      due_at timestamptz not null,
      deadline_at timestamptz not null,
      outcome text check (outcome in ('satisfied','problem_returned','unreachable')),
      note text,
      visited_by text,
      visited_at timestamptz,
      created_at timestamptz not null,
      unique (ticket_no, resolved_at)
    );
    create index return_visits_open on return_visits (due_at) where status = 'due'
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists return_visits, surveys, follow_ups;
     alter table tickets drop column if exists second_rounds;
     alter table tickets drop column if exists handling_minutes`,
  );
}
