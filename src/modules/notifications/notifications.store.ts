import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, NotificationsTable } from "../../db/schema.ts";
import { groupCommit } from "../../platform/batcher.ts";
import type { Template } from "./templates.domain.ts";

/** The notifications module's tables: every notice and its delivery, and the admins' templates. */
export type NoticeRow = Selectable<NotificationsTable>;
/** A notice as the writer makes it; the delivery columns (attempts, errors…) start empty. */
export type NewNotice = Pick<
  Insertable<NotificationsTable>,
  | "ticket_no"
  | "business_line"
  | "event_id"
  | "kind"
  | "audience"
  | "channel"
  | "recipient"
  | "locale"
  | "subject"
  | "body"
  | "urgent"
  | "status"
  | "provider"
  | "max_attempts"
  | "next_attempt_at"
  | "held_until"
  | "created_at"
  | "sent_at"
>;

/**
 * Inserts notices; one an event already gave on the same channel to the same recipient is skipped.
 * The rows travel as one JSON parameter: the statement's text is the same for any number of rows, so it
 * is prepared once, and neither Kysely nor the driver handles thousands of separate parameters. `json`,
 * not `jsonb`: read once, the text needs no conversion to the binary form (several times the cost).
 */
export async function insertNotices(trx: Transaction<Database>, rows: NewNotice[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await sql`
    insert into notifications (ticket_no, business_line, event_id, kind, audience, channel, recipient, locale,
      subject, body, urgent, status, provider, max_attempts, next_attempt_at, held_until, created_at, sent_at)
    select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(ticket_no text, business_line text,
      event_id bigint, kind text, audience text, channel text, recipient text, locale text, subject text,
      body text, urgent boolean, status text, provider text, max_attempts int, next_attempt_at timestamptz,
      held_until timestamptz, created_at timestamptz, sent_at timestamptz)
    on conflict (event_id, channel, recipient) do nothing`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

/** What the sender needs of a claimed notice. */
export interface ClaimedNotice {
  id: string;
  ticket_no: string;
  business_line: string;
  kind: string;
  channel: NoticeRow["channel"];
  recipient: string;
  subject: string | null;
  body: string;
  urgent: boolean;
  /** Counting this claim: the outcome is recorded only while it is still the notice's latest. */
  attempts: number;
}

/**
 * Claims notices due now: each claimed row is locked (other processes skip it), its attempt counted and
 * its next try moved a lease ahead, so a process that dies mid-send leaves it to be tried again.
 *
 * The due notices are read along the `notifications_due` index in its own order, so a page costs its
 * own rows even with a long backlog due at the same moment (a tie-break on the id would sort every one
 * of them first); the ids then reach the rows by primary key rather than by a join over the table.
 */
export async function claimDueNotices(
  db: Db,
  now: Date,
  leaseSeconds: number,
  limit: number,
): Promise<ClaimedNotice[]> {
  const r = await sql<ClaimedNotice>`
    update notifications set attempts = attempts + 1,
      next_attempt_at = ${new Date(now.getTime() + leaseSeconds * 1000).toISOString()}::timestamptz
    where id = any(array(
      select id from notifications
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at
      limit ${limit}
      for update skip locked))
    returning id::text as id, ticket_no, business_line, kind, channel, recipient, subject, body, urgent,
      attempts`.execute(db);
  return r.rows;
}

/**
 * How one attempt ended: sent (with the provider's reference), to be tried again at `nextAttemptAt`
 * (null: only when staff retry it), or dead-lettered. `attempts` is the claim's, so a late outcome of a
 * claim that has since expired and been claimed again is ignored.
 */
export type Outcome = { id: string; attempts: number; provider: string | null; at: Date } & (
  | { status: "sent"; reference: string | null }
  | { status: "pending"; error: string; nextAttemptAt: Date | null }
  | { status: "dead"; error: string }
);

/**
 * Records how attempts ended. Outcomes arriving together are recorded in one statement (group commit,
 * platform/batcher.ts): a page of deliveries costs one update, not one per notice.
 */
export const recordOutcome = (db: Db, outcome: Outcome): Promise<void> => groupedOutcomes(db, outcome);

const groupedOutcomes = groupCommit(async (db: Db, batch: Outcome[]) => {
  const rows = JSON.stringify(
    batch.map((o) => ({
      id: o.id,
      attempts: o.attempts,
      status: o.status,
      provider: o.provider,
      at: o.at,
      reference: o.status === "sent" ? o.reference : null,
      next_attempt_at: o.status === "pending" ? o.nextAttemptAt : null,
      error: o.status === "sent" ? null : o.error,
    })),
  );
  // The `any` over the ids lets the planner find the rows by primary key rather than by a join.
  await sql`
    update notifications n set status = o.status, provider = o.provider, next_attempt_at = o.next_attempt_at,
      last_error = o.error,
      provider_ref = case when o.status = 'sent' then o.reference else n.provider_ref end,
      sent_at = case when o.status = 'sent' then o.at else n.sent_at end,
      dead_at = case when o.status = 'dead' then o.at else n.dead_at end
    from json_to_recordset(${rows}::json) as o(id bigint, attempts int, status text, provider text,
      at timestamptz, reference text, next_attempt_at timestamptz, error text)
    where n.id = o.id and n.attempts = o.attempts and n.status = 'pending'
      and n.id = any(${batch.map((o) => o.id)}::bigint[])`.execute(db);
  return batch.map(() => undefined);
}, 200);

/**
 * Gives back claimed notices that were never handed to their channel: the claim's attempt is not
 * counted and they are due again at `at`.
 */
export async function releaseClaims(db: Db, claims: { id: string; attempts: number }[], at: Date) {
  if (!claims.length) return;
  const ids = claims.map((c) => c.id);
  await sql`
    update notifications n set attempts = n.attempts - 1, next_attempt_at = ${at.toISOString()}::timestamptz
    from unnest(${ids}::bigint[], ${claims.map((c) => c.attempts)}::int[]) as c(id, attempts)
    where n.id = c.id and n.attempts = c.attempts and n.status = 'pending'
      and n.id = any(${ids}::bigint[])`.execute(db);
}

export async function noticesOfTicket(db: Db, ticketNo: string, customerInApp = false) {
  let q = db.selectFrom("notifications").selectAll().where("ticket_no", "=", ticketNo);
  if (customerInApp) q = q.where("channel", "=", "in_app").where("audience", "=", "customer");
  return q.orderBy("id").limit(500).execute();
}

export async function deadNotices(db: Db, limit: number, before?: string) {
  let q = db.selectFrom("notifications").selectAll().where("status", "=", "dead");
  if (before) q = q.where("id", "<", before);
  const items = await q.orderBy("id", "desc").limit(limit).execute();
  const total = await db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "=", "dead")
    .executeTakeFirstOrThrow();
  return { items, total: Number(total.n) };
}

export const findNotice = (db: Db, id: string) =>
  db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirst();

/** Puts a dead notice back in line, with fresh attempts; answers it, or undefined when it is not dead. */
export async function requeueNotice(db: Db, id: string, nextAttemptAt: Date, by: string) {
  return db
    .updateTable("notifications")
    .set({
      status: "pending",
      attempts: 0,
      next_attempt_at: nextAttemptAt,
      dead_at: null,
      retried_by: by,
    })
    .where("id", "=", id)
    .where("status", "=", "dead")
    .returningAll()
    .executeTakeFirst();
}

export async function customTemplates(db: Db | Transaction<Database>): Promise<Map<string, Template>> {
  const rows = await db.selectFrom("notification_templates").selectAll().execute();
  return new Map(
    rows.map((r) => [
      `${r.business_line}|${r.channel}|${r.locale}|${r.kind}`,
      { subject: r.subject, body: r.body },
    ]),
  );
}

export async function findCustomTemplate(
  db: Db,
  key: { businessLine: string; channel: string; locale: string; kind: string },
) {
  return db
    .selectFrom("notification_templates")
    .selectAll()
    .where("business_line", "=", key.businessLine)
    .where("channel", "=", key.channel)
    .where("locale", "=", key.locale)
    .where("kind", "=", key.kind)
    .executeTakeFirst();
}

/** Saves an admin's template; the version counts the edits of that key. */
export async function saveTemplate(
  db: Db,
  key: { businessLine: string; channel: string; locale: string; kind: string },
  t: Template,
  by: string,
  at: Date,
) {
  return db
    .insertInto("notification_templates")
    .values({
      business_line: key.businessLine,
      channel: key.channel,
      locale: key.locale,
      kind: key.kind,
      subject: t.subject,
      body: t.body,
      version: 1,
      updated_by: by,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.columns(["business_line", "channel", "locale", "kind"]).doUpdateSet((eb) => ({
        subject: eb.ref("excluded.subject"),
        body: eb.ref("excluded.body"),
        version: sql`notification_templates.version + 1`,
        updated_by: eb.ref("excluded.updated_by"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
