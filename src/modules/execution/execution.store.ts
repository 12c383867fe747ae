import { type Insertable, type Selectable, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, ExecutionOrdersTable } from "../../db/schema.ts";
import type { Department } from "../../policy-packs/schema.ts";

/** The execution orders' table: the department boards read it, the commands and the overdue sweep write it. */
type Executor = Db | Transaction<Database>;
export type ExecutionOrderRow = Selectable<ExecutionOrdersTable>;
export type NewExecutionOrder = Insertable<ExecutionOrdersTable>;

export async function insertExecutionOrders(
  trx: Transaction<Database>,
  rows: NewExecutionOrder[],
): Promise<void> {
  if (!rows.length) return;
  await trx
    .insertInto("execution_orders")
    .values(rows)
    .onConflict((oc) => oc.columns(["remedy_id", "step"]).doNothing())
    .execute();
}

export async function findExecutionOrder(db: Executor, id: string): Promise<ExecutionOrderRow | undefined> {
  return db.selectFrom("execution_orders").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockExecutionOrder(
  trx: Transaction<Database>,
  id: string,
): Promise<ExecutionOrderRow | undefined> {
  return trx.selectFrom("execution_orders").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function updateExecutionOrder(
  trx: Transaction<Database>,
  id: string,
  patch: Partial<Omit<ExecutionOrderRow, "id" | "deadline">>,
  now: Date,
): Promise<void> {
  await trx
    .updateTable("execution_orders")
    .set({ ...patch, updated_at: now })
    .where("id", "=", id)
    .execute();
}

/** The orders waiting for this one (e.g. the refund waiting for the inspection). */
export async function dependentsOf(trx: Transaction<Database>, id: string): Promise<ExecutionOrderRow[]> {
  return trx.selectFrom("execution_orders").selectAll().where("blocked_by", "=", id).forUpdate().execute();
}

export async function ordersOfTicket(db: Executor, ticketNo: string): Promise<ExecutionOrderRow[]> {
  return db
    .selectFrom("execution_orders")
    .selectAll()
    .where("ticket_no", "=", ticketNo)
    .orderBy("remedy_id")
    .orderBy("step")
    .execute();
}

export interface BoardFilter {
  departments: readonly Department[] | "all";
  merchantIds?: string[];
  riderId?: string;
  status?: string[];
  ticketNo?: string;
  remedyId?: string;
  overdueAt?: Date;
  limit: number;
  offset: number;
}

/** A department's board: its orders, most pressing first, with the scope of a merchant or rider applied. */
export async function listBoard(db: Executor, f: BoardFilter) {
  let q = db.selectFrom("execution_orders");
  // Asking for a department that is not one's own leaves none (an empty IN list is not SQL).
  if (f.departments !== "all")
    q = f.departments.length ? q.where("department", "in", [...f.departments]) : q.where(sql<boolean>`false`);
  // A merchant user without merchants sees nothing (an empty IN list is not SQL).
  if (f.merchantIds)
    q = f.merchantIds.length ? q.where("merchant_id", "in", f.merchantIds) : q.where(sql<boolean>`false`);
  if (f.riderId) q = q.where("rider_id", "=", f.riderId);
  if (f.status?.length) q = q.where("status", "in", f.status as ExecutionOrderRow["status"][]);
  if (f.ticketNo) q = q.where("ticket_no", "=", f.ticketNo);
  if (f.remedyId) q = q.where("remedy_id", "=", f.remedyId);
  if (f.overdueAt) q = q.where("status", "in", ["open", "in_progress"]).where("due_at", "<", f.overdueAt);
  const total = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const items = await q
    .selectAll()
    .orderBy((eb) => eb.case().when("status", "in", ["open", "in_progress"]).then(0).else(1).end())
    .orderBy("due_at", (ob) => ob.asc().nullsLast())
    .orderBy("id")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items, total: Number(total.n) };
}

/** Overdue orders not yet reported, oldest deadline first (read without locks; the sweep locks per ticket). */
export async function findOverdue(db: Executor, now: Date, limit: number) {
  return db
    .selectFrom("execution_orders")
    .select(["id", "ticket_no"])
    .where("status", "in", ["open", "in_progress"])
    .where("overdue_at", "is", null)
    .where("due_at", "<", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
}

export async function lockOrdersByIds(
  trx: Transaction<Database>,
  ids: readonly string[],
): Promise<ExecutionOrderRow[]> {
  if (!ids.length) return [];
  return trx
    .selectFrom("execution_orders")
    .selectAll()
    .where("id", "in", [...ids])
    .orderBy("id")
    .forUpdate()
    .skipLocked()
    .execute();
}
