import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table users (
      id text primary key,
      username text not null unique,
      display_name text not null,
      password_hash text not null,
      role text not null check (role in ('admin','agent','supervisor','manager','qa','merchant','rider')),
      merchant_ids text[] not null default '{}',
      rider_id text,
      active boolean not null default true,
      created_at timestamptz not null
    );
    create table sessions (
      token_hash text primary key,
      user_id text not null references users(id) on delete cascade,
      created_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index sessions_expiry on sessions (expires_at);
    create table api_keys (
      id text primary key,
      name text not null,
      key_hash text not null unique,
      scopes text[] not null,
      created_at timestamptz not null,
      revoked_at timestamptz
    );
    create table merchants (
      id text primary key,
      name text not null,
      business_line text not null,
      region text not null
    );
    create table riders (
      id text primary key,
      name text not null,
      region text not null
    );
    create table products (
      id text primary key,
      name text not null,
      business_line text not null,
      merchant_id text not null references merchants(id),
      unit_price_fen integer not null
    );
    create table batches (
      batch_no text primary key,
      product_id text not null references products(id),
      produced_at timestamptz not null,
      best_before timestamptz
    );
    create table orders (
      order_no text primary key,
      business_line text not null,
      customer_phone text not null,
      merchant_id text not null,
      rider_id text,
      region text not null,
      items jsonb not null,
      paid_fen integer not null check (paid_fen >= 0),
      paid_at timestamptz not null,
      promised_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index orders_phone on orders (customer_phone);
    create index orders_merchant on orders (merchant_id, paid_at);
    create sequence ticket_no_seq;
    create table tickets (
      ticket_no text primary key,
      business_line text not null,
      pack_version text not null,
      channel text not null,
      customer_phone text not null,
      customer_name text,
      order_no text not null references orders(order_no),
      merchant_id text not null,
      rider_id text,
      region text not null,
      category text not null,
      sub_type text,
      category_source text not null,
      severity text not null check (severity in ('serious','general','minor')),
      priority smallint not null,
      urgent boolean not null,
      queue text not null,
      status text not null,
      assignee_id text references users(id),
      escalation_level smallint not null default 0,
      description text not null,
      expected_resolution text,
      occurred_at timestamptz,
      details jsonb not null default '{}',
      evidence_awaited boolean not null default false,
      merged_into text references tickets(ticket_no),
      first_response_due_at timestamptz not null,
      resolution_due_at timestamptz not null,
      first_responded_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index tickets_queue on tickets (status, queue, created_at);
    create index tickets_phone on tickets (customer_phone, created_at);
    create index tickets_merchant on tickets (merchant_id, created_at);
    create index tickets_order on tickets (order_no);
    create index tickets_assignee on tickets (assignee_id) where assignee_id is not null;
    create index tickets_created on tickets (created_at);
    create table ticket_events (
      id bigint generated always as identity primary key,
      ticket_no text not null references tickets(ticket_no),
      at timestamptz not null,
      type text not null,
      actor text not null,
      actor_role text not null,
      channel text,
      visibility text not null check (visibility in ('customer','internal')),
      data jsonb not null default '{}'
    );
    create index ticket_events_ticket on ticket_events (ticket_no, id);
    create table idempotency_keys (
      key text primary key,
      request_hash text not null,
      ticket_no text not null,
      created_at timestamptz not null
    );
    create table attachments (
      id text primary key,
      kind text not null check (kind in ('image','video')),
      mime text not null,
      size_bytes integer not null,
      sha256 text not null,
      file_name text,
      captured_at timestamptz,
      uploaded_at timestamptz not null,
      has_thumbnail boolean not null,
      ticket_no text references tickets(ticket_no)
    );
    create index attachments_ticket on attachments (ticket_no) where ticket_no is not null;
    create table app_state (
      key text primary key,
      value jsonb not null
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists app_state, attachments, idempotency_keys, ticket_events, tickets, orders,
      batches, products, riders, merchants, api_keys, sessions, users cascade;
     drop sequence if exists ticket_no_seq`,
  );
}
