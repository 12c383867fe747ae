import {
  type Generated,
  type JSONColumnType,
  type Kysely,
  type Selectable,
  sql,
  type Transaction,
} from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import type { ScoreReason } from "./abuse.domain.ts";
import type { Listing, ListingStatus } from "./blacklist.domain.ts";

/**
 * The abuse module's tables (migration 0016). Their types live here, not in the shared schema file: no
 * other module reads them, and `withTables` gives this store typed access all the same.
 */
type AbuseTables = {
  abuse_marks: { kind: MarkKind; value: string; ticket_no: string; at: Date };
  abuse_scores: {
    ticket_no: string;
    phone: string;
    score: number;
    reasons: JSONColumnType<ScoreReason[], string, string>;
    excessive_demand: boolean;
    computed_at: Date;
  };
  blacklist: {
    id: string;
    phone: string;
    reason: string;
    evidence: JSONColumnType<Evidence, string, string>;
    status: ListingStatus;
    expires_at: Date;
    created_by: string;
    created_at: Date;
    ended_at: Date | null;
    ended_by: string | null;
    end_reason: string | null;
  };
  blacklist_appeals: {
    id: string;
    blacklist_id: string;
    ticket_no: string | null;
    statement: string;
    status: "pending" | "lifted" | "upheld";
    submitted_by: string;
    submitted_at: Date;
    decided_by: string | null;
    decided_at: Date | null;
    decision_note: string | null;
  };
  blacklist_audit: {
    id: Generated<string>;
    blacklist_id: string;
    at: Date;
    type: string;
    actor: string;
    actor_role: string;
    data: JSONColumnType<Record<string, unknown>, string, string>;
  };
  customer_record_access: {
    id: Generated<string>;
    phone: string;
    at: Date;
    actor: string;
    actor_role: string;
    format: string;
    tickets: number;
  };
};

export type MarkKind = "phone" | "device" | "address";
export interface Evidence {
  ticketNos: string[];
  attachmentIds: string[];
}
export interface AuditActor {
  name: string;
  role: string;
}
type Executor = Db | Transaction<Database>;
type AbuseDb = Kysely<Database & AbuseTables>;
const on = (db: Executor): AbuseDb => db.withTables<AbuseTables>() as AbuseDb;

export type ListingRow = Selectable<AbuseTables["blacklist"]>;
export type AppealRow = Selectable<AbuseTables["blacklist_appeals"]>;

// --- scores -------------------------------------------------------------------------------------------

/**
 * The round's marks, and below its scores, go as one array per column read back by `unnest`: the text is
 * the same whatever the number of rows, so a connection parses and plans it once and the app compiles no
 * VALUES list of four parameters a row.
 */
export async function insertMarks(
  trx: Executor,
  marks: readonly { kind: MarkKind; value: string; ticketNo: string; at: Date }[],
): Promise<void> {
  if (!marks.length) return;
  await sql`insert into abuse_marks (kind, value, ticket_no, at)
    select * from unnest(${marks.map((m) => m.kind)}::text[], ${marks.map((m) => m.value)}::text[],
      ${marks.map((m) => m.ticketNo)}::text[], ${marks.map((m) => m.at.toISOString())}::timestamptz[])
    on conflict do nothing`.execute(trx);
}

/**
 * What the scorer reads of the tickets it scores, by their numbers: the few columns a score needs, not the
 * whole row (read-only, like `complainantFacts` below).
 */
export async function scoredTickets(trx: Executor, ticketNos: readonly string[]) {
  if (!ticketNos.length) return [];
  return trx
    .selectFrom("tickets")
    .select(["ticket_no", "customer_phone", "created_at", "category_source", "category", "description"])
    .where(sql<boolean>`ticket_no = any(${[...ticketNos]}::text[])`)
    .execute();
}

export type ScoredTicket = Awaited<ReturnType<typeof scoredTickets>>[number];

export interface FactsQuery {
  phone: string;
  device: string | null;
  address: string | null;
  ticketNo: string;
  since: Date;
}

export interface ComplainantFacts {
  phone: number;
  device: number | null;
  address: number | null;
  tickets: number;
  orders: number;
  refunds: number;
  refund_fen: number;
  excessive: number;
}

/**
 * Everything the score needs about several complainants, in one statement of bounded index reads per
 * complainant: each count stops at `cap`, so a prolific complainant costs no more than an ordinary one.
 * Tickets, orders and ledger entries are read by their owners' indexes on phone and ticket number
 * (read-only; this is the one place the abuse module looks at them, besides the legal export). Answers in
 * the order asked.
 */
