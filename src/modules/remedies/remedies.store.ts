import type { Insertable, Selectable, Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, RemediesTable, TicketVerificationsTable } from "../../db/schema.ts";
import type { VerificationFacts } from "./remedies.domain.ts";

/** The remedies module's tables: a ticket's verification and its decided remedies. */
type Executor = Db | Transaction<Database>;
export type RemedyRow = Selectable<RemediesTable>;
export type VerificationRow = Selectable<TicketVerificationsTable>;

export interface VerificationInput extends VerificationFacts {
  findings: string;
  evidenceIds: string[];
}

export async function saveVerification(
  trx: Transaction<Database>,
  ticketNo: string,
  v: VerificationInput,
  recordedBy: string,
  now: Date,
): Promise<void> {
  const row = {
    verified: v.verified,
    liable_party: v.liableParty,
    findings: v.findings,
    evidence_ids: v.evidenceIds,
    food_safety_violation: v.foodSafetyViolation,
    fraud: v.fraud,
    loss_fen: v.lossFen,
    affected_items: v.affectedItems ? JSON.stringify(v.affectedItems) : null,
    recorded_by: recordedBy,
    recorded_at: now,
  };
  await trx
    .insertInto("ticket_verifications")
    .values({ ticket_no: ticketNo, ...row })
    .onConflict((oc) => oc.column("ticket_no").doUpdateSet(row))
    .execute();
}

export async function findVerification(db: Executor, ticketNo: string): Promise<VerificationRow | undefined> {
  return db
    .selectFrom("ticket_verifications")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .executeTakeFirst();
}

export const verificationFacts = (r: VerificationRow): VerificationFacts => ({
  verified: r.verified,
  liableParty: r.liable_party as VerificationFacts["liableParty"],
  foodSafetyViolation: r.food_safety_violation,
  fraud: r.fraud,
  lossFen: r.loss_fen,
  affectedItems: r.affected_items,
});

export async function insertRemedy(
  trx: Transaction<Database>,
  row: Insertable<RemediesTable>,
): Promise<void> {
  await trx.insertInto("remedies").values(row).execute();
}

export async function nextRemedySeq(trx: Transaction<Database>, ticketNo: string): Promise<number> {
  const row = await trx
    .selectFrom("remedies")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("ticket_no", "=", ticketNo)
    .executeTakeFirst();
  return Number(row?.seq ?? 0) + 1;
}

export async function findRemedy(db: Executor, id: string): Promise<RemedyRow | undefined> {
  return db.selectFrom("remedies").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findRemedyByKey(
  db: Executor,
  ticketNo: string,
  idempotencyKey: string,
): Promise<RemedyRow | undefined> {
  return db
    .selectFrom("remedies")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .where("idempotency_key", "=", idempotencyKey)
    .executeTakeFirst();
}

export async function lockRemedy(trx: Transaction<Database>, id: string): Promise<RemedyRow | undefined> {
  return trx.selectFrom("remedies").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function updateRemedy(
  trx: Transaction<Database>,
  id: string,
  patch: Partial<Omit<RemedyRow, "id" | "items" | "proposal" | "deadline_hours" | "approval_reasons">>,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("remedies")
    .set({ ...patch, updated_at: now })
    .where("id", "=", id)
    .execute();
}

/** The ticket's remedy waiting for approval, if any: a new decision supersedes it. */
export async function supersedePending(trx: Transaction<Database>, ticketNo: string, now: Date) {
  return trx
    .updateTable("remedies")
    .set({ status: "superseded", updated_at: now })
    .where("ticket_no", "=", ticketNo)
    .where("status", "=", "pending_approval")
    .returning(["id"])
    .execute();
}

export async function remediesOfTicket(db: Executor, ticketNo: string): Promise<RemedyRow[]> {
  return db.selectFrom("remedies").selectAll().where("ticket_no", "=", ticketNo).orderBy("seq").execute();
}

export interface InboxFilter {
  status: RemedyRow["status"];
  businessLine?: string;
  limit: number;
  offset: number;
}

/** The supervisors' approvals inbox: remedies waiting for a decision above the agents' limits, oldest first. */
export async function listRemedies(db: Executor, f: InboxFilter) {
  let q = db
    .selectFrom("remedies")
    .innerJoin("tickets", "tickets.ticket_no", "remedies.ticket_no")
    .where("remedies.status", "=", f.status);
  if (f.businessLine) q = q.where("remedies.business_line", "=", f.businessLine);
  const total = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const items = await q
    .selectAll("remedies")
    .select([
      "tickets.category",
      "tickets.sub_type",
      "tickets.severity",
      "tickets.priority",
      "tickets.merchant_id",
    ])
    .orderBy("remedies.decided_at")
    .orderBy("remedies.id")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items, total: Number(total.n) };
}
