import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Merchant customer service (商家客服).
 *
 * `merchant_verifications`: one row each time a ticket is sent to its merchant to verify (核实). While
 * `pending` its deadline runs as an SLA clock (`merchant-verification:<id>`); `due_at` is that clock's
 * deadline, and a partial index of the pending rows lets the deadline job find the missed ones without
 * reading the answered ones. `mediations`: a dispute between the merchant (or the customer) and the
 * platform's first finding, both sides' statements and evidence, decided by a platform mediator.
 * `merchant_suggestions`: a merchant's suggestion (建议) from filing to its reported result.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table merchant_verifications (
      id text primary key,
      ticket_no text not null references tickets(ticket_no),
      merchant_id text not null,
      status text not null check (status in ('pending','accepted','disputed','missed','withdrawn')),
      requested_by text not null,
      requested_at timestamptz not null,
      due_at timestamptz not null,
      answered_by text,
      answered_at timestamptz,
      statement text,
      attachment_ids text[] not null default '{}',
      mediation_id text
    );
    create index merchant_verifications_ticket on merchant_verifications (ticket_no);
    create index merchant_verifications_merchant on merchant_verifications (merchant_id, requested_at desc);
    create index merchant_verifications_due on merchant_verifications (due_at) where status = 'pending';
    create sequence mediation_no_seq;
    create table mediations (
      id text primary key,
      ticket_no text not null references tickets(ticket_no),
      merchant_id text not null,
      source text not null check (source in ('merchant_dispute','remedy_dispute')),
      status text not null check (status in ('open','decided')),
      merchant_statement text,
      merchant_evidence text[] not null default '{}',
      customer_statement text not null,
      customer_evidence text[] not null default '{}',
      opened_at timestamptz not null,
      liable text,
      reason text,
      decided_by text,
      decided_at timestamptz
    );
    create index mediations_open on mediations (opened_at) where status = 'open';
    create index mediations_ticket on mediations (ticket_no);
    create sequence suggestion_no_seq;
    create table merchant_suggestions (
      id text primary key,
      merchant_id text not null,
      proposer_id text,
      proposer_name text not null,
      topic text not null,
      details text not null,
      category text not null,
      status text not null check (status in ('submitted','assessed','forwarded','reported')),
      feasibility text,
      value text,
      assessment text,
      assessed_by text,
      assessed_at timestamptz,
      department text,
      forwarded_by text,
      forwarded_at timestamptz,
      result text,
      adopted boolean,
      reported_by text,
      reported_at timestamptz,
      created_at timestamptz not null
    );
    create index merchant_suggestions_merchant on merchant_suggestions (merchant_id, created_at desc);
    create index merchant_suggestions_board on merchant_suggestions (status, created_at desc);
    `,
  );
}
