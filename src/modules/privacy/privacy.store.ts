import { type ColumnType, type Generated, type JSONColumnType, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { ticketsOfPhone } from "../tickets/tickets.store.ts";
import { type DataKind, FINISHED_STATUSES, REDACTED } from "./privacy.domain.ts";

/**
 * SQL of the privacy module. Its own tables are typed here (migration 0017) rather than in the shared
 * schema file. Erasure is the one place that writes other modules' tables: it must reach every copy of a
 * person's data in one transaction, and a function per owner would spread one legal duty over ten files.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

type PrivacyTables = {
  privacy_access_log: {
    id: Generated<string>;
    at: Timestamp;
    staff_id: string;
    staff_name: string;
    staff_role: string;
    subject_token: string;
    ticket_no: string | null;
    fields: string[];
    route: string;
  };
  audit_events: {
    id: Generated<string>;
    at: Timestamp;
    actor: string;
    actor_role: string;
    action: string;
    target: string;
    reason: string | null;
    data: JSONColumnType<Record<string, unknown>, string, string>;
  };
  privacy_retention_rules: { data_kind: string; months: number; updated_by: string; updated_at: Timestamp };
  legal_holds: {
    id: string;
    ticket_no: string | null;
    customer_phone: string | null;
    reason: string;
    placed_by: string;
    placed_at: Timestamp;
    released_by: string | null;
    released_at: Timestamp | null;
  };
  privacy_erasures: { ticket_no: string; data_kind: string; at: Timestamp; cause: "retention" | "request" };
  privacy_retention_days: { day: string; started_at: Timestamp; finished_at: Timestamp | null };
};

export type Executor = Db | Transaction<Database>;
const p = (db: Executor) => db.withTables<PrivacyTables>();

// ---- access log

export interface AccessRecord {
  staffId: string;
  staffName: string;
  staffRole: string;
  subjectToken: string;
  ticketNo: string | null;
  fields: string[];
  route: string;
}

export async function insertAccess(db: Executor, records: AccessRecord[], at: Date): Promise<void> {
  if (!records.length) return;
  await p(db)
    .insertInto("privacy_access_log")
    .values(
      records.map((r) => ({
        at,
        staff_id: r.staffId,
        staff_name: r.staffName,
        staff_role: r.staffRole,
        subject_token: r.subjectToken,
        ticket_no: r.ticketNo,
        fields: r.fields,
        route: r.route,
      })),
    )
    .execute();
}

export async function listAccess(
  db: Executor,
  f: { subjectToken?: string; staff?: string; ticketNo?: string; limit: number; offset: number },
) {
  let q = p(db).selectFrom("privacy_access_log");
  if (f.subjectToken) q = q.where("subject_token", "=", f.subjectToken);
  if (f.staff) q = q.where("staff_name", "=", f.staff);
  if (f.ticketNo) q = q.where("ticket_no", "=", f.ticketNo);
  const [items, total] = await Promise.all([
    q.selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

// ---- audit events

export interface AuditEvent {
  actor: string;
  actorRole: string;
  /** Dotted, module first: `users.create`, `privacy.retention_run`, `blacklist.add` … */
  action: string;
  /** What was changed: a username, a pack, a data kind, a ticket number … */
  target: string;
  reason?: string | null;
  data?: Record<string, unknown>;
}