export async function complainantFacts(
  trx: Executor,
  asked: readonly FactsQuery[],
  cap: number,
): Promise<ComplainantFacts[]> {
  if (!asked.length) return [];
  const rows = JSON.stringify(
    asked.map((q, i) => ({ ...q, i, ticket_no: q.ticketNo, since: q.since.toISOString() })),
  );
  const recent = (kind: MarkKind) =>
    sql<number>`(select count(*)::int from (select 1 from abuse_marks
      where kind = ${kind} and value = q.${sql.raw(kind)} and at >= q.since limit ${cap}) x)`;
  const payouts = sql`direction = 'payout' and kind in ('refund','compensation','price_difference')
    and status in ('held','pending','processing','succeeded','recorded')`;
  const r = await sql<ComplainantFacts & { i: number }>`
    select q.i, ${recent("phone")} as phone,
      case when q.device is null then null else ${recent("device")} end as device,
      case when q.address is null then null else ${recent("address")} end as address,
      m.tickets + 1 as tickets,
      (select count(*)::int from (select 1 from orders where customer_phone = q.phone limit ${cap}) o) as orders,
      l.refunds, l.refund_fen,
      (select count(*)::int from (select 1 from abuse_scores where phone = q.phone and excessive_demand
        and ticket_no <> q.ticket_no limit ${cap}) e) as excessive
    from jsonb_to_recordset(${rows}::jsonb)
      as q(i int, phone text, device text, address text, ticket_no text, since timestamptz)
    cross join lateral (
      select count(*)::int as tickets, coalesce(array_agg(ticket_no), '{}') as nos
      from (select ticket_no from tickets where customer_phone = q.phone and ticket_no <> q.ticket_no
            order by created_at desc limit ${cap}) mine
    ) m
    cross join lateral (
      select count(*)::int as refunds, coalesce(sum(amount_fen), 0)::int as refund_fen
      from ledger_entries where ticket_no = any(m.nos) and ${payouts}
    ) l`.execute(trx);
  const byIndex = new Map(r.rows.map((row) => [row.i, row]));
  return asked.map((_, i) => byIndex.get(i)!);
}

export async function saveScores(
  trx: Executor,
  scores: readonly {
    ticketNo: string;
    phone: string;
    score: number;
    reasons: ScoreReason[];
    excessiveDemand: boolean;
  }[],
  at: Date,
): Promise<void> {
  if (!scores.length) return;
  await sql`insert into abuse_scores (ticket_no, phone, score, reasons, excessive_demand, computed_at)
    select s.ticket_no, s.phone, s.score, s.reasons::jsonb, s.excessive_demand, ${at.toISOString()}::timestamptz
    from unnest(${scores.map((s) => s.ticketNo)}::text[], ${scores.map((s) => s.phone)}::text[],
      ${scores.map((s) => s.score)}::int[], ${scores.map((s) => JSON.stringify(s.reasons))}::text[],
      ${scores.map((s) => s.excessiveDemand)}::boolean[]) as s(ticket_no, phone, score, reasons, excessive_demand)
    on conflict (ticket_no) do nothing`.execute(trx);
}

export async function scoreOf(db: Executor, ticketNo: string) {
  return on(db)
    .selectFrom("abuse_scores")
    .select(["score", "reasons", "computed_at"])
    .where("ticket_no", "=", ticketNo)
    .executeTakeFirst();
}

export async function scoresOf(db: Executor, ticketNos: readonly string[]) {
  if (!ticketNos.length) return [];
  return on(db)
    .selectFrom("abuse_scores")
    .select(["ticket_no", "score", "reasons", "computed_at"])
    .where("ticket_no", "in", [...ticketNos])
    .execute();
}

// --- blacklist ----------------------------------------------------------------------------------------

const asListing = (r: ListingRow): Listing => ({
  id: r.id,
  reason: r.reason,
  expiresAt: r.expires_at,
  status: r.status,
});

/** The phone's active listing, if any (intake reads it with the order: intake/intake.store.ts). */
export async function activeListingOf(db: Executor, phone: string): Promise<Listing | null> {
  if (!phone) return null;
  const r = await on(db)
    .selectFrom("blacklist")
    .selectAll()
    .where("phone", "=", phone)
    .where("status", "=", "active")
    .executeTakeFirst();
  return r ? asListing(r) : null;
}

