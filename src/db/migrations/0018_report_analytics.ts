import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Report analytics: trends, heat maps, the rider scorecard and QA sampling.
 *
 * Each ticket's facts gain its rider, the Beijing day and hour it was received and three measures
 * (late delivery, compensation borne by the rider, positive feedback), which the two older rollups carry
 * too. `report_daily` sums tickets per (day, hour, line, region, category): trends, the weekly analysis
 * and the heat maps read it. `report_rider_monthly` sums a rider's tickets per (month, line, category).
 * `qa_samples` holds each closed ticket drawn for a QA review and its checklist scores.
 *
 * The rollups are emptied and the reports cursor set back to the first event, so the job rebuilds every
 * rollup with the new columns from the tickets' current state (the same path as a fresh database).
 */
const NEW_MEASURES = `
      add column late_delivery integer not null default 0,
      add column rider_compensation_fen bigint not null default 0,
      add column positive_feedback integer not null default 0`;

// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table report_ticket_facts
      add column rider_id text not null default '',
      add column day text not null default '',
      add column hour smallint not null default 0,${NEW_MEASURES};
    alter table report_monthly${NEW_MEASURES};
    alter table report_agent_monthly${NEW_MEASURES};
    create table report_daily (
      day text not null,
      hour smallint not null check (hour between 0 and 23),
      business_line text not null,
      region text not null,
      category text not null,
      received integer not null default 0,
      resolved integer not null default 0,
      clocks_met integer not null default 0,
      clocks_breached integer not null default 0,
      primary key (day, business_line, region, category, hour)
    );
    create table report_rider_monthly (
      month text not null,
      business_line text not null,
      rider_id text not null,
      category text not null,
      received integer not null default 0,
      resolved integer not null default 0,
      late_delivery integer not null default 0,
      rider_compensation_fen bigint not null default 0,
      score_sum integer not null default 0,
      score_count integer not null default 0,
      positive_feedback integer not null default 0,
      primary key (month, rider_id, business_line, category)
    );
    create table qa_samples (
      id text primary key,
      month text not null,
      ticket_no text not null references tickets(ticket_no),
      agent text not null,
      business_line text not null,
      category text not null,
      drawn_by text not null,
      drawn_at timestamptz not null,
      greeting smallint check (greeting between 0 and 100),
      accuracy smallint check (accuracy between 0 and 100),
      remedy smallint check (remedy between 0 and 100),
      tone smallint check (tone between 0 and 100),
      score smallint check (score between 0 and 100),
      comment text,
      scored_by text,
      scored_at timestamptz,
      unique (month, ticket_no)
    );
    create index qa_samples_agent on qa_samples (month, agent);
    truncate report_ticket_facts, report_monthly, report_agent_monthly;
    update outbox_cursors set last_tx = '0', last_id = 0 where consumer = 'reports'
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const drop = `drop column if exists late_delivery, drop column if exists rider_compensation_fen,
      drop column if exists positive_feedback`;
  await runStatements(
    db,
    `drop table if exists qa_samples, report_rider_monthly, report_daily;
     alter table report_agent_monthly ${drop};
     alter table report_monthly ${drop};
     alter table report_ticket_facts drop column if exists rider_id, drop column if exists day,
       drop column if exists hour, ${drop}`,
  );
}
