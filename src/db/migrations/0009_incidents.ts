import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Batch-complaint incidents (批量投诉) and food-safety emergencies.
 *
 * `incident_signals` is the detector's memory: one row per (complaint family, window key, ticket) for
 * complaints of the last days, keyed by what is counted (a batch, a product in a region, a merchant).
 * Counting a window reads that key's rows in the window, at most the pack's threshold of them, through a
 * partial index of the signals not yet explained by an incident: the detector's cost per ticket does not
 * grow with the stored tickets. Old signals are pruned. `incident_volume` holds hourly counts per family
 * and merchant, the baseline an abnormal rise is measured against.
 *
 * `incidents` are the incidents, `incident_tickets` their linked tickets, `incident_events` their
 * timeline (every action is one). `order_system_calls` is the durable outbox of signed webhooks to the
 * order system (suspend a batch or a merchant): one row per call, keyed so that a retried action never
 * sends twice. The detector reads `ticket_events` as an outbox from its own cursor, starting now.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create sequence incident_no_seq;
    create table incidents (
      id text primary key,
      kind text not null check (kind in ('batch','emergency')),
      status text not null check (status in ('open','closed')),
      business_line text not null,
      family text,
      dimension text,
      region text,
      product_id text,
      batch_no text,
      merchant_id text,
      reason text,
      opened_at timestamptz not null,
      opened_by text not null,
      closed_at timestamptz,
      closed_by text,
      findings text,
      progress_due_at timestamptz,
      progress_escalated_at timestamptz,
      updated_at timestamptz not null
    );
    create index incidents_open on incidents (business_line, kind, family) where status = 'open';
    create index incidents_opened on incidents (opened_at desc, id desc);
    create index incidents_progress_due on incidents (progress_due_at)
      where status = 'open' and progress_due_at is not null and progress_escalated_at is null;
    create table incident_tickets (
      incident_id text not null references incidents(id),
      ticket_no text not null references tickets(ticket_no),
      linked_at timestamptz not null,
      primary key (incident_id, ticket_no)
    );
    create index incident_tickets_ticket on incident_tickets (ticket_no);
    create table incident_events (
      id bigint generated always as identity primary key,
      incident_id text not null references incidents(id),
      at timestamptz not null,
      type text not null,
      actor text not null,
      actor_role text not null,
      data jsonb not null default '{}'
    );
    create index incident_events_incident on incident_events (incident_id, id);
    create table incident_signals (
      business_line text not null,
      family text not null,
      dimension text not null,
      key text not null,
      ticket_no text not null,
      at timestamptz not null,
      incident_id text,
      primary key (business_line, family, dimension, key, ticket_no)
    );
    create index incident_signals_window on incident_signals (business_line, family, dimension, key, at)
      where incident_id is null;
    create index incident_signals_ticket on incident_signals (ticket_no);
    create index incident_signals_age on incident_signals (at);
    create table incident_volume (
      business_line text not null,
      family text not null,
      merchant_id text not null,
      hour timestamptz not null,
      count integer not null,
      primary key (business_line, family, merchant_id, hour)
    );
    create table order_system_calls (
      id text primary key,
      incident_id text not null references incidents(id),
      action text not null check (action in ('suspend_batch','suspend_merchant')),
      payload jsonb not null,
      status text not null check (status in ('pending','sent','dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz
    );
    create index order_system_calls_due on order_system_calls (next_attempt_at) where status = 'pending';
    create index order_system_calls_incident on order_system_calls (incident_id);
    insert into outbox_cursors (consumer, last_tx, last_id) values ('incidents', '0', 0)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists order_system_calls, incident_volume, incident_signals, incident_events,
       incident_tickets, incidents;
     drop sequence if exists incident_no_seq;
     delete from outbox_cursors where consumer = 'incidents'`,
  );
}
