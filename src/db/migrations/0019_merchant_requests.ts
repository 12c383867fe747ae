import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Merchant requests (商家工单): a merchant's own question or complaint to the merchant-service team —
 * platform rules, order processing, delivery problems, refunds, store set-up, menu listing, campaigns,
 * complaints about the platform. They follow the ticket lifecycle with their own deadlines: the first answer
 * within seconds on chat and phone, minutes on messages, and a resolution promise per category.
 *
 * `merchant_request_events` is the request's whole history, messages included (type `message`, with
 * `internal` for staff notes the merchant never sees). The two partial indexes hold only the requests
 * whose next deadline can still escalate, so the deadline job reads the due ones, not the table.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create sequence merchant_request_no_seq;
    create table merchant_requests (
      request_no text primary key,
      merchant_id text not null,
      requester_id text,
      requester_name text not null,
      channel text not null check (channel in ('chat','message','phone')),
      category text not null,
      category_source text not null check (category_source in ('merchant','rules')),
      subject text not null,
      body text not null,
      order_no text,
      occurred_at timestamptz,
      department text,
      status text not null,
      assignee_id text references users(id),
      assignee_name text,
      escalation_level smallint not null default 0,
      first_response_due_at timestamptz not null,
      resolution_due_at timestamptz not null,
      first_responded_at timestamptz,
      resolved_at timestamptz,
      closed_at timestamptz,
      satisfaction smallint check (satisfaction between 1 and 5),
      reopen_count integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index merchant_requests_merchant on merchant_requests (merchant_id, created_at desc);
    create index merchant_requests_queue on merchant_requests (status, created_at);
    create index merchant_requests_first_due on merchant_requests (first_response_due_at)
      where first_responded_at is null and escalation_level < 1;
    create index merchant_requests_resolution_due on merchant_requests (resolution_due_at)
      where resolved_at is null and escalation_level < 2;
    create table merchant_request_events (
      id bigint generated always as identity primary key,
      request_no text not null references merchant_requests(request_no),
      at timestamptz not null,
      type text not null,
      actor text not null,
      internal boolean not null default false,
      data jsonb not null default '{}'
    );
    create index merchant_request_events_request on merchant_request_events (request_no, id);
    `,
  );
}
