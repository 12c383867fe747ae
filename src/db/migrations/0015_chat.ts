import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Live chat (在线客服). `chats`: one conversation of a customer on the H5 widget, from the bot's first
 * answer through the hand-over to an agent; `handover_requested_at` → `accepted_at` is the hand-over time
 * the 30-second promise is measured by. `chat_messages`: the transcript, written before the sender gets
 * its acknowledgement, so an acknowledged line survives a crash. A partial index finds the waiting queue.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table chats (
      id text primary key,
      customer_phone text not null,
      order_no text,
      business_line text,
      state text not null check (state in ('bot','waiting','active','closed')),
      unsure_turns integer not null default 0,
      handover_requested_at timestamptz,
      handover_reason text,
      accepted_at timestamptz,
      agent_id text,
      agent_name text,
      ticket_no text references tickets(ticket_no),
      created_at timestamptz not null,
      closed_at timestamptz
    );
    create index chats_waiting on chats (handover_requested_at) where state = 'waiting';
    create index chats_agent on chats (agent_id, created_at desc);
    create index chats_phone on chats (customer_phone, created_at desc);
    create table chat_messages (
      id bigserial primary key,
      chat_id text not null references chats(id),
      at timestamptz not null,
      sender text not null check (sender in ('customer','bot','agent','system')),
      author text,
      body text not null,
      data jsonb not null default '{}'
    );
    create index chat_messages_chat on chat_messages (chat_id, id);
    `,
  );
}
