import { type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, IncidentsTable, OrderSystemCallsTable } from "../../db/schema.ts";
import { shanghaiDate } from "../../platform/clock.ts";
import type { Actor } from "../tickets/tickets.store.ts";
import type { Complaint, Dimension, IncidentKey } from "./incidents.domain.ts";

/** The incidents module's tables (migration 0009): incidents, their tickets and timeline, the detector's windows. */
type Executor = Db | Transaction<Database>;
export type IncidentRow = Selectable<IncidentsTable>;
export type OrderSystemCallRow = Selectable<OrderSystemCallsTable>;

export const keyOf = (r: IncidentRow): IncidentKey => ({
  ...(r.region !== null ? { region: r.region } : {}),
  ...(r.product_id !== null ? { productId: r.product_id } : {}),
  ...(r.batch_no !== null ? { batchNo: r.batch_no } : {}),
  ...(r.merchant_id !== null ? { merchantId: r.merchant_id } : {}),
});

/**
 * The detector's facts of new tickets in one round trip: the ticket with its order's lines. It reads the
 * tickets and orders tables directly, a read of a batch by primary key, so that detection stays one
 * query per batch of events rather than two lookups per ticket.
 */
export async function complaintsOf(trx: Executor, ticketNos: readonly string[]): Promise<Complaint[]> {
  if (!ticketNos.length) return [];
  const r = await sql<{
    ticket_no: string;
    business_line: string;
    category: string;
    sub_type: string | null;
    region: string;
    merchant_id: string;
    created_at: Date;
    items: { productId: string; batchNo?: string }[] | null;
  }>`
    select t.ticket_no, t.business_line, t.category, t.sub_type, t.region, t.merchant_id, t.created_at, o.items
    from tickets t left join orders o on o.order_no = t.order_no
    where t.ticket_no = any(${[...ticketNos]}::text[]) and t.merged_into is null`.execute(trx);
  return r.rows.map((row) => ({
    ticketNo: row.ticket_no,
    businessLine: row.business_line,
    category: row.category,
    subType: row.sub_type,
    region: row.region,
    merchantId: row.merchant_id,
    items: (row.items ?? []).map((i) => ({ productId: i.productId, batchNo: i.batchNo })),
    at: new Date(row.created_at),
  }));
}

/** The open batch incidents of these families, oldest first: a new complaint joins the first its key matches. */
export async function openBatchIncidents(
  trx: Executor,
  families: readonly { businessLine: string; family: string }[],
): Promise<IncidentRow[]> {
  if (!families.length) return [];
  const r = await sql<IncidentRow>`
    select i.* from incidents i
    join jsonb_to_recordset(${JSON.stringify(families)}::jsonb) as f("businessLine" text, family text)
      on i.business_line = f."businessLine" and i.family = f.family
    where i.status = 'open' and i.kind = 'batch'
    order by i.opened_at, i.id`.execute(trx);
  return r.rows;
}

export interface Signal {
  businessLine: string;
  family: string;
  dimension: Dimension;
  key: string;
  ticketNo: string;
  at: Date;
}

/**
 * Counts complaints under their window keys, all of a batch in one statement. Answers the tickets
 * counted now: a complaint counted before (its signals exist) is not counted twice.
 */
