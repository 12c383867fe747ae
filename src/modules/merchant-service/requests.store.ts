import { type Insertable, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, MerchantRequestEventsTable, MerchantRequestsTable } from "../../db/schema.ts";

export type RequestRow = Selectable<MerchantRequestsTable>;
export type RequestEventRow = Selectable<MerchantRequestEventsTable>;
type Executor = Db | Transaction<Database>;

export interface NewRequestEvent {
  type: string;
  actor: string;
  internal?: boolean;
  data?: Record<string, unknown>;
}

export async function insertRequest(
  trx: Transaction<Database>,
  row: Omit<Insertable<MerchantRequestsTable>, "request_no">,
): Promise<RequestRow> {
  const { rows } = await sql<{ n: string }>`select nextval('merchant_request_no_seq')::text as n`.execute(
    trx,
  );
  return trx
    .insertInto("merchant_requests")
    .values({ ...row, request_no: `MR${rows[0]!.n.padStart(8, "0")}` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function appendRequestEvents(
  trx: Executor,
  requestNo: string,
  at: Date,
  events: NewRequestEvent[],
): Promise<void> {
  if (!events.length) return;
  await trx
    .insertInto("merchant_request_events")
    .values(
      events.map((e) => ({
        request_no: requestNo,
        at,
        type: e.type,
        actor: e.actor,
        internal: e.internal ?? false,
        data: JSON.stringify(e.data ?? {}),
      })),
    )
    .execute();
}

export const findRequest = (db: Executor, requestNo: string): Promise<RequestRow | undefined> =>
  db.selectFrom("merchant_requests").selectAll().where("request_no", "=", requestNo).executeTakeFirst();

export const lockRequest = (trx: Transaction<Database>, requestNo: string): Promise<RequestRow | undefined> =>
  trx
    .selectFrom("merchant_requests")
    .selectAll()
    .where("request_no", "=", requestNo)
    .forUpdate()
    .executeTakeFirst();

export const updateRequest = (
  trx: Transaction<Database>,
  requestNo: string,
  patch: Updateable<MerchantRequestsTable>,
): Promise<RequestRow> =>
  trx
    .updateTable("merchant_requests")
    .set(patch)
    .where("request_no", "=", requestNo)
    .returningAll()
    .executeTakeFirstOrThrow();

export async function requestEvents(
  db: Db,
  requestNo: string,
  withInternal: boolean,
): Promise<RequestEventRow[]> {
  let q = db.selectFrom("merchant_request_events").selectAll().where("request_no", "=", requestNo);
  if (!withInternal) q = q.where("internal", "=", false);
  return q.orderBy("id").execute();
}

export interface RequestFilter {
  merchantIds?: string[];
  status?: string;
  category?: string;
  assigneeId?: string;
  /** At least this escalation level: the supervisors' view of late requests. */
  minEscalationLevel?: number;
  limit: number;
}

export async function listRequests(
  db: Db,
  f: RequestFilter,
): Promise<{ items: RequestRow[]; total: number }> {
  if (f.merchantIds && !f.merchantIds.length) return { items: [], total: 0 };
  let q = db.selectFrom("merchant_requests");
  if (f.merchantIds) q = q.where("merchant_id", "in", f.merchantIds);
  if (f.status) q = q.where("status", "=", f.status);
  if (f.category) q = q.where("category", "=", f.category);
  if (f.assigneeId) q = q.where("assignee_id", "=", f.assigneeId);
  if (f.minEscalationLevel !== undefined) q = q.where("escalation_level", ">=", f.minEscalationLevel);
  const total = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const items = await q
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("request_no", "desc")
    .limit(f.limit)
    .execute();
  return { items, total: Number(total.n) };
}

/**
 * Requests whose next deadline has passed without the answer it promised, claimed so that two processes
 * never escalate the same one. Each partial index holds only the rows that can still escalate.
 */
export async function claimOverdueRequests(trx: Transaction<Database>, now: Date, limit: number) {
  const { rows } = await sql<RequestRow>`
    select * from merchant_requests where request_no in (
      (select request_no from merchant_requests
        where first_responded_at is null and escalation_level < 1 and first_response_due_at <= ${now}
        order by first_response_due_at limit ${limit})
      union
      (select request_no from merchant_requests
        where resolved_at is null and escalation_level < 2 and resolution_due_at <= ${now}
        order by resolution_due_at limit ${limit}))
    for update skip locked`.execute(trx);
  return rows;
}

/** Resolved requests the merchant has not rated since `before`: they close themselves. */
export async function claimUnratedResolved(trx: Transaction<Database>, before: Date, limit: number) {
  return trx
    .selectFrom("merchant_requests")
    .selectAll()
    .where("status", "=", "resolved")
    .where("resolved_at", "<=", before)
    .orderBy("resolved_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}
