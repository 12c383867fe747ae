import { type RawBuilder, type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, TicketsTable } from "../../db/schema.ts";
import { groupCommit } from "../../platform/batcher.ts";
import { shanghaiDate } from "../../platform/clock.ts";
import type { TicketDraft } from "../intake/intake.domain.ts";
import {
  clockRecords,
  hasBrokenRunningClock,
  hasClockDueSoon,
  insertClocksOf,
  nearestRunningDeadline,
} from "../sla/sla.store.ts";
import type { QueueSearch } from "./search.domain.ts";

export type TicketRow = Selectable<TicketsTable>;

export interface Actor {
  id: string | null;
  name: string;
  role: string;
}

export interface NewEvent {
  type: string;
  visibility: "customer" | "internal";
  data?: Record<string, unknown>;
  channel?: string | null;
}

/** "FD" + the Shanghai date + a sequence: readable on the phone, unique across all processes. */
export function ticketNoPrefix(linePrefix: string, at: Date): string {
  const d = shanghaiDate(at);
  return `${linePrefix}${d.year}${String(d.month).padStart(2, "0")}${String(d.day).padStart(2, "0")}`;
}

/** One request to store, as intake decided it. */
export interface NewTicket {
  draft: TicketDraft;
  actor: Actor;
  idempotency: { key: string; requestHash: string } | null;
  eventData: Record<string, unknown>;
}

/**
 * Stores a decided request: number, idempotency key, ticket, its first event, its SLA clocks and the
 * attachment links commit together or not at all. Returns null when the idempotency key was already used
 * (the caller then answers the earlier ticket). Requests arriving together share one statement
 * (`insertTickets`, group commit): the answer still comes only once this request's rows are committed.
 */
export const insertTicket = (db: Db, t: NewTicket): Promise<string | null> => groupedInsert(db, t);

const groupedInsert = groupCommit(insertTickets);

const TICKET_RECORD = sql.raw(
  `i int, key text, hash text, prefix text, business_line text, pack_version text, channel text,
   customer_phone text, customer_name text, order_no text, merchant_id text, rider_id text, region text,
   category text, sub_type text, category_source text, severity text, priority int, urgent boolean,
   queue text, description text, expected_resolution text, occurred_at timestamptz, details jsonb,
   evidence_awaited boolean, first_response_due_at timestamptz, resolution_due_at timestamptz,
   received_at timestamptz, actor_name text, actor_role text, event jsonb, clocks jsonb,
   attachment_ids jsonb`,
);

/**
 * The hot path of intake: any number of requests in one statement and one round trip, whatever the
 * batch size the same text (so it is prepared once per connection). Each request's ticket exists only if
 * its idempotency key was new; the answer is the ticket number per request, in order, or null.
 */