export async function insertAudit(db: Executor, e: AuditEvent, at: Date): Promise<void> {
  await p(db)
    .insertInto("audit_events")
    .values({
      at,
      actor: e.actor,
      actor_role: e.actorRole,
      action: e.action,
      target: e.target,
      reason: e.reason ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

export async function listAudit(
  db: Executor,
  f: { action?: string; actor?: string; target?: string; limit: number; offset: number },
) {
  let q = p(db).selectFrom("audit_events");
  if (f.action)
    q = q.where((eb) => eb.or([eb("action", "=", f.action!), eb("action", "like", `${f.action}.%`)]));
  if (f.actor) q = q.where("actor", "=", f.actor);
  if (f.target) q = q.where("target", "=", f.target);
  const [items, total] = await Promise.all([
    q.selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

// ---- retention rules, holds, the day's claim

export async function retentionOverrides(db: Executor): Promise<Partial<Record<DataKind, number>>> {
  const rows = await p(db).selectFrom("privacy_retention_rules").selectAll().execute();
  return Object.fromEntries(rows.map((r) => [r.data_kind, r.months]));
}

export async function setRetentionOverride(
  db: Executor,
  kind: DataKind,
  months: number | null,
  by: string,
  at: Date,
): Promise<void> {
  if (months === null) {
    await p(db).deleteFrom("privacy_retention_rules").where("data_kind", "=", kind).execute();
    return;
  }
  await p(db)
    .insertInto("privacy_retention_rules")
    .values({ data_kind: kind, months, updated_by: by, updated_at: at })
    .onConflict((oc) => oc.column("data_kind").doUpdateSet({ months, updated_by: by, updated_at: at }))
    .execute();
}

export async function insertHold(
  db: Executor,
  h: { id: string; ticketNo: string | null; phone: string | null; reason: string; by: string },
  at: Date,
): Promise<void> {
  await p(db)
    .insertInto("legal_holds")
    .values({
      id: h.id,
      ticket_no: h.ticketNo,
      customer_phone: h.phone,
      reason: h.reason,
      placed_by: h.by,
      placed_at: at,
    })
    .execute();
}

export const listActiveHolds = (db: Executor) =>
  p(db)
    .selectFrom("legal_holds")
    .selectAll()
    .where("released_at", "is", null)
    .orderBy("placed_at", "desc")
    .execute();

export async function releaseHold(db: Executor, id: string, by: string, at: Date) {
  return p(db)
    .updateTable("legal_holds")
    .set({ released_at: at, released_by: by })
    .where("id", "=", id)
    .where("released_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** The first process to insert the day's row runs that day's retention; the others see it taken. */
export async function claimRetentionDay(db: Executor, day: string, at: Date): Promise<boolean> {
  const r = await p(db)
    .insertInto("privacy_retention_days")
    .values({ day, started_at: at })
    .onConflict((oc) => oc.column("day").doNothing())
    .returning("day")
    .executeTakeFirst();
  return r !== undefined;
}

export async function finishRetentionDay(db: Executor, day: string, at: Date): Promise<void> {
  await p(db).updateTable("privacy_retention_days").set({ finished_at: at }).where("day", "=", day).execute();
}

// ---- what is due, what blocks

export interface ErasureCandidate {
  ticketNo: string;
  businessLine: string;
  customerPhone: string;
  orderNo: string;
  finishedAt: Date;
}

/**
 * Finished tickets of a line closed before the cut-off whose `kind` is not yet erased, leaving out those
 * under a legal hold (of the ticket or its customer) or with an open dispute (mediation). Ordered by
 * ticket number so batches walk the table once.
 */
export async function dueForErasure(
  db: Executor,
  kind: DataKind,
  businessLine: string,
  closedBefore: Date,
  limit: number,
  afterTicketNo = "",
): Promise<ErasureCandidate[]> {
  const rows = await db
    .selectFrom("tickets as t")
    .select([
      "t.ticket_no",
      "t.business_line",
      "t.customer_phone",
      "t.order_no",
      sql<Date>`coalesce(t.closed_at, t.updated_at)`.as("finished_at"),
    ])
    .where("t.business_line", "=", businessLine)
    .where("t.status", "in", [...FINISHED_STATUSES])
    .where(sql<boolean>`coalesce(t.closed_at, t.updated_at) < ${closedBefore}`)
    .where("t.ticket_no", ">", afterTicketNo)
    .where(
      sql<boolean>`not exists (select 1 from privacy_erasures e where e.ticket_no = t.ticket_no and e.data_kind = ${kind})`,
    )
    .where(
      sql<boolean>`not exists (select 1 from legal_holds h where h.released_at is null
        and (h.ticket_no = t.ticket_no or h.customer_phone = t.customer_phone))`,
    )
    .where(
      sql<boolean>`not exists (select 1 from mediations m where m.ticket_no = t.ticket_no and m.status = 'open')`,
    )
    // A blacklist record is evidence in a possible legal case: the customer's data stays while it stands.
    .where(
      sql<boolean>`not exists (select 1 from blacklist b where b.phone = t.customer_phone and b.status = 'active')`,
    )
    .orderBy("t.ticket_no")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ticketNo: r.ticket_no,
    businessLine: r.business_line,
    customerPhone: r.customer_phone,
    orderNo: r.order_no,
    finishedAt: new Date(r.finished_at),
  }));
}

export async function erasureObstacleRows(db: Executor, phone: string, ticketNos: string[]) {
  const ids = ticketNos.length ? ticketNos : ["-"];
  const [holds, listed, remedies, executions, mediations] = await Promise.all([
    p(db)
      .selectFrom("legal_holds")
      .select(["reason", "ticket_no"])
      .where("released_at", "is", null)
      .where((eb) => eb.or([eb("customer_phone", "=", phone), eb("ticket_no", "in", ids)]))
      .execute(),
    sql<{ id: string }>`select id from blacklist where phone = ${phone} and status = 'active'`.execute(db),
    db
      .selectFrom("remedies")
      .select("ticket_no")
      .where("ticket_no", "in", ids)
      .where("status", "=", "pending_approval")
      .execute(),
    db
      .selectFrom("execution_orders")
      .select("ticket_no")
      .where("ticket_no", "in", ids)
      .where("status", "in", ["open", "in_progress"])
      .execute(),
    db
      .selectFrom("mediations")
      .select("ticket_no")
      .where("ticket_no", "in", ids)
      .where("status", "=", "open")
      .execute(),
  ]);
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    legalHolds: [
      ...holds.map((h) => ({ reason: h.reason, ticketNo: h.ticket_no })),
      ...listed.rows.map((b) => ({ reason: `blacklist ${b.id}`, ticketNo: null })),
    ],
    openRemedies: uniq([...remedies, ...executions].map((r) => r.ticket_no)),
    openMediations: uniq(mediations.map((m) => m.ticket_no)),
  };
}

// ---- erasure itself

/** Keys of event data that carry what a person wrote or who they are. */
const PERSONAL_EVENT_KEYS = sql.raw(
  "array['body','text','description','name','customerName','phone','customerPhone','address','comment','note','message','subject','caller','from','email']",
);

async function tableExists(db: Executor, name: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(db);
  return !!r.rows[0]?.t;
}

export interface ErasureTarget {
  ticketNo: string;
  customerPhone: string;
  orderNo: string;
  /** What the phone becomes: the customer's keyed-hash token. */
  token: string;
}

/**
 * Erases one kind of personal data of a batch of tickets and records it, a few set-based statements per
 * batch. Returns the attachment ids whose files the caller deletes after the commit (a rolled-back
 * transaction must not have lost the files).
 */
export async function eraseKind(
  trx: Transaction<Database>,
  kind: DataKind,
  batch: ErasureTarget[],
  cause: "retention" | "request",
  at: Date,
): Promise<string[]> {
  if (!batch.length) return [];
  const nos = batch.map((b) => b.ticketNo);
  const targets = sql`jsonb_to_recordset(${JSON.stringify(
    batch.map((b) => ({
      ticket_no: b.ticketNo,
      order_no: b.orderNo,
      phone: b.customerPhone,
      token: b.token,
    })),
  )}::jsonb) as x(ticket_no text, order_no text, phone text, token text)`;
  let files: string[] = [];
  if (kind === "ticket_personal") {
    await sql`update tickets t set customer_phone = x.token, customer_name = null, description = ${REDACTED},
      details = '{}'::jsonb from ${targets} where t.ticket_no = x.ticket_no`.execute(trx);
    await sql`update orders o set customer_phone = x.token from ${targets}
      where o.order_no = x.order_no and o.customer_phone = x.phone`.execute(trx);
    await sql`update notifications n set recipient = x.token from ${targets}
      where n.ticket_no = x.ticket_no and n.recipient = x.phone`.execute(trx);
    await trx
      .deleteFrom("email_contacts")
      .where(
        "phone",
        "in",
        batch.map((b) => b.customerPhone),
      )
      .execute();
  } else if (kind === "attachments") {
    const rows = await trx.deleteFrom("attachments").where("ticket_no", "in", nos).returning("id").execute();
    files = rows.map((r) => r.id);
  } else if (kind === "message_bodies") {
    await sql`update ticket_events set data = (data - ${PERSONAL_EVENT_KEYS}) || '{"redacted":true}'::jsonb
      where ticket_no in (${sql.join(nos)}) and jsonb_exists_any(data, ${PERSONAL_EVENT_KEYS})`.execute(trx);
    await trx
      .updateTable("notifications")
      .set({ body: REDACTED, subject: null })
      .where("ticket_no", "in", nos)
      .execute();
    await trx.updateTable("surveys").set({ comment: null }).where("ticket_no", "in", nos).execute();
    await trx.updateTable("return_visits").set({ note: null }).where("ticket_no", "in", nos).execute();
    await trx
      .updateTable("inbound_emails")
      .set({ raw: Buffer.alloc(0), sender: null, envelope_from: null, reply: null })
      .where("ticket_no", "in", nos)
      .execute();
    // The chat module may not be installed in every deployment's schema yet.
    if (await tableExists(trx, "chat_messages"))
      await sql`update chat_messages set body = ${REDACTED}, data = '{}'::jsonb
        where chat_id in (select id from chats where ticket_no in (${sql.join(nos)}))`.execute(trx);
  } else {
    await sql`update hotline_calls c set caller_phone = x.token, recording_url = null from ${targets}
      where c.ticket_no = x.ticket_no`.execute(trx);
    await sql`update hotline_call_events set data = '{}'::jsonb
      where call_id in (select call_id from hotline_calls where ticket_no in (${sql.join(nos)}))`.execute(
      trx,
    );
  }
  await p(trx)
    .insertInto("privacy_erasures")
    .values(nos.map((ticket_no) => ({ ticket_no, data_kind: kind, at, cause })))
    .onConflict((oc) => oc.columns(["ticket_no", "data_kind"]).doNothing())
    .execute();
  return files;
}

export const erasuresOf = (db: Executor, ticketNos: string[]) =>
  ticketNos.length
    ? p(db).selectFrom("privacy_erasures").selectAll().where("ticket_no", "in", ticketNos).execute()
    : Promise.resolve([]);

// ---- a subject's own data, for export

export async function subjectRecords(db: Executor, phone: string) {
  const tickets = await ticketsOfPhone(db, phone);
  const nos = tickets.map((t) => t.ticket_no);
  const ids = nos.length ? nos : ["-"];
  const [orders, events, attachments, calls] = await Promise.all([
    db.selectFrom("orders").selectAll().where("customer_phone", "=", phone).orderBy("paid_at").execute(),
    db
      .selectFrom("ticket_events")
      .select(["ticket_no", "at", "type", "data"])
      .where("ticket_no", "in", ids)
      .where("visibility", "=", "customer")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("attachments")
      .select(["id", "ticket_no", "kind", "mime", "size_bytes", "uploaded_at"])
      .where("ticket_no", "in", ids)
      .execute(),
    db
      .selectFrom("hotline_calls")
      .select(["call_id", "started_at", "ended_at", "ticket_no"])
      .where("caller_phone", "=", phone)
      .execute(),
  ]);
  return { tickets, orders, events, attachments, calls };
}