export async function insertSignals(trx: Executor, signals: readonly Signal[]): Promise<Set<string>> {
  if (!signals.length) return new Set();
  const rows = await trx
    .insertInto("incident_signals")
    .values(
      signals.map((s) => ({
        business_line: s.businessLine,
        family: s.family,
        dimension: s.dimension,
        key: s.key,
        ticket_no: s.ticketNo,
        at: s.at,
        incident_id: null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("ticket_no")
    .execute();
  return new Set(rows.map((r) => r.ticket_no));
}

/** One window key to read: its complaints not yet part of an incident in (from, to], at most `limit`. */
export interface WindowRead {
  businessLine: string;
  family: string;
  dimension: Dimension;
  key: string;
  from: Date;
  to: Date;
  limit: number;
}

/**
 * The unexplained complaints of several window keys in one statement, each key read through the partial
 * index of unexplained signals and cut at its `limit`: the caller asks for a few times the threshold
 * (plus the batch's own complaints), so a busy key costs no more than a quiet one.
 */
export async function unexplainedInWindows(
  trx: Executor,
  reads: readonly WindowRead[],
): Promise<{ i: number; ticket_no: string; at: Date }[]> {
  if (!reads.length) return [];
  const r = await sql<{ i: number; ticket_no: string; at: Date }>`
    select w.i, s.ticket_no, s.at
    from jsonb_to_recordset(${JSON.stringify(reads.map((w, i) => ({ ...w, i })))}::jsonb)
      as w(i int, "businessLine" text, family text, dimension text, key text, "from" timestamptz,
        "to" timestamptz, "limit" int)
    cross join lateral (
      select ticket_no, at from incident_signals s
      where s.business_line = w."businessLine" and s.family = w.family and s.dimension = w.dimension
        and s.key = w.key and s.incident_id is null and s.at > w."from" and s.at <= w."to"
      order by s.at desc
      limit w."limit") s`.execute(trx);
  return r.rows.map((row) => ({ ...row, at: new Date(row.at) }));
}

export async function pruneSignals(db: Db, before: Date, limit = 5000): Promise<number> {
  const r = await sql`delete from incident_signals where ctid in (
      select ctid from incident_signals where at < ${before.toISOString()} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Hourly counts older than any baseline can reach; a bounded delete per call, like `pruneSignals`. */
export async function pruneVolume(db: Db, before: Date, limit = 5000): Promise<number> {
  const r = await sql`delete from incident_volume where ctid in (
      select ctid from incident_volume where hour < ${before.toISOString()} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export interface VolumeKey {
  businessLine: string;
  family: string;
  merchantId: string;
}

interface VolumeRow {
  business_line: string;
  family: string;
  merchant_id: string;
  hour: Date;
  count: number;
}

const volumeOf = (row: VolumeRow) => ({
  businessLine: row.business_line,
  family: row.family,
  merchantId: row.merchant_id,
  hour: new Date(row.hour),
  count: Number(row.count),
});

/** Adds a batch's complaints to their hours' counts (one statement) and answers each hour's new count. */
export async function addVolume(
  trx: Executor,
  adds: readonly (VolumeKey & { hour: Date; n: number })[],
): Promise<(VolumeKey & { hour: Date; count: number })[]> {
  if (!adds.length) return [];
  const r = await sql<VolumeRow>`
    insert into incident_volume (business_line, family, merchant_id, hour, count)
    select "businessLine", family, "merchantId", hour, n
    from jsonb_to_recordset(${JSON.stringify(adds)}::jsonb)
      as x("businessLine" text, family text, "merchantId" text, hour timestamptz, n int)
    on conflict (business_line, family, merchant_id, hour) do update set count = incident_volume.count + excluded.count
    returning business_line, family, merchant_id, hour, count`.execute(trx);
  return r.rows.map(volumeOf);
}

/** The counts of these keys at these hours (a baseline); an hour without a row had none. */
export async function volumesAt(
  trx: Executor,
  reads: readonly (VolumeKey & { hours: Date[] })[],
): Promise<(VolumeKey & { hour: Date; count: number })[]> {
  if (!reads.length) return [];
  const r = await sql<VolumeRow>`
    select v.business_line, v.family, v.merchant_id, v.hour, v.count
    from jsonb_to_recordset(${JSON.stringify(reads)}::jsonb)
      as x("businessLine" text, family text, "merchantId" text, hours timestamptz[])
    join incident_volume v on v.business_line = x."businessLine" and v.family = x.family
      and v.merchant_id = x."merchantId" and v.hour = any(x.hours)`.execute(trx);
  return r.rows.map(volumeOf);
}

export interface NewIncident {
  kind: "batch" | "emergency";
  businessLine: string;
  family: string | null;
  dimension: string | null;
  key: IncidentKey;
  reason: string | null;
  openedBy: string;
  progressDueAt: Date | null;
}

/** A new incident, numbered "INC" + the Beijing date + a sequence. */
export async function insertIncident(trx: Executor, n: NewIncident, at: Date): Promise<IncidentRow> {
  const d = shanghaiDate(at);
  const prefix = `INC${d.year}${String(d.month).padStart(2, "0")}${String(d.day).padStart(2, "0")}`;
  const r = await sql<{
    id: string;
  }>`select ${prefix} || lpad(nextval('incident_no_seq')::text, 4, '0') as id`.execute(trx);
  const row: IncidentRow = {
    id: r.rows[0]!.id,
    kind: n.kind,
    status: "open",
    business_line: n.businessLine,
    family: n.family,
    dimension: n.dimension,
    region: n.key.region ?? null,
    product_id: n.key.productId ?? null,
    batch_no: n.key.batchNo ?? null,
    merchant_id: n.key.merchantId ?? null,
    reason: n.reason,
    opened_at: at,
    opened_by: n.openedBy,
    closed_at: null,
    closed_by: null,
    findings: null,
    progress_due_at: n.progressDueAt,
    progress_escalated_at: null,
    updated_at: at,
  };
  await trx.insertInto("incidents").values(row).execute();
  return row;
}

export const findIncident = (db: Executor, id: string) =>
  db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();

export const lockIncident = (trx: Transaction<Database>, id: string) =>
  trx.selectFrom("incidents").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export async function updateIncident(
  trx: Executor,
  id: string,
  patch: Partial<Omit<IncidentRow, "id">>,
): Promise<void> {
  await trx.updateTable("incidents").set(patch).where("id", "=", id).execute();
}

/**
 * Links tickets to an incident and marks their complaints as explained, so they open no second incident.
 * Answers the tickets that were not linked before (the caller records `incident_linked` on them).
 */
export async function linkTickets(
  trx: Executor,
  incidentId: string,
  ticketNos: readonly string[],
  at: Date,
): Promise<string[]> {
  if (!ticketNos.length) return [];
  const linked = await trx
    .insertInto("incident_tickets")
    .values(ticketNos.map((t) => ({ incident_id: incidentId, ticket_no: t, linked_at: at })))
    .onConflict((oc) => oc.doNothing())
    .returning("ticket_no")
    .execute();
  await trx
    .updateTable("incident_signals")
    .set({ incident_id: incidentId })
    .where("ticket_no", "in", [...ticketNos])
    .where("incident_id", "is", null)
    .execute();
  return linked.map((r) => r.ticket_no);
}

/**
 * Links many tickets to their incidents in two statements and marks their complaints explained. Answers
 * the links that are new (the caller records them on both timelines).
 */
export async function linkMany(
  trx: Executor,
  links: readonly { incidentId: string; ticketNo: string }[],
  at: Date,
): Promise<{ incidentId: string; ticketNo: string }[]> {
  if (!links.length) return [];
  const rows = JSON.stringify(links);
  const linked = await sql<{ incident_id: string; ticket_no: string }>`
    insert into incident_tickets (incident_id, ticket_no, linked_at)
    select "incidentId", "ticketNo", ${at.toISOString()}
    from jsonb_to_recordset(${rows}::jsonb) as x("incidentId" text, "ticketNo" text)
    on conflict do nothing
    returning incident_id, ticket_no`.execute(trx);
  await sql`
    update incident_signals s set incident_id = x."incidentId"
    from jsonb_to_recordset(${rows}::jsonb) as x("incidentId" text, "ticketNo" text)
    where s.ticket_no = x."ticketNo" and s.incident_id is null`.execute(trx);
  return linked.rows.map((r) => ({ incidentId: r.incident_id, ticketNo: r.ticket_no }));
}

export async function addIncidentEvents(
  trx: Executor,
  events: readonly { incidentId: string; type: string; data: Record<string, unknown> }[],
  actor: Actor,
  at: Date,
): Promise<void> {
  if (!events.length) return;
  await trx
    .insertInto("incident_events")
    .values(
      events.map((e) => ({
        incident_id: e.incidentId,
        at,
        type: e.type,
        actor: actor.name,
        actor_role: actor.role,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}

export async function addIncidentEvent(
  trx: Executor,
  incidentId: string,
  actor: Actor,
  type: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await trx
    .insertInto("incident_events")
    .values({
      incident_id: incidentId,
      at,
      type,
      actor: actor.name,
      actor_role: actor.role,
      data: JSON.stringify(data),
    })
    .execute();
}

export async function incidentEvents(db: Executor, incidentId: string) {
  return db
    .selectFrom("incident_events")
    .select(["id", "at", "type", "actor", "actor_role", "data"])
    .where("incident_id", "=", incidentId)
    .orderBy("id")
    .execute();
}

export async function incidentTicketNos(db: Executor, incidentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("incident_tickets")
    .select("ticket_no")
    .where("incident_id", "=", incidentId)
    .orderBy("linked_at")
    .orderBy("ticket_no")
    .execute();
  return rows.map((r) => r.ticket_no);
}

/** The linked tickets with what the incident page shows of them (a read of the tickets table by key). */
export async function incidentTicketsDetail(db: Executor, incidentId: string) {
  return db
    .selectFrom("incident_tickets as it")
    .innerJoin("tickets as t", "t.ticket_no", "it.ticket_no")
    .leftJoin("merchants as m", "m.id", "t.merchant_id")
    .select([
      "m.name as merchant_name",
      "t.ticket_no",
      "t.status",
      "t.category",
      "t.sub_type",
      "t.severity",
      "t.region",
      "t.merchant_id",
      "t.order_no",
      "t.customer_phone",
      "t.created_at",
      "it.linked_at",
    ])
    .where("it.incident_id", "=", incidentId)
    .orderBy("it.linked_at")
    .orderBy("t.ticket_no")
    .execute();
}

export interface IncidentFilter {
  status?: "open" | "closed";
  kind?: "batch" | "emergency";
  businessLine?: string;
  limit: number;
  offset: number;
}

/** Incidents newest first, each with its ticket numbers. */
export async function listIncidents(db: Db, f: IncidentFilter) {
  let q = db.selectFrom("incidents as i");
  if (f.status) q = q.where("i.status", "=", f.status);
  if (f.kind) q = q.where("i.kind", "=", f.kind);
  if (f.businessLine) q = q.where("i.business_line", "=", f.businessLine);
  const rows = await q
    .selectAll("i")
    .select(
      sql<string[]>`coalesce((select array_agg(it.ticket_no order by it.linked_at, it.ticket_no)
        from incident_tickets it where it.incident_id = i.id), '{}')`.as("ticket_nos"),
    )
    .orderBy("i.opened_at", "desc")
    .orderBy("i.id", "desc")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const total = await q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The open emergency of a merchant, if one is running. */
export const openEmergencyOf = (trx: Executor, merchantId: string) =>
  trx
    .selectFrom("incidents")
    .selectAll()
    .where("status", "=", "open")
    .where("kind", "=", "emergency")
    .where("merchant_id", "=", merchantId)
    .forUpdate()
    .executeTakeFirst();

/** Emergencies whose public progress is overdue, locked for this process (others skip them). */
export async function claimOverdueProgress(trx: Transaction<Database>, now: Date, limit: number) {
  return trx
    .selectFrom("incidents")
    .selectAll()
    .where("status", "=", "open")
    .where("progress_due_at", "<=", now)
    .where("progress_escalated_at", "is", null)
    .orderBy("progress_due_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** A call to the order system; the same call (same id) is queued once whatever the retries. */
export async function enqueueOrderSystemCall(
  trx: Executor,
  call: { id: string; incidentId: string; action: "suspend_batch" | "suspend_merchant"; payload: object },
  at: Date,
): Promise<boolean> {
  const r = await trx
    .insertInto("order_system_calls")
    .values({
      id: call.id,
      incident_id: call.incidentId,
      action: call.action,
      payload: JSON.stringify(call.payload),
      status: "pending",
      next_attempt_at: at,
      last_error: null,
      created_at: at,
      sent_at: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .execute();
  return r.length > 0;
}

/**
 * Claims due calls: each is leased (its next attempt moved past the lease) and its attempt counted in one
 * statement, so a call whose sender died is tried again after the lease and never by two at once.
 */
export async function claimDueCalls(
  db: Db,
  now: Date,
  leaseSeconds: number,
  limit: number,
): Promise<OrderSystemCallRow[]> {
  const r = await sql<OrderSystemCallRow>`
    update order_system_calls c set attempts = c.attempts + 1,
      next_attempt_at = ${new Date(now.getTime() + leaseSeconds * 1000).toISOString()}
    where c.id in (select id from order_system_calls where status = 'pending' and next_attempt_at <= ${now.toISOString()}
      order by next_attempt_at limit ${limit} for update skip locked)
    returning c.*`.execute(db);
  return r.rows;
}

export async function recordCall(
  db: Executor,
  id: string,
  attempt: number,
  patch: Partial<Pick<OrderSystemCallRow, "status" | "next_attempt_at" | "last_error" | "sent_at">>,
): Promise<void> {
  await db
    .updateTable("order_system_calls")
    .set(patch)
    .where("id", "=", id)
    .where("attempts", "=", attempt)
    .execute();
}

export async function callsOfIncident(db: Executor, incidentId: string) {
  return db
    .selectFrom("order_system_calls")
    .select(["id", "action", "status", "attempts", "last_error", "created_at", "sent_at"])
    .where("incident_id", "=", incidentId)
    .orderBy("created_at")
    .execute();
}

/**
 * The suspensions of open incidents that cover a ticket: its order's batches or its merchant. Intake shows
 * them to agents ("batch suspended"); a suspension ends when its incident closes.
 */
export async function suspensionsCovering(db: Executor, ticketNo: string) {
  const r = await sql<{
    incident_id: string;
    action: "suspend_batch" | "suspend_merchant";
    subject: string;
    at: Date;
  }>`
    select c.incident_id, c.action, coalesce(c.payload ->> 'batchNo', c.payload ->> 'merchantId') as subject,
      c.created_at as at
    from tickets t
    left join orders o on o.order_no = t.order_no
    join order_system_calls c on c.status <> 'dead' and (
      (c.action = 'suspend_merchant' and c.payload ->> 'merchantId' = t.merchant_id)
      or (c.action = 'suspend_batch' and c.payload ->> 'batchNo' in
            (select i ->> 'batchNo' from jsonb_array_elements(coalesce(o.items, '[]'::jsonb)) i)))
    join incidents n on n.id = c.incident_id and n.status = 'open'
    where t.ticket_no = ${ticketNo}
    order by c.created_at`.execute(db);
  return r.rows;
}
