import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Personal data protection (PIPL). `privacy_access_log`: every staff view of unmasked personal data, the
 * subject kept as a keyed hash so the log itself holds no phone numbers. `audit_events`: configuration,
 * role and policy changes with who and why. `privacy_retention_rules`: an admin's override of the packs'
 * retention per data kind. `legal_holds`: a customer or ticket whose data must not be anonymised.
 * `privacy_erasures`: which data kind of which ticket has been anonymised, and why. `privacy_retention_days`:
 * one row per Beijing day the retention job ran, which is also how a process claims the day.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table privacy_access_log (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      staff_id text not null,
      staff_name text not null,
      staff_role text not null,
      subject_token text not null,
      ticket_no text,
      fields text[] not null,
      route text not null
    );
    create index privacy_access_log_subject on privacy_access_log (subject_token, at desc);
    create index privacy_access_log_staff on privacy_access_log (staff_name, at desc);
    create table audit_events (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      actor text not null,
      actor_role text not null,
      action text not null,
      target text not null,
      reason text,
      data jsonb not null default '{}'
    );
    create index audit_events_at on audit_events (at desc, id desc);
    create index audit_events_action on audit_events (action, at desc);
    create table privacy_retention_rules (
      data_kind text primary key,
      months integer not null check (months >= 1),
      updated_by text not null,
      updated_at timestamptz not null
    );
    create table legal_holds (
      id text primary key,
      ticket_no text,
      customer_phone text,
      reason text not null,
      placed_by text not null,
      placed_at timestamptz not null,
      released_by text,
      released_at timestamptz,
      check ((ticket_no is null) <> (customer_phone is null))
    );
    create index legal_holds_ticket on legal_holds (ticket_no) where released_at is null;
    create index legal_holds_phone on legal_holds (customer_phone) where released_at is null;
    create table privacy_erasures (
      ticket_no text not null,
      data_kind text not null,
      at timestamptz not null,
      cause text not null check (cause in ('retention','request')),
      primary key (ticket_no, data_kind)
    );
    create table privacy_retention_days (
      day text primary key,
      started_at timestamptz not null,
      finished_at timestamptz
    );
    create index tickets_closed_at on tickets (closed_at) where closed_at is not null
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop index if exists tickets_closed_at;
     drop table if exists privacy_retention_days, privacy_erasures, legal_holds, privacy_retention_rules,
       audit_events, privacy_access_log`,
  );
}
