import { sql } from "kysely";
import type { Db } from "../../../db/database.ts";

/** The inbound mail table and the senders' known phones (migration 0010). */

export interface StoredMail {
  messageId: string;
  receivedAt: Date;
  envelopeFrom: string | null;
  envelopeTo: string;
  raw: Buffer;
}

/** Stores a message as received. Null when a message with that Message-ID is already stored. */
export async function insertInboundMail(db: Db, m: StoredMail): Promise<string | null> {
  const row = await db
    .insertInto("inbound_emails")
    .values({
      message_id: m.messageId,
      received_at: m.receivedAt,
      envelope_from: m.envelopeFrom,
      envelope_to: m.envelopeTo,
      raw: m.raw,
    })
    .onConflict((oc) => oc.column("message_id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? String(row.id) : null;
}

/**
 * Takes one stored message for processing for `leaseSeconds`: a process that dies while holding it
 * leaves it to be taken again once the lease is over, by this process or another.
 */
export async function claimInboundMail(db: Db, id: string, now: Date, leaseSeconds: number) {
  return db
    .updateTable("inbound_emails")
    .set({
      lease_until: new Date(now.getTime() + leaseSeconds * 1000),
      attempts: sql`attempts + 1`,
    })
    .where("id", "=", id)
    .where("status", "=", "received")
    .where((w) => w.or([w("lease_until", "is", null), w("lease_until", "<", now)]))
    .returning(["id", "message_id", "raw", "attempts"])
    .executeTakeFirst();
}

/** Messages not yet processed whose lease (if any) is over: the recovery poller's work. */
export const dueInboundMail = (db: Db, now: Date, limit: number) =>
  db
    .selectFrom("inbound_emails")
    .select("id")
    .where("status", "=", "received")
    .where((w) => w.or([w("lease_until", "is", null), w("lease_until", "<", now)]))
    .orderBy("received_at")
    .limit(limit)
    .execute();

export interface MailOutcome {
  outcome: "ticket" | "thread" | "needs_info" | "ignored";
  sender: string | null;
  ticketNo: string | null;
  missingFields: string[] | null;
  reply: {
    to: string;
    subject: string;
    body: string;
    inReplyTo: string | null;
    ticketNo: string | null;
  } | null;
}

export async function finishInboundMail(db: Db, id: string, o: MailOutcome, now: Date): Promise<void> {
  await db
    .updateTable("inbound_emails")
    .set({
      status: "processed",
      processed_at: now,
      lease_until: null,
      outcome: o.outcome,
      sender: o.sender,
      ticket_no: o.ticketNo,
      missing_fields: o.missingFields,
      reply: o.reply ? JSON.stringify(o.reply) : null,
      reply_status: o.reply ? "pending" : null,
      reply_next_at: o.reply ? now : null,
    })
    .where("id", "=", id)
    .execute();
}

/** A failed attempt: tried again after the back-off, and given up (kept for staff) after `maxAttempts`. */
export async function failInboundMail(
  db: Db,
  id: string,
  error: string,
  retryAt: Date,
  giveUp: boolean,
): Promise<void> {
  await db
    .updateTable("inbound_emails")
    .set({ last_error: error.slice(0, 500), lease_until: retryAt, ...(giveUp ? { status: "failed" } : {}) })
    .where("id", "=", id)
    .execute();
}

/** Earlier stored mails among the ids a reply refers to (our own mail numbers or Message-IDs). */
export async function findEarlierMails(db: Db, ids: { mailIds: string[]; messageIds: string[] }) {
  const mailIds = ids.mailIds.filter((x) => /^\d{1,18}$/.test(x));
  if (!mailIds.length && !ids.messageIds.length) return [];
  return db
    .selectFrom("inbound_emails")
    .select(["id", "message_id", "sender", "outcome", "ticket_no", "raw"])
    .where((w) =>
      w.or([
        ...(mailIds.length ? [w("id", "in", mailIds)] : []),
        ...(ids.messageIds.length ? [w("message_id", "in", ids.messageIds)] : []),
      ]),
    )
    .where("status", "=", "processed")
    .execute();
}

export const findInboundMail = (db: Db, messageId: string) =>
  db
    .selectFrom("inbound_emails")
    .select(["id", "status", "outcome", "ticket_no", "missing_fields", "reply_status"])
    .where("message_id", "=", messageId)
    .executeTakeFirst();

export async function knownPhoneOf(db: Db, email: string): Promise<string | null> {
  const row = await db
    .selectFrom("email_contacts")
    .select("phone")
    .where("email", "=", email)
    .executeTakeFirst();
  return row?.phone ?? null;
}

export async function rememberPhone(db: Db, email: string, phone: string, now: Date): Promise<void> {
  await db
    .insertInto("email_contacts")
    .values({ email, phone, updated_at: now })
    .onConflict((oc) => oc.column("email").doUpdateSet({ phone, updated_at: now }))
    .execute();
}

/** Automatic replies waiting to go out (or to be tried again). */
export const dueReplies = (db: Db, now: Date, limit: number) =>
  db
    .selectFrom("inbound_emails")
    .select("id")
    .where("reply_status", "=", "pending")
    .where("reply_next_at", "<=", now)
    .orderBy("reply_next_at")
    .limit(limit)
    .execute();

/** Takes one due reply for sending, pushing its next try past the lease so no other process sends it meanwhile. */
export const claimReply = (db: Db, id: string, now: Date, leaseSeconds: number) =>
  db
    .updateTable("inbound_emails")
    .set({ reply_next_at: new Date(now.getTime() + leaseSeconds * 1000) })
    .where("id", "=", id)
    .where("reply_status", "=", "pending")
    .where("reply_next_at", "<=", now)
    .returning(["id", "reply", "reply_attempts"])
    .executeTakeFirst();

export async function recordReply(
  db: Db,
  id: string,
  result: { sent: true; reference: string | null } | { sent: false; retryAt: Date | null; error: string },
): Promise<void> {
  await db
    .updateTable("inbound_emails")
    .set(
      result.sent
        ? { reply_status: "sent", reply_reference: result.reference, reply_next_at: null }
        : {
            reply_status: result.retryAt ? "pending" : "failed",
            reply_next_at: result.retryAt,
            last_error: result.error.slice(0, 500),
            reply_attempts: sql`reply_attempts + 1`,
          },
    )
    .where("id", "=", id)
    .execute();
}
