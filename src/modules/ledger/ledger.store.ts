import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, LedgerEntriesTable } from "../../db/schema.ts";
import type { OrderAccount, PaymentState } from "./ledger.domain.ts";

/**
 * The ledger's tables. Reservations go through the order's account row (its CHECK constraints are the
 * last word on "never more than paid"); entries are inserted once per idempotency key; payouts are
 * claimed with FOR UPDATE SKIP LOCKED so that several workers never take the same attempt.
 */
type Executor = Db | Transaction<Database>;
export type EntryRow = Selectable<LedgerEntriesTable>;
export type NewEntry = Insertable<LedgerEntriesTable>;

const accountOfRow = (r: {
  paid_fen: number;
  refunded_fen: number;
  compensated_fen: number;
  compensation_cap_fen: number;
}): OrderAccount => ({
  paidFen: r.paid_fen,
  refundedFen: r.refunded_fen,
  compensatedFen: r.compensated_fen,
  compensationCapFen: r.compensation_cap_fen,
});

export async function findAccount(db: Executor, orderNo: string): Promise<OrderAccount | null> {
  const row = await db
    .selectFrom("ledger_accounts")
    .selectAll()
    .where("order_no", "=", orderNo)
    .executeTakeFirst();
  return row ? accountOfRow(row) : null;
}

