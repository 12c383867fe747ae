import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Notifications read `ticket_events` as an outbox. Each event now carries the id of the transaction that
 * wrote it (`tx`): a consumer takes only events of transactions older than every transaction still
 * running, so an event committed late with a lower id is never skipped by a cursor that moved past it.
 * Events written before this migration keep `tx` null and are never notified (no flood of old news).
 *
 * `outbox_cursors` holds each consumer's position; `notifications` every notice, its delivery and
 * retries (a dead-lettered one has status `dead`); `notification_templates` the admins' edits over the
 * shipped templates.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table ticket_events add column tx xid8;
    alter table ticket_events alter column tx set default pg_current_xact_id();
    create index ticket_events_outbox on ticket_events (tx, id) where tx is not null;
    create table outbox_cursors (
      consumer text primary key,
      last_tx xid8 not null,
      last_id bigint not null
    );
    insert into outbox_cursors (consumer, last_tx, last_id) values ('notifications', '0', 0);
    create table notifications (
      id bigint generated always as identity primary key,
      ticket_no text not null references tickets(ticket_no),
      business_line text not null,
      event_id bigint not null,
      kind text not null,
      audience text not null check (audience in ('customer','staff')),
      channel text not null check (channel in ('in_app','email','sms','wechat')),
      recipient text not null,
      locale text not null,
      subject text,
      body text not null,
      urgent boolean not null,
      status text not null check (status in ('pending','sent','dead')),
      provider text,
      provider_ref text,
      attempts integer not null default 0,
      max_attempts integer not null,
      next_attempt_at timestamptz,
      held_until timestamptz,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz,
      dead_at timestamptz,
      retried_by text,
      unique (event_id, channel, recipient)
    );
    create index notifications_due on notifications (next_attempt_at) where status = 'pending';
    create index notifications_ticket on notifications (ticket_no, id);
    create index notifications_dead on notifications (dead_at desc, id desc) where status = 'dead';
    create table notification_templates (
      business_line text not null,
      channel text not null,
      locale text not null,
      kind text not null,
      subject text,
      body text not null,
      version integer not null,
      updated_by text not null,
      updated_at timestamptz not null,
      primary key (business_line, channel, locale, kind)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists notification_templates, notifications, outbox_cursors;
     drop index if exists ticket_events_outbox;
     alter table ticket_events drop column if exists tx`,
  );
}
