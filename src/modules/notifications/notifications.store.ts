import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, NotificationsTable } from "../../db/schema.ts";
import { groupCommit } from "../../platform/batcher.ts";
import type { Template } from "./templates.domain.ts";

/** The notifications module's tables: every notice and its delivery, and the admins' templates. */
export type NoticeRow = Selectable<NotificationsTable>;
export type NewNotice = Insertable<NotificationsTable>;

/** Inserts notices; one an event already gave on the same channel to the same recipient is skipped. */
export async function insertNotices(trx: Transaction<Database>, rows: NewNotice[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await trx
    .insertInto("notifications")
    .values(rows)
    .onConflict((oc) => oc.columns(["event_id", "channel", "recipient"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Claims notices due now: each claimed row is locked (other processes skip it), its attempt counted and
 * its next try moved a lease ahead, so a process that dies mid-send leaves it to be tried again.
 */
export async function claimDueNotices(db: Db, now: Date, leaseSeconds: number, limit: number) {
  const r = await sql<NoticeRow>`
    update notifications n set attempts = n.attempts + 1,
      next_attempt_at = ${new Date(now.getTime() + leaseSeconds * 1000).toISOString()}::timestamptz
    from (
      select id from notifications
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    ) due
    where n.id = due.id
    returning n.*`.execute(db);
  return r.rows.map((row) => ({ ...row, id: String(row.id), event_id: String(row.event_id) }));
}

/** Records how an attempt ended; only the claim that is still current may write (a late one is ignored). */
export async function recordAttempt(
  db: Db,
  id: string,
  attempts: number,
  patch: Partial<
    Pick<
      NoticeRow,
      | "status"
      | "provider"
      | "provider_ref"
      | "next_attempt_at"
      | "held_until"
      | "last_error"
      | "sent_at"
      | "dead_at"
    >
  >,
): Promise<void> {
  await db
    .updateTable("notifications")
    .set(patch)
    .where("id", "=", id)
    .where("attempts", "=", attempts)
    .where("status", "=", "pending")
    .execute();
}

/**
 * Records a delivered notice. Deliveries finishing together are recorded in one statement (group commit,
 * platform/batcher.ts): a burst of acknowledgements costs one update, not one per notice.
 */
export const recordSent = (db: Db, sent: Sent): Promise<void> => groupedSent(db, sent);

type Sent = { id: string; attempts: number; provider: string; reference: string | null; at: Date };

const groupedSent = groupCommit(async (db: Db, batch: Sent[]) => {
  const rows = JSON.stringify(batch.map((s) => ({ ...s, id: String(s.id), at: s.at.toISOString() })));
  await sql`
    update notifications n set status = 'sent', provider = s.provider, provider_ref = s.reference,
      sent_at = s.at, next_attempt_at = null, last_error = null
    from jsonb_to_recordset(${rows}::jsonb) as s(id bigint, attempts int, provider text, reference text, at timestamptz)
    where n.id = s.id and n.attempts = s.attempts and n.status = 'pending'
      and n.id = any(${batch.map((s) => String(s.id))}::bigint[])`.execute(db);
  return batch.map(() => undefined);
}, 100);

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
