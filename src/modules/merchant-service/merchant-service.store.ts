import { type Insertable, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, MediationsTable, MerchantVerificationsTable } from "../../db/schema.ts";

/** The merchant-service tables of verifications and mediations. */
type Executor = Db | Transaction<Database>;
export type VerificationRow = Selectable<MerchantVerificationsTable>;
export type MediationRow = Selectable<MediationsTable>;

export async function insertVerification(
  trx: Transaction<Database>,
  row: Insertable<MerchantVerificationsTable>,
): Promise<void> {
  await trx.insertInto("merchant_verifications").values(row).execute();
}

export async function verificationsOfTicket(db: Executor, ticketNo: string): Promise<VerificationRow[]> {
  return db
    .selectFrom("merchant_verifications")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .orderBy("requested_at")
    .orderBy("id")
    .execute();
}

/** The pending one, locked: the caller holds the ticket's lock already (tickets first, always). */
export async function lockPendingVerification(
  trx: Transaction<Database>,
  ticketNo: string,
): Promise<VerificationRow | undefined> {
  return trx
    .selectFrom("merchant_verifications")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .where("status", "=", "pending")
    .forUpdate()
    .executeTakeFirst();
}

export async function updateVerification(
  trx: Transaction<Database>,
  id: string,
  patch: Updateable<MerchantVerificationsTable>,
): Promise<void> {
  await trx.updateTable("merchant_verifications").set(patch).where("id", "=", id).execute();
}

/** Pending verifications past their deadline, through the partial index of the pending ones. */
export async function findMissed(db: Db, now: Date, limit: number) {
  return db
    .selectFrom("merchant_verifications")
    .select(["id", "ticket_no"])
    .where("status", "=", "pending")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
}

/** A merchant's verifications, newest first: its portal's list of what it must answer and has answered. */
export async function verificationsOfMerchants(
  db: Db,
  merchantIds: string[] | "all",
  status: string | undefined,
  limit: number,
) {
  if (merchantIds !== "all" && !merchantIds.length) return [];
  let q = db
    .selectFrom("merchant_verifications as v")
    .innerJoin("tickets as t", "t.ticket_no", "v.ticket_no")
    .selectAll("v")
    .select(["t.category", "t.business_line", "t.order_no", "t.description", "t.status as ticket_status"]);
  if (merchantIds !== "all") q = q.where("v.merchant_id", "in", merchantIds);
  if (status) q = q.where("v.status", "=", status as VerificationRow["status"]);
  return q.orderBy("v.requested_at", "desc").limit(limit).execute();
}

export async function nextMediationId(trx: Transaction<Database>, now: Date): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval('mediation_no_seq')::text as n`.execute(trx);
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `MD${day}${rows[0]!.n.padStart(6, "0")}`;
}

export async function insertMediation(
  trx: Transaction<Database>,
  row: Insertable<MediationsTable>,
): Promise<void> {
  await trx.insertInto("mediations").values(row).execute();
}

export async function findMediation(db: Executor, id: string): Promise<MediationRow | undefined> {
  return db.selectFrom("mediations").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockMediation(trx: Transaction<Database>, id: string) {
  return trx.selectFrom("mediations").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function openMediationOfTicket(db: Executor, ticketNo: string) {
  return db
    .selectFrom("mediations")
    .select("id")
    .where("ticket_no", "=", ticketNo)
    .where("status", "=", "open")
    .executeTakeFirst();
}

export async function updateMediation(
  trx: Transaction<Database>,
  id: string,
  patch: Updateable<MediationsTable>,
): Promise<void> {
  await trx.updateTable("mediations").set(patch).where("id", "=", id).execute();
}

/** The mediation queue: open ones oldest first (first come, first mediated), decided ones newest first. */
export async function listMediations(db: Db, status: "open" | "decided" | undefined, limit: number) {
  let q = db
    .selectFrom("mediations as m")
    .innerJoin("tickets as t", "t.ticket_no", "m.ticket_no")
    .selectAll("m")
    .select(["t.business_line", "t.category"]);
  if (status) q = q.where("m.status", "=", status);
  return q
    .orderBy("m.opened_at", status === "open" ? "asc" : "desc")
    .limit(limit)
    .execute();
}