export async function insertListing(
  trx: Executor,
  l: { id: string; phone: string; reason: string; evidence: Evidence; expiresAt: Date; by: string },
  at: Date,
): Promise<boolean> {
  const r = await on(trx)
    .insertInto("blacklist")
    .values({
      id: l.id,
      phone: l.phone,
      reason: l.reason,
      evidence: JSON.stringify(l.evidence),
      status: "active",
      expires_at: l.expiresAt,
      created_by: l.by,
      created_at: at,
      ended_at: null,
      ended_by: null,
      end_reason: null,
    })
    .onConflict((oc) => oc.column("phone").where("status", "=", "active").doNothing())
    .returning("id")
    .execute();
  return r.length > 0;
}

export async function findListing(db: Executor, id: string): Promise<ListingRow | undefined> {
  return on(db).selectFrom("blacklist").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockListing(trx: Transaction<Database>, id: string): Promise<ListingRow | undefined> {
  return on(trx).selectFrom("blacklist").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function listListings(
  db: Executor,
  f: { status?: ListingStatus; phone?: string; limit: number },
) {
  let q = on(db).selectFrom("blacklist").selectAll();
  if (f.status) q = q.where("status", "=", f.status);
  if (f.phone) q = q.where("phone", "=", f.phone);
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(f.limit).execute();
}

export async function endListing(
  trx: Executor,
  id: string,
  end: { status: "lifted" | "expired"; by: string; reason: string },
  at: Date,
): Promise<boolean> {
  const r = await on(trx)
    .updateTable("blacklist")
    .set({ status: end.status, ended_at: at, ended_by: end.by, end_reason: end.reason })
    .where("id", "=", id)
    .where("status", "=", "active")
    .returning("id")
    .execute();
  return r.length > 0;
}

/** Listings past their expiry, claimed so that two processes never expire the same one twice. */
export async function claimExpired(trx: Transaction<Database>, now: Date, limit: number) {
  return on(trx)
    .selectFrom("blacklist")
    .select(["id", "expires_at"])
    .where("status", "=", "active")
    .where("expires_at", "<=", now)
    .orderBy("expires_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function addAudit(
  trx: Executor,
  listingId: string,
  actor: AuditActor,
  type: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await on(trx)
    .insertInto("blacklist_audit")
    .values({
      blacklist_id: listingId,
      at,
      type,
      actor: actor.name,
      actor_role: actor.role,
      data: JSON.stringify(data),
    })
    .execute();
}

export async function auditOf(db: Executor, listingId: string) {
  return on(db)
    .selectFrom("blacklist_audit")
    .select(["type", "at", "actor", "actor_role", "data"])
    .where("blacklist_id", "=", listingId)
    .orderBy("id")
    .execute();
}

export async function insertAppeal(
  trx: Executor,
  a: Omit<AppealRow, "decided_by" | "decided_at" | "decision_note">,
) {
  await on(trx)
    .insertInto("blacklist_appeals")
    .values({ ...a, decided_by: null, decided_at: null, decision_note: null })
    .execute();
}

export async function lockAppeal(trx: Transaction<Database>, id: string): Promise<AppealRow | undefined> {
  return on(trx)
    .selectFrom("blacklist_appeals")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateAppeal(
  trx: Executor,
  id: string,
  patch: Pick<AppealRow, "status" | "decided_by" | "decided_at" | "decision_note">,
): Promise<void> {
  await on(trx).updateTable("blacklist_appeals").set(patch).where("id", "=", id).execute();
}

export async function appealsOf(db: Executor, listingIds: readonly string[]): Promise<AppealRow[]> {
  if (!listingIds.length) return [];
  return on(db)
    .selectFrom("blacklist_appeals")
    .selectAll()
    .where("blacklist_id", "in", [...listingIds])
    .orderBy("submitted_at")
    .execute();
}

// --- the customer's record ----------------------------------------------------------------------------

export async function logRecordAccess(
  db: Executor,
  a: { phone: string; actor: AuditActor; format: string; tickets: number },
  at: Date,
): Promise<void> {
  await on(db)
    .insertInto("customer_record_access")
    .values({
      phone: a.phone,
      at,
      actor: a.actor.name,
      actor_role: a.actor.role,
      format: a.format,
      tickets: a.tickets,
    })
    .execute();
}

export async function recordAccessesOf(db: Executor, phone: string) {
  return on(db)
    .selectFrom("customer_record_access")
    .select(["at", "actor", "actor_role", "format", "tickets"])
    .where("phone", "=", phone)
    .orderBy("id")
    .execute();
}
