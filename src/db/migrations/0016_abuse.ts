import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Malicious-complaint scoring and the blacklist (恶意投诉与黑名单).
 *
 * `abuse_marks` is the scorer's memory: one row per (what identifies the complainant, ticket) — the phone,
 * the device and the address a request came with — so counting a complainant's recent requests reads one
 * index range, whatever the number of stored tickets. `abuse_scores` holds each ticket's score and its
 * reasons. `blacklist` holds listings (one active per phone), `blacklist_appeals` the customers' appeals and
 * `blacklist_audit` every change of either (who, when, why): a listing is not a ticket, so its audit trail
 * cannot live in `ticket_events`. `customer_record_access` logs every export of a customer's full record.
 * The scorer reads `ticket_events` as an outbox from its own cursor, starting at this migration: tickets
 * stored before it are not scored after the fact.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table abuse_marks (
      kind text not null check (kind in ('phone','device','address')),
      value text not null,
      ticket_no text not null,
      at timestamptz not null,
      primary key (kind, value, ticket_no)
    );
    create index abuse_marks_recent on abuse_marks (kind, value, at desc);
    create table abuse_scores (
      ticket_no text primary key references tickets(ticket_no),
      phone text not null,
      score integer not null check (score between 0 and 100),
      reasons jsonb not null,
      excessive_demand boolean not null,
      computed_at timestamptz not null
    );
    create index abuse_scores_phone on abuse_scores (phone, computed_at desc);
    create table blacklist (
      id text primary key,
      phone text not null,
      reason text not null,
      evidence jsonb not null,
      status text not null check (status in ('active','lifted','expired')),
      expires_at timestamptz not null,
      created_by text not null,
      created_at timestamptz not null,
      ended_at timestamptz,
      ended_by text,
      end_reason text
    );
    create unique index blacklist_one_active on blacklist (phone) where status = 'active';
    create index blacklist_expiry on blacklist (expires_at) where status = 'active';
    create index blacklist_created on blacklist (created_at desc, id desc);
    create table blacklist_appeals (
      id text primary key,
      blacklist_id text not null references blacklist(id),
      ticket_no text,
      statement text not null,
      status text not null check (status in ('pending','lifted','upheld')),
      submitted_by text not null,
      submitted_at timestamptz not null,
      decided_by text,
      decided_at timestamptz,
      decision_note text
    );
    create index blacklist_appeals_listing on blacklist_appeals (blacklist_id, submitted_at);
    create index blacklist_appeals_pending on blacklist_appeals (submitted_at) where status = 'pending';
    create table blacklist_audit (
      id bigint generated always as identity primary key,
      blacklist_id text not null references blacklist(id),
      at timestamptz not null,
      type text not null,
      actor text not null,
      actor_role text not null,
      data jsonb not null default '{}'
    );
    create index blacklist_audit_listing on blacklist_audit (blacklist_id, id);
    create table customer_record_access (
      id bigint generated always as identity primary key,
      phone text not null,
      at timestamptz not null,
      actor text not null,
      actor_role text not null,
      format text not null,
      tickets integer not null
    );
    create index customer_record_access_phone on customer_record_access (phone, at);
    insert into outbox_cursors (consumer, last_tx, last_id)
      values ('abuse', pg_current_xact_id(), (select coalesce(max(id), 0) from ticket_events))
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists customer_record_access, blacklist_audit, blacklist_appeals, blacklist, abuse_scores,
       abuse_marks;
     delete from outbox_cursors where consumer = 'abuse'`,
  );
}
