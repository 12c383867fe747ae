import {
  type ColumnType,
  type Generated,
  type JSONColumnType,
  type Kysely,
  type Selectable,
  sql,
} from "kysely";
import type { Db } from "../../db/database.ts";
import type { Locale } from "../../platform/errors.ts";
import type { ChatState, TranscriptLine } from "./chat.domain.ts";

/**
 * The chat module's own tables (migrations 0015 and 0022). Other modules reach them through these functions only,
 * so their row types live here rather than in the shared schema.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

interface ChatsTable {
  id: string;
  customer_phone: string;
  order_no: string | null;
  business_line: string | null;
  /** The language the customer is spoken to in: whichever process an agent is on words lines in it. */
  customer_locale: Locale;
  state: ChatState;
  unsure_turns: Generated<number>;
  handover_requested_at: Timestamp | null;
  handover_reason: string | null;
  accepted_at: Timestamp | null;
  agent_id: string | null;
  agent_name: string | null;
  ticket_no: string | null;
  created_at: Timestamp;
  closed_at: Timestamp | null;
}

interface ChatMessagesTable {
  id: Generated<string>;
  chat_id: string;
  at: Timestamp;
  sender: TranscriptLine["sender"];
  author: string | null;
  body: string;
  data: JSONColumnType<Record<string, unknown>, string, string>;
}

interface ChatTables {
  chats: ChatsTable;
  chat_messages: ChatMessagesTable;
}

export type ChatRow = Selectable<ChatsTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;

/** Works inside a caller's transaction too: a Kysely transaction is a Kysely. */
const chatDb = (db: Kysely<unknown> | Db) => db as unknown as Kysely<ChatTables>;

export async function openChat(
  db: Db,
  chat: { id: string; phone: string; orderNo: string | null; businessLine: string | null; locale: Locale },
  now: Date,
): Promise<void> {
  await chatDb(db)
    .insertInto("chats")
    .values({
      id: chat.id,
      customer_phone: chat.phone,
      order_no: chat.orderNo,
      business_line: chat.businessLine,
      customer_locale: chat.locale,
      state: "bot",
      created_at: now,
    })
    .execute();
}

export async function appendMessage(
  db: Db,
  chatId: string,
  line: {
    sender: TranscriptLine["sender"];
    author: string | null;
    body: string;
    data?: Record<string, unknown>;
  },
  now: Date,
): Promise<string> {
  const row = await chatDb(db)
    .insertInto("chat_messages")
    .values({
      chat_id: chatId,
      at: now,
      sender: line.sender,
      author: line.author,
      body: line.body,
      data: JSON.stringify(line.data ?? {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return String(row.id);
}

export async function setUnsureTurns(db: Db, chatId: string, unsureTurns: number): Promise<void> {
  await chatDb(db).updateTable("chats").set({ unsure_turns: unsureTurns }).where("id", "=", chatId).execute();
}

/** The bot gives the chat to the queue; false when it is already queued, taken or closed. */
export async function queueForAgent(db: Db, chatId: string, reason: string, now: Date): Promise<boolean> {
  const r = await chatDb(db)
    .updateTable("chats")
    .set({ state: "waiting", handover_requested_at: now, handover_reason: reason })
    .where("id", "=", chatId)
    .where("state", "=", "bot")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One statement decides a race between two agents: only the first finds the chat still waiting. */
export async function acceptChat(
  db: Db,
  chatId: string,
  agent: { id: string; name: string },
  now: Date,
): Promise<ChatRow | undefined> {
  return chatDb(db)
    .updateTable("chats")
    .set({ state: "active", accepted_at: now, agent_id: agent.id, agent_name: agent.name })
    .where("id", "=", chatId)
    .where("state", "=", "waiting")
    .returningAll()
    .executeTakeFirst();
}

/** The customer leaves the queue for a callback: only while no agent has taken the chat meanwhile. */
export async function withdrawWaiting(db: Db, chatId: string, now: Date): Promise<boolean> {
  const r = await chatDb(db)
    .updateTable("chats")
    .set({ state: "closed", closed_at: now })
    .where("id", "=", chatId)
    .where("state", "=", "waiting")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function closeChat(db: Db, chatId: string, now: Date): Promise<void> {
  await chatDb(db)
    .updateTable("chats")
    .set({ state: "closed", closed_at: now })
    .where("id", "=", chatId)
    .where("state", "!=", "closed")
    .execute();
}

export async function linkTicket(db: Kysely<unknown> | Db, chatId: string, ticketNo: string): Promise<void> {
  await chatDb(db).updateTable("chats").set({ ticket_no: ticketNo }).where("id", "=", chatId).execute();
}

export async function findChat(db: Db, chatId: string): Promise<ChatRow | undefined> {
  return chatDb(db).selectFrom("chats").selectAll().where("id", "=", chatId).executeTakeFirst();
}

export async function listChats(
  db: Db,
  filter: { states: readonly ChatState[]; agentId?: string; limit: number },
): Promise<ChatRow[]> {
  let q = chatDb(db)
    .selectFrom("chats")
    .selectAll()
    .where("state", "in", [...filter.states]);
  if (filter.agentId) q = q.where("agent_id", "=", filter.agentId);
  return q.orderBy(sql`coalesce(handover_requested_at, created_at)`).limit(filter.limit).execute();
}

export async function transcriptOf(db: Db, chatId: string): Promise<ChatMessageRow[]> {
  return chatDb(db)
    .selectFrom("chat_messages")
    .selectAll()
    .where("chat_id", "=", chatId)
    .orderBy("id")
    .execute();
}

/** One stored line's text, for a process told of it without the text (too long to travel). */
export async function messageBody(db: Db, messageId: string): Promise<string> {
  const row = await chatDb(db)
    .selectFrom("chat_messages")
    .select("body")
    .where("id", "=", messageId)
    .executeTakeFirstOrThrow();
  return row.body;
}

/** 1 for the first in line. */
export async function placeInLine(db: Db, chatId: string): Promise<number> {
  const row = await chatDb(db)
    .selectFrom("chats as c")
    .innerJoin("chats as me", (j) => j.on("me.id", "=", chatId))
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("c.state", "=", "waiting")
    .whereRef("c.handover_requested_at", "<=", "me.handover_requested_at")
    .executeTakeFirst();
  return Math.max(1, Number(row?.n ?? 1));
}
