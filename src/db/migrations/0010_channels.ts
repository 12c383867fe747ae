import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Channels: inbound e-mail and the phone hotline.
 *
 * `inbound_emails` holds every message as received, raw, before the SMTP server answers 250: the message
 * is safe from then on, and processing (parsing, intake, threading) happens after, retried by a poller
 * if the process died in between. `message_id` is unique, so a message delivered twice is stored once.
 * The automatic reply to a message is written on its row and sent from there, retried until sent.
 * `email_contacts` remembers the phone a sender's earlier request was registered with.
 *
 * `hotline_calls` is one row per call, the CTI's events folded in; `hotline_call_events` keeps each event
 * as received, keyed by the CTI's event id so a redelivered event changes nothing.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table inbound_emails (
      id bigint generated always as identity primary key,
      message_id text not null unique,
      received_at timestamptz not null,
      envelope_from text,
      envelope_to text not null,
      raw bytea not null,
      status text not null default 'received' check (status in ('received','processed','failed')),
      attempts integer not null default 0,
      lease_until timestamptz,
      processed_at timestamptz,
      outcome text check (outcome in ('ticket','thread','needs_info','ignored')),
      sender text,
      ticket_no text references tickets(ticket_no),
      missing_fields text[],
      last_error text,
      reply jsonb,
      reply_status text check (reply_status in ('pending','sent','failed')),
      reply_attempts integer not null default 0,
      reply_next_at timestamptz,
      reply_reference text
    );
    create index inbound_emails_due on inbound_emails (received_at) where status = 'received';
    create index inbound_emails_reply_due on inbound_emails (reply_next_at) where reply_status = 'pending';
    create index inbound_emails_ticket on inbound_emails (ticket_no) where ticket_no is not null;
    create table email_contacts (
      email text primary key,
      phone text not null,
      updated_at timestamptz not null
    );
    create table hotline_calls (
      call_id text primary key,
      caller_phone text not null,
      business_line text,
      started_at timestamptz not null,
      ivr_key text,
      ivr_topic text,
      queued_at timestamptz,
      answered_at timestamptz,
      agent text,
      abandoned_at timestamptz,
      ended_at timestamptz,
      recording_url text,
      ticket_no text references tickets(ticket_no),
      updated_at timestamptz not null
    );
    create index hotline_calls_started on hotline_calls (started_at);
    create table hotline_call_events (
      event_id text primary key,
      call_id text not null references hotline_calls(call_id),
      type text not null,
      at timestamptz not null,
      received_at timestamptz not null,
      data jsonb not null
    );
    create index hotline_call_events_call on hotline_call_events (call_id, at)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists hotline_call_events, hotline_calls, email_contacts, inbound_emails`,
  );
}