export async function insertTickets(db: Db, batch: readonly NewTicket[]): Promise<(string | null)[]> {
  const rows = batch.map(({ draft: d, actor, idempotency, eventData }, i) => ({
    i,
    key: idempotency?.key ?? null,
    hash: idempotency?.requestHash ?? null,
    prefix: ticketNoPrefix(d.ticketPrefix, d.receivedAt),
    business_line: d.businessLine,
    pack_version: d.packVersion,
    channel: d.channel,
    customer_phone: d.customerPhone,
    customer_name: d.customerName,
    order_no: d.orderNo,
    merchant_id: d.merchantId,
    rider_id: d.riderId,
    region: d.region,
    category: d.category,
    sub_type: d.subType,
    category_source: d.categorySource,
    severity: d.severity,
    priority: d.priority,
    urgent: d.urgent,
    queue: d.queue,
    description: d.description,
    expected_resolution: d.expectedResolution,
    occurred_at: d.occurredAt?.toISOString() ?? null,
    details: d.details,
    evidence_awaited: d.evidenceAwaited,
    first_response_due_at: d.firstResponseDueAt.toISOString(),
    resolution_due_at: d.resolutionDueAt.toISOString(),
    received_at: d.receivedAt.toISOString(),
    actor_name: actor.name,
    actor_role: actor.role,
    event: eventData,
    clocks: clockRecords(d.clocks),
    attachment_ids: d.attachmentIds,
  }));
  // Numbers are drawn in request order (`order by i`), so tickets of one batch number as they queued.
  const result = await sql<{ i: number; ticket_no: string }>`
    with x as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${TICKET_RECORD})),
    n as materialized (
      select i, key, hash, received_at, prefix || lpad(nextval('ticket_no_seq')::text, 6, '0') as no
      from (select * from x order by i) ordered
    ),
    k as (
      insert into idempotency_keys (key, request_hash, ticket_no, created_at)
      select key, hash, no, received_at from n where key is not null
      on conflict (key) do nothing returning ticket_no
    ),
    b as (
      select x.*, n.no as ticket_no from n join x using (i)
      where n.key is null or n.no in (select ticket_no from k)
    ),
    t as (
      insert into tickets (ticket_no, business_line, pack_version, channel, customer_phone, customer_name, order_no,
        merchant_id, rider_id, region, category, sub_type, category_source, severity, priority, urgent, queue, status,
        description, expected_resolution, occurred_at, details, evidence_awaited, first_response_due_at,
        resolution_due_at, created_at, updated_at)
      select ticket_no, business_line, pack_version, channel, customer_phone, customer_name, order_no,
        merchant_id, rider_id, region, category, sub_type, category_source, severity, priority, urgent, queue, 'new',
        description, expected_resolution, occurred_at, details, evidence_awaited, first_response_due_at,
        resolution_due_at, received_at, received_at
      from b order by i
      returning ticket_no
    ),
    e as (
      insert into ticket_events (ticket_no, at, type, actor, actor_role, channel, visibility, data)
      select ticket_no, received_at, 'received', actor_name, actor_role, channel, 'customer', event
      from b order by i
    ),
    c as (${insertClocksOf("b")}),
    a as (
      update attachments set ticket_no = b.ticket_no
      from b cross join jsonb_array_elements_text(b.attachment_ids) as wanted(id)
      where attachments.id = wanted.id and attachments.ticket_no is null
        -- As a list the planner can see, so it looks the ids up instead of reading every attachment.
        and attachments.id = any(${batch.flatMap((t) => t.draft.attachmentIds)}::text[])
    )
    -- The references between these rows are checked when the statement ends, after every clause ran.
    select i, ticket_no from b`.execute(db);
  const numbers: (string | null)[] = batch.map(() => null);
  for (const r of result.rows) numbers[r.i] = r.ticket_no;
  return numbers;
}

export async function findIdempotencyKey(db: Db, key: string) {
  return db
    .selectFrom("idempotency_keys")
    .select(["request_hash", "ticket_no"])
    .where("key", "=", key)
    .executeTakeFirst();
}

export async function findTicket(
  db: Db | Transaction<Database>,
  ticketNo: string,
): Promise<TicketRow | undefined> {
  return db.selectFrom("tickets").selectAll().where("ticket_no", "=", ticketNo).executeTakeFirst();
}

/** Several tickets by number, in one read (an outbox consumer's page). */
export async function findTickets(
  db: Db | Transaction<Database>,
  ticketNos: readonly string[],
): Promise<TicketRow[]> {
  if (!ticketNos.length) return [];
  return db
    .selectFrom("tickets")
    .selectAll()
    .where(sql<boolean>`ticket_no = any(${[...ticketNos]}::text[])`)
    .execute();
}

/**
 * Ticket locks are `for no key update`, not `for update`: no command changes a ticket number, and a
 * stronger lock would block the key checks of rows that point at the ticket. Those checks take a key
 * share lock on the ticket pointed at: a merged ticket's `merged_into` is checked again whenever the
 * ticket is updated twice in one transaction (a status, then its deadlines). A command on a merged ticket
 * then waited for its merge target while holding the merged ticket, and a merge of the two, holding the
 * target and waiting for the other, made a deadlock (a 500).
 */
