import type { Selectable, Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, FollowUpsTable, ReturnVisitsTable, SurveysTable } from "../../db/schema.ts";
import type { ScheduledFollowUp } from "./follow-up.domain.ts";

/** SQL of the follow-up tables: the schedule, the surveys and the return visits. */
type Executor = Db | Transaction<Database>;
export type FollowUpRow = Selectable<FollowUpsTable>;
export type SurveyRow = Selectable<SurveysTable>;
export type ReturnVisitRow = Selectable<ReturnVisitsTable>;

export async function insertFollowUps(
  trx: Transaction<Database>,
  ticketNo: string,
  resolvedAt: Date,
  plan: readonly ScheduledFollowUp[],
): Promise<void> {
  if (!plan.length) return;
  await trx
    .insertInto("follow_ups")
    .values(
      plan.map((p) => ({
        ticket_no: ticketNo,
        kind: p.kind,
        resolved_at: resolvedAt,
        due_at: p.dueAt,
        reason: p.reason,
      })),
    )
    .execute();
}

/** Other tickets the same phone filed since `since`: a customer who comes back gets a return visit. */
export async function countOtherTickets(
  db: Executor,
  phone: string,
  ticketNo: string,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom("tickets")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_phone", "=", phone)
    .where("ticket_no", "<>", ticketNo)
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A reopened ticket: what was pending after its resolution no longer applies. */
export async function cancelPending(trx: Transaction<Database>, ticketNo: string, now: Date): Promise<void> {
  await trx
    .updateTable("follow_ups")
    .set({ done_at: now, outcome: "cancelled" })
    .where("ticket_no", "=", ticketNo)
    .where("done_at", "is", null)
    .execute();
  await trx
    .updateTable("return_visits")
    .set({ status: "cancelled" })
    .where("ticket_no", "=", ticketNo)
    .where("status", "=", "due")
    .execute();
}

/** Due rows, oldest first, read without locks: each is then handled under its ticket's lock. */
export async function findDueFollowUps(db: Db, now: Date, limit: number) {
  return db
    .selectFrom("follow_ups")
    .select(["id", "ticket_no"])
    .where("done_at", "is", null)
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
}

/** Locks one due row after its ticket; another process holding it makes it skipped here. */
export async function lockFollowUp(trx: Transaction<Database>, id: string): Promise<FollowUpRow | undefined> {
  return trx
    .selectFrom("follow_ups")
    .selectAll()
    .where("id", "=", id)
    .where("done_at", "is", null)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function finishFollowUp(
  trx: Transaction<Database>,
  id: string,
  outcome: "done" | "moot",
  now: Date,
): Promise<void> {
  await trx.updateTable("follow_ups").set({ done_at: now, outcome }).where("id", "=", id).execute();
}

export async function insertSurvey(
  trx: Transaction<Database>,
  s: { id: string; ticketNo: string; businessLine: string; createdAt: Date; expiresAt: Date },
): Promise<boolean> {
  const r = await trx
    .insertInto("surveys")
    .values({
      id: s.id,
      ticket_no: s.ticketNo,
      business_line: s.businessLine,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
    })
    .onConflict((oc) => oc.column("ticket_no").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findSurvey(db: Executor, id: string): Promise<SurveyRow | undefined> {
  return db.selectFrom("surveys").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockSurvey(trx: Transaction<Database>, id: string): Promise<SurveyRow | undefined> {
  return trx.selectFrom("surveys").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function saveAnswer(
  trx: Transaction<Database>,
  id: string,
  a: {
    score: number;
    resolved: boolean;
    comment: string | null;
    efficiency: number;
    resolution: number;
    attitude: number;
    secondRound: boolean;
  },
  now: Date,
): Promise<void> {
  await trx
    .updateTable("surveys")
    .set({
      answered_at: now,
      score: a.score,
      resolved: a.resolved,
      comment: a.comment,
      efficiency: a.efficiency,
      resolution: a.resolution,
      attitude: a.attitude,
      second_round: a.secondRound,
    })
    .where("id", "=", id)
    .execute();
}

/** The ticket's customer-visible result feedback, for the survey page's "what was done". */
export async function resultFeedbackOf(db: Db, ticketNo: string) {
  return db
    .selectFrom("ticket_events")
    .select(["at", "data"])
    .where("ticket_no", "=", ticketNo)
    .where("type", "=", "result_feedback")
    .orderBy("id")
    .execute();
}

export async function insertReturnVisit(
  trx: Transaction<Database>,
  v: Omit<ReturnVisitRow, "outcome" | "note" | "visited_by" | "visited_at">,
): Promise<boolean> {
  const r = await trx
    .insertInto("return_visits")
    .values(v)
    .onConflict((oc) => oc.columns(["ticket_no", "resolved_at"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface VisitFilter {
  status?: "due" | "done" | "cancelled";
  businessLine?: string;
  limit: number;
  offset: number;
}

/** The agents' list with each ticket's facts; due visits by due time, done ones latest first. */
export async function listReturnVisits(db: Db, f: VisitFilter) {
  let q = db.selectFrom("return_visits as v").innerJoin("tickets as t", "t.ticket_no", "v.ticket_no");
  if (f.status) q = q.where("v.status", "=", f.status);
  if (f.businessLine) q = q.where("v.business_line", "=", f.businessLine);
  const total = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const items = await q
    .selectAll("v")
    .select([
      "t.category",
      "t.severity",
      "t.status as ticket_status",
      "t.customer_phone",
      "t.customer_name",
      "t.order_no",
      "t.second_rounds",
    ])
    .orderBy(f.status === "due" ? "v.due_at" : "v.created_at", f.status === "due" ? "asc" : "desc")
    .orderBy("v.id")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items, total: Number(total.n) };
}

export async function lockReturnVisit(
  trx: Transaction<Database>,
  id: string,
): Promise<ReturnVisitRow | undefined> {
  return trx.selectFrom("return_visits").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function findReturnVisit(db: Executor, id: string): Promise<ReturnVisitRow | undefined> {
  return db.selectFrom("return_visits").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function recordVisit(
  trx: Transaction<Database>,
  id: string,
  v: { outcome: NonNullable<ReturnVisitRow["outcome"]>; note: string | null; visitedBy: string },
  now: Date,
): Promise<void> {
  await trx
    .updateTable("return_visits")
    .set({ status: "done", outcome: v.outcome, note: v.note, visited_by: v.visitedBy, visited_at: now })
    .where("id", "=", id)
    .execute();
}
