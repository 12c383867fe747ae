import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Remedies, execution orders and the money ledger.
 *
 * The money rules the domain checks are also constraints here, so no code path can break them:
 * - `ledger_accounts`: per order, reserved refunds never exceed what was paid and compensation never
 *   exceeds the order's cap (CHECK), and the row is the lock that serialises reservations on one order;
 * - `ledger_entries.idempotency_key` and `(remedy_id, item_index, direction)` are UNIQUE: one payout per
 *   remedy item, one charge per payout;
 * - `payment_attempts`: at most one succeeded attempt per entry (partial UNIQUE index).
 * Two new roles, `warehouse` and `finance`, carry out and see their departments' execution orders.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table users drop constraint if exists users_role_check;
    alter table users add constraint users_role_check check (role in
      ('admin','agent','supervisor','manager','qa','merchant','rider','warehouse','finance'));
    create table ticket_verifications (
      ticket_no text primary key references tickets(ticket_no),
      verified boolean not null,
      liable_party text not null
        check (liable_party in ('platform','merchant','rider','logistics','customer','none')),
      findings text not null,
      evidence_ids text[] not null default '{}',
      food_safety_violation boolean not null default false,
      fraud boolean not null default false,
      loss_fen integer check (loss_fen >= 0),
      affected_items jsonb,
      recorded_by text not null,
      recorded_at timestamptz not null
    );
    create table remedies (
      id text primary key,
      ticket_no text not null references tickets(ticket_no),
      seq integer not null,
      order_no text not null,
      business_line text not null,
      pack_version text not null,
      status text not null check (status in ('pending_approval','approved','rejected','superseded')),
      choice text not null check (choice in ('standard','alternative','statutory','adjusted')),
      statute text,
      items jsonb not null,
      deadline_hours jsonb not null default '{}',
      proposal jsonb not null,
      approval_reasons jsonb not null default '[]',
      money_fen integer not null check (money_fen >= 0),
      compensation_cap_fen integer not null check (compensation_cap_fen >= 0),
      note text,
      decided_by text not null,
      decided_at timestamptz not null,
      approved_by text,
      approved_at timestamptz,
      rejected_by text,
      rejected_at timestamptz,
      reject_reason text,
      customer_response text check (customer_response in ('accepted','disputed')),
      customer_comment text,
      customer_responded_at timestamptz,
      idempotency_key text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (ticket_no, seq),
      unique (ticket_no, idempotency_key)
    );
    create index remedies_ticket on remedies (ticket_no, seq);
    create index remedies_pending on remedies (decided_at) where status = 'pending_approval';
    create unique index remedies_one_pending on remedies (ticket_no) where status = 'pending_approval';
    create table execution_orders (
      id text primary key,
      ticket_no text not null references tickets(ticket_no),
      remedy_id text not null references remedies(id),
      step smallint not null,
      action text not null
        check (action in ('refund','compensation','resend','redeliver','pickup','inspection','repair')),
      department text not null check (department in ('merchant','logistics','warehouse','finance')),
      merchant_id text not null,
      rider_id text,
      item_indexes integer[] not null,
      status text not null check (status in ('open','in_progress','done','failed')),
      blocked_by text references execution_orders(id),
      deadline jsonb not null,
      due_at timestamptz,
      owner_id text references users(id),
      owner_name text,
      note text,
      failure_reason text,
      overdue_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      unique (remedy_id, step)
    );
    create index execution_board on execution_orders (department, status, due_at);
    create index execution_ticket on execution_orders (ticket_no, remedy_id, step);
    create index execution_due on execution_orders (due_at)
      where status in ('open','in_progress') and overdue_at is null and due_at is not null;
    create table ledger_accounts (
      order_no text primary key,
      paid_fen integer not null check (paid_fen >= 0),
      refunded_fen integer not null default 0,
      compensated_fen integer not null default 0,
      compensation_cap_fen integer not null default 0,
      updated_at timestamptz not null,
      constraint refunds_within_paid check (refunded_fen >= 0 and refunded_fen <= paid_fen),
      constraint compensation_within_cap check (compensated_fen >= 0 and compensated_fen <= compensation_cap_fen)
    );
    create table ledger_entries (
      id text primary key,
      idempotency_key text not null unique,
      order_no text not null references ledger_accounts(order_no),
      ticket_no text not null references tickets(ticket_no),
      remedy_id text not null references remedies(id),
      item_index smallint not null,
      execution_order_id text references execution_orders(id),
      kind text not null check (kind in ('refund','price_difference','compensation','coupon','charge')),
      direction text not null check (direction in ('payout','charge')),
      party text not null,
      party_id text,
      payer text not null,
      amount_fen integer not null check (amount_fen > 0),
      status text not null
        check (status in ('held','pending','processing','succeeded','failed','cancelled','recorded')),
      attempts integer not null default 0,
      max_attempts integer not null,
      next_attempt_at timestamptz,
      lease_until timestamptz,
      provider text,
      provider_ref text,
      last_error text,
      authorised_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      settled_at timestamptz,
      unique (remedy_id, item_index, direction)
    );
    create index ledger_due on ledger_entries (next_attempt_at) where status = 'pending';
    create index ledger_leased on ledger_entries (lease_until) where status = 'processing';
    create index ledger_ticket on ledger_entries (ticket_no, created_at);
    create index ledger_order on ledger_entries (order_no, created_at);
    create index ledger_execution on ledger_entries (execution_order_id) where execution_order_id is not null;
    create table payment_attempts (
      id bigint generated always as identity primary key,
      entry_id text not null references ledger_entries(id),
      attempt integer not null,
      provider text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      outcome text check (outcome in ('succeeded','accepted','failed','confirmed')),
      provider_ref text,
      error text,
      unique (entry_id, attempt)
    );
    create unique index payment_one_success on payment_attempts (entry_id) where outcome = 'succeeded'
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists payment_attempts, ledger_entries, ledger_accounts, execution_orders, remedies,
      ticket_verifications;
     alter table users drop constraint if exists users_role_check;
     alter table users add constraint users_role_check check (role in
      ('admin','agent','supervisor','manager','qa','merchant','rider'))`,
  );
}