export async function lockTicket(
  trx: Transaction<Database>,
  ticketNo: string,
): Promise<TicketRow | undefined> {
  return trx
    .selectFrom("tickets")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** Locks several tickets in ticket-number order (the order every multi-ticket writer uses). */
export async function lockTickets(
  trx: Transaction<Database>,
  ticketNos: readonly string[],
): Promise<Pick<TicketRow, "ticket_no" | "business_line">[]> {
  if (!ticketNos.length) return [];
  return trx
    .selectFrom("tickets")
    .select(["ticket_no", "business_line"])
    .where("ticket_no", "in", [...ticketNos])
    .orderBy("ticket_no")
    .forNoKeyUpdate()
    .execute();
}

export async function listEvents(db: Db, ticketNo: string, visibility?: "customer") {
  let q = db
    .selectFrom("ticket_events")
    .select(["id", "type", "at", "actor", "actor_role", "channel", "visibility", "data"])
    .where("ticket_no", "=", ticketNo);
  if (visibility) q = q.where("visibility", "=", visibility);
  return q.orderBy("id").execute();
}

/** Every change to a ticket goes through here: the update and its event commit together. */
export async function changeTicket(
  trx: Transaction<Database>,
  ticketNo: string,
  patch: Partial<Omit<TicketRow, "ticket_no" | "details">> & { details?: Record<string, unknown> },
  actor: Actor,
  event: NewEvent,
  at: Date,
): Promise<void> {
  const { details, ...rest } = patch;
  await trx
    .updateTable("tickets")
    .set({ ...rest, ...(details ? { details: JSON.stringify(details) } : {}), updated_at: at })
    .where("ticket_no", "=", ticketNo)
    .execute();
  await appendEvent(trx, ticketNo, actor, event, at);
}

/** The latest reply to the customer written after `since` by someone other than `actor`, if any. */
export async function replyByOtherSince(
  trx: Transaction<Database>,
  ticketNo: string,
  actor: string,
  since: Date,
): Promise<{ actor: string; at: Date; body: string } | undefined> {
  const row = await trx
    .selectFrom("ticket_events")
    .select(["actor", "at", sql<string>`data->>'body'`.as("body")])
    .where("ticket_no", "=", ticketNo)
    .where("type", "=", "reply")
    .where("actor", "<>", actor)
    .where("at", ">", since)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row;
}

export async function appendEvent(
  trx: Transaction<Database> | Db,
  ticketNo: string,
  actor: Actor,
  event: NewEvent,
  at: Date,
): Promise<void> {
  await trx
    .insertInto("ticket_events")
    .values({
      ticket_no: ticketNo,
      at,
      type: event.type,
      actor: actor.name,
      actor_role: actor.role,
      channel: event.channel ?? null,
      visibility: event.visibility,
      data: JSON.stringify(event.data ?? {}),
    })
    .execute();
}

/** The deadlines ticket rows carry, kept in step with their SLA clocks in the same transaction. */
export async function setTicketDeadlines(
  trx: Transaction<Database>,
  rows: readonly { ticketNo: string; firstResponseDueAt?: Date; resolutionDueAt?: Date }[],
): Promise<void> {
  const changes = rows
    .filter((r) => r.firstResponseDueAt || r.resolutionDueAt)
    .map((r) => ({
      ticketNo: r.ticketNo,
      first: r.firstResponseDueAt?.toISOString() ?? null,
      resolution: r.resolutionDueAt?.toISOString() ?? null,
    }));
  if (!changes.length) return;
  await sql`
    update tickets t set
      first_response_due_at = coalesce(x.first, t.first_response_due_at),
      resolution_due_at = coalesce(x.resolution, t.resolution_due_at)
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
      as x("ticketNo" text, first timestamptz, resolution timestamptz)
    where t.ticket_no = x."ticketNo"`.execute(trx);
}

/**
 * Tickets re-routed by escalation, as a clause of the SLA engine's one write statement per tick
 * (`t as (${escalationUpdate(…)})`). A ticket already at that level or above is left as it is.
 */
export function escalationUpdate(
  rows: readonly { ticketNo: string; level: number; queue: string }[],
  at: Date,
): RawBuilder<unknown> {
  return sql`update tickets t set escalation_level = x.level, queue = x.queue, updated_at = ${at.toISOString()}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x("ticketNo" text, level int, queue text)
    where t.ticket_no = x."ticketNo" and t.escalation_level < x.level`;
}

/** Events of many tickets, as a clause of one statement (`e as (${eventsInsert(…)})`). */
export function eventsInsert(
  events: readonly (NewEvent & { ticketNo: string })[],
  actor: Actor,
  at: Date,
): RawBuilder<unknown> {
  const rows = events.map((e) => ({
    ticket_no: e.ticketNo,
    type: e.type,
    channel: e.channel ?? null,
    visibility: e.visibility,
    data: e.data ?? {},
  }));
  return sql`insert into ticket_events (ticket_no, at, type, actor, actor_role, channel, visibility, data)
    select ticket_no, ${at.toISOString()}, type, ${actor.name}, ${actor.role}, channel, visibility, data
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(ticket_no text, type text, channel text, visibility text, data jsonb)`;
}

export interface QueueFilter {
  status?: string[];
  channel?: string;
  businessLine?: string;
  category?: string;
  severity?: string;
  queue?: string;
  assigneeId?: string | null;
  merchantIds?: string[];
  riderId?: string;
  /** At least this escalation level (1: with a supervisor or above). */
  minEscalationLevel?: number;
  escalationLevel?: number;
  /** A running clock is inside its reminder window at this instant (not yet broken). */
  clockDueSoonAt?: Date;
  /** A running clock's deadline has passed at this instant. */
  clockBrokenAt?: Date;
  /** A customer's phone, exactly (normalised): all of that customer's tickets. */
  phone?: string;
  orderNo?: string;
  /** The search box: a ticket or order number, words of the description, or (`phone`) a caller's number. */
  search?: QueueSearch;
  limit: number;
  offset: number;
  /** deadline_asc: nearest running clock first (for the few rows of the due-soon and breached views). */
  sort: "created_desc" | "created_asc" | "due_asc" | "priority" | "deadline_asc";
}

/**
 * Beyond this many matching tickets a list's total is "more than this many" (`totalExact` false), as
 * GitLab's lists say "1,000+": counting costs a little per row, and every queue read and view tab counts.
 * Exact totals over 200,000 open tickets cost PostgreSQL ~45 ms of both cores per queue read; on PGlite a
 * count of 10,000 cost 7.5 ms, a tenth of its one thread in the soak's mix. The exact backlog is in
 * /metrics (`aftersale_open_tickets_by_status`) and the reports.
 */
export const LIST_COUNT_CAP = 1_000;

export interface TicketPage {
  items: TicketRow[];
  /** Every matching ticket, up to `LIST_COUNT_CAP`. */
  total: number;
  /** False when more than `LIST_COUNT_CAP` match: `total` is then the cap. */
  totalExact: boolean;
}

export async function listTickets(db: Db, f: QueueFilter, countCap = LIST_COUNT_CAP): Promise<TicketPage> {
  let q = db.selectFrom("tickets");
  if (f.status?.length) q = q.where("status", "in", f.status);
  if (f.channel) q = q.where("channel", "=", f.channel);
  if (f.businessLine) q = q.where("business_line", "=", f.businessLine);
  if (f.category) q = q.where("category", "=", f.category);
  if (f.severity) q = q.where("severity", "=", f.severity);
  if (f.queue) q = q.where("queue", "=", f.queue);
  if (f.assigneeId === null) q = q.where("assignee_id", "is", null);
  else if (f.assigneeId) q = q.where("assignee_id", "=", f.assigneeId);
  // A merchant user without merchants sees nothing (an empty IN list is not SQL).
  if (f.merchantIds)
    q = f.merchantIds.length ? q.where("merchant_id", "in", f.merchantIds) : q.where(sql<boolean>`false`);
  if (f.riderId) q = q.where("rider_id", "=", f.riderId);
  if (f.minEscalationLevel !== undefined) q = q.where("escalation_level", ">=", f.minEscalationLevel);
  if (f.escalationLevel !== undefined) q = q.where("escalation_level", "=", f.escalationLevel);
  // Decided by the clocks, not the ticket's two deadline columns: paused clocks and the pack's other
  // promises (review, progress update) count as the engine counts them.
  if (f.clockDueSoonAt) q = q.where(hasClockDueSoon(f.clockDueSoonAt));
  if (f.clockBrokenAt) q = q.where(hasBrokenRunningClock(f.clockBrokenAt));
  if (f.phone) q = q.where("customer_phone", "=", f.phone);
  if (f.orderNo) q = q.where("order_no", "=", f.orderNo);
  if (f.search) {
    const { term, phone } = f.search;
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb("ticket_no", "=", term),
        eb("order_no", "=", term),
        phone ? eb("customer_phone", "=", phone) : eb("description", "ilike", like),
      ]),
    );
  }
  let rows = q.selectAll();
  rows =
    f.sort === "created_asc"
      ? rows.orderBy("created_at", "asc")
      : f.sort === "due_asc"
        ? rows.orderBy("resolution_due_at", "asc")
        : f.sort === "priority"
          ? rows.orderBy("priority", "asc").orderBy("created_at", "asc")
          : f.sort === "deadline_asc"
            ? rows.orderBy(nearestRunningDeadline(), "asc").orderBy("priority", "asc")
            : rows.orderBy("created_at", "desc");
  const items = await rows.orderBy("ticket_no").limit(f.limit).offset(f.offset).execute();
  // A page that ends before its limit is the last one, and says the total by itself.
  if (items.length < f.limit && (items.length > 0 || f.offset === 0))
    return { items, total: f.offset + items.length, totalExact: true };
  const matching = q.select(sql<number>`1`.as("one")).limit(countCap + 1);
  const counted = await db
    .selectFrom(matching.as("m"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const n = Number(counted.n);
  return { items, total: Math.min(n, countCap), totalExact: n <= countCap };
}

/** Every ticket of one customer phone, oldest first: for the customer's own export and the legal record. */
export const ticketsOfPhone = (db: Db | Transaction<Database>, phone: string): Promise<TicketRow[]> =>
  db
    .selectFrom("tickets")
    .selectAll()
    .where("customer_phone", "=", phone)
    .orderBy("created_at")
    .orderBy("ticket_no")
    .execute();