/** The order's account, created on first use and locked for the rest of the transaction. */
export async function lockAccount(
  trx: Transaction<Database>,
  orderNo: string,
  paidFen: number,
  now: Date,
): Promise<OrderAccount> {
  const row = await trx
    .insertInto("ledger_accounts")
    .values({ order_no: orderNo, paid_fen: paidFen, updated_at: now })
    .onConflict((oc) => oc.column("order_no").doUpdateSet({ paid_fen: paidFen, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return accountOfRow(row);
}

export async function saveAccount(
  trx: Transaction<Database>,
  orderNo: string,
  a: OrderAccount,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("ledger_accounts")
    .set({
      refunded_fen: a.refundedFen,
      compensated_fen: a.compensatedFen,
      compensation_cap_fen: a.compensationCapFen,
      updated_at: now,
    })
    .where("order_no", "=", orderNo)
    .execute();
}

/** Gives back what cancelled entries had reserved, in one statement (the CHECKs still hold). */
export async function unreserve(
  trx: Transaction<Database>,
  orderNo: string,
  refundFen: number,
  compensationFen: number,
  now: Date,
): Promise<void> {
  if (!refundFen && !compensationFen) return;
  await trx
    .updateTable("ledger_accounts")
    .set((eb) => ({
      refunded_fen: eb("refunded_fen", "-", refundFen),
      compensated_fen: eb("compensated_fen", "-", compensationFen),
      updated_at: now,
    }))
    .where("order_no", "=", orderNo)
    .execute();
}

/** Inserts entries whose keys are new; a replay of the same keys inserts nothing. */
export async function insertEntries(trx: Transaction<Database>, rows: NewEntry[]): Promise<number> {
  if (!rows.length) return 0;
  const result = await trx
    .insertInto("ledger_entries")
    .values(rows)
    .onConflict((oc) => oc.column("idempotency_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export const stateOf = (r: EntryRow): PaymentState => ({
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseUntil: r.lease_until,
  providerRef: r.provider_ref,
  lastError: r.last_error,
});

/** Payouts whose attempt is due (or whose lease ran out), taken by this worker and skipped by the others. */
export async function claimDuePayouts(
  trx: Transaction<Database>,
  now: Date,
  limit: number,
  remedyId?: string,
): Promise<EntryRow[]> {
  let q = trx
    .selectFrom("ledger_entries")
    .selectAll()
    .where("direction", "=", "payout")
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", now)]),
        eb.and([eb("status", "=", "processing"), eb("lease_until", "<=", now)]),
      ]),
    );
  if (remedyId) q = q.where("remedy_id", "=", remedyId);
  return q
    .orderBy(sql`coalesce(next_attempt_at, lease_until)`)
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function findEntry(db: Executor, id: string): Promise<EntryRow | undefined> {
  return db.selectFrom("ledger_entries").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findEntryByProviderRef(db: Executor, reference: string): Promise<EntryRow | undefined> {
  return db.selectFrom("ledger_entries").selectAll().where("provider_ref", "=", reference).executeTakeFirst();
}

export async function lockEntry(trx: Transaction<Database>, id: string): Promise<EntryRow | undefined> {
  return trx.selectFrom("ledger_entries").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function saveEntryState(
  trx: Transaction<Database>,
  id: string,
  s: PaymentState,
  now: Date,
  provider?: string,
): Promise<void> {
  await trx
    .updateTable("ledger_entries")
    .set({
      status: s.status,
      attempts: s.attempts,
      max_attempts: s.maxAttempts,
      next_attempt_at: s.nextAttemptAt,
      lease_until: s.leaseUntil,
      provider_ref: s.providerRef,
      last_error: s.lastError,
      updated_at: now,
      ...(s.status === "succeeded" || s.status === "failed" || s.status === "cancelled"
        ? { settled_at: now }
        : {}),
      ...(provider ? { provider } : {}),
    })
    .where("id", "=", id)
    .execute();
}

export async function startAttempt(
  trx: Transaction<Database>,
  entryId: string,
  attempt: number,
  provider: string,
  now: Date,
): Promise<void> {
  await trx
    .insertInto("payment_attempts")
    .values({ entry_id: entryId, attempt, provider, started_at: now })
    .onConflict((oc) => oc.columns(["entry_id", "attempt"]).doNothing())
    .execute();
}

export async function finishAttempt(
  trx: Transaction<Database>,
  entryId: string,
  attempt: number,
  outcome: "succeeded" | "accepted" | "failed" | "confirmed",
  providerRef: string | null,
  error: string | null,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("payment_attempts")
    .set({ outcome, provider_ref: providerRef, error, finished_at: now })
    .where("entry_id", "=", entryId)
    .where("attempt", "=", attempt)
    // An attempt the provider accepted for later is finished by its callback.
    .where((eb) => eb.or([eb("outcome", "is", null), eb("outcome", "=", "accepted")]))
    .execute();
}

export async function payoutsOfExecutionOrder(trx: Executor, executionOrderId: string): Promise<EntryRow[]> {
  return trx
    .selectFrom("ledger_entries")
    .selectAll()
    .where("execution_order_id", "=", executionOrderId)
    .where("direction", "=", "payout")
    .orderBy("item_index")
    .execute();
}

/** Held payouts of an order whose condition is now met become due. */
export async function releaseHeldPayouts(
  trx: Transaction<Database>,
  executionOrderId: string,
  now: Date,
): Promise<number> {
  const result = await trx
    .updateTable("ledger_entries")
    .set({ status: "pending", next_attempt_at: now, updated_at: now })
    .where("execution_order_id", "=", executionOrderId)
    .where("status", "=", "held")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Held payouts of an order that will not happen are cancelled; returns what they had reserved. */
export async function cancelHeldPayouts(
  trx: Transaction<Database>,
  executionOrderId: string,
  now: Date,
): Promise<EntryRow[]> {
  return trx
    .updateTable("ledger_entries")
    .set({ status: "cancelled", updated_at: now, settled_at: now })
    .where("execution_order_id", "=", executionOrderId)
    .where("status", "=", "held")
    .returningAll()
    .execute();
}

export interface LedgerFilter {
  ticketNo?: string;
  orderNo?: string;
}

export async function listEntries(db: Executor, f: LedgerFilter): Promise<EntryRow[]> {
  let q = db.selectFrom("ledger_entries").selectAll();
  if (f.ticketNo) q = q.where("ticket_no", "=", f.ticketNo);
  if (f.orderNo) q = q.where("order_no", "=", f.orderNo);
  return q.orderBy("created_at").orderBy("id").execute();
}

export async function listAttempts(db: Executor, entryIds: readonly string[]) {
  if (!entryIds.length) return [];
  return db
    .selectFrom("payment_attempts")
    .selectAll()
    .where("entry_id", "in", [...entryIds])
    .orderBy("entry_id")
    .orderBy("attempt")
    .execute();
}

/** How many payouts wait for an attempt now: the metrics' queue depth. */
export async function countDuePayouts(db: Executor, now: Date): Promise<number> {
  const row = await db
    .selectFrom("ledger_entries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Payouts by status (for /metrics). */
export async function payoutsByStatus(db: Executor): Promise<{ status: string; n: number }[]> {
  const rows = await db
    .selectFrom("ledger_entries")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("direction", "=", "payout")
    .groupBy("status")
    .execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}

/** The amount paid out successfully, in fen, by kind (for /metrics). */
export async function paidByKind(db: Executor): Promise<{ kind: string; fen: number }[]> {
  const rows = await db
    .selectFrom("ledger_entries")
    .select(["kind", (eb) => eb.fn.sum<number>("amount_fen").as("fen")])
    .where("direction", "=", "payout")
    .where("status", "=", "succeeded")
    .groupBy("kind")
    .execute();
  return rows.map((r) => ({ kind: r.kind, fen: Number(r.fen) }));
}
