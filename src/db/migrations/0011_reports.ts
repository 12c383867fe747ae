import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Reports read small rollups, never the tickets. The reports job reads `ticket_events` as an outbox from
 * its own cursor (from the first event on, so an existing database is rolled up once) and, for each
 * ticket an event touched, recomputes the ticket's facts (`report_ticket_facts`, one row per ticket:
 * its month of receipt, line, merchant, region, category, agent and measures) and adds the difference
 * between the new and the stored facts to the rollups. A ticket reclassified, reopened or resolved again
 * therefore moves between rollup rows instead of being counted twice.
 *
 * `report_monthly` is keyed by (month, line, merchant, region, category, sub-type); `report_agent_monthly`
 * by (month, line, agent). Both hold the same measures. Orders are counted at request time through
 * `orders_line_paid`, an index-only scan of one month.
 */
const MEASURES = `
      received integer not null default 0,
      not_applicable integer not null default 0,
      resolved integer not null default 0,
      closed integer not null default 0,
      resolution_minutes_sum bigint not null default 0,
      score_sum integer not null default 0,
      score_count integer not null default 0,
      second_round integer not null default 0,
      escalated integer not null default 0,
      first_response_count integer not null default 0,
      first_response_minutes_sum bigint not null default 0,
      first_response_met integer not null default 0,
      first_response_breached integer not null default 0,
      resolution_met integer not null default 0,
      resolution_breached integer not null default 0,
      clocks_met integer not null default 0,
      clocks_breached integer not null default 0`;

// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table report_ticket_facts (
      ticket_no text primary key references tickets(ticket_no),
      month text not null,
      business_line text not null,
      merchant_id text not null,
      region text not null,
      category text not null,
      sub_type text not null,
      agent text not null,
      ${MEASURES}
    );
    create index report_ticket_facts_month on report_ticket_facts (month, business_line);
    create table report_monthly (
      month text not null,
      business_line text not null,
      merchant_id text not null,
      region text not null,
      category text not null,
      sub_type text not null,
      ${MEASURES},
      primary key (month, business_line, merchant_id, region, category, sub_type)
    );
    create table report_agent_monthly (
      month text not null,
      business_line text not null,
      agent text not null,
      ${MEASURES},
      primary key (month, business_line, agent)
    );
    create index orders_line_paid on orders (business_line, paid_at) include (merchant_id);
    insert into outbox_cursors (consumer, last_tx, last_id) values ('reports', '0', 0)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists report_agent_monthly, report_monthly, report_ticket_facts;
     drop index if exists orders_line_paid;
     delete from outbox_cursors where consumer = 'reports'`,
  );
}
