import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { OrderItemRow } from "../../db/schema.ts";
import { groupCommit } from "../../platform/batcher.ts";
import type { IntakeOrder } from "../intake/intake.domain.ts";

export interface OrderInput {
  businessLine: string;
  customerPhone: string;
  merchantId: string;
  riderId?: string | null;
  region: string;
  items: OrderItemRow[];
  paidFen: number;
  paidAt: string;
  promisedAt?: string | null;
  deliveredAt?: string | null;
}

/** Upsert from the order system; answers whether the order was new. */
export async function upsertOrder(
  db: Db,
  orderNo: string,
  o: OrderInput,
  now: Date,
): Promise<{ created: boolean }> {
  const row = await sql<{ created: boolean }>`
    insert into orders (order_no, business_line, customer_phone, merchant_id, rider_id, region, items, paid_fen,
      paid_at, promised_at, delivered_at, created_at, updated_at)
    values (${orderNo}, ${o.businessLine}, ${o.customerPhone}, ${o.merchantId}, ${o.riderId ?? null}, ${o.region},
      ${JSON.stringify(o.items)}::jsonb, ${o.paidFen}, ${o.paidAt}, ${o.promisedAt ?? null}, ${o.deliveredAt ?? null},
      ${now.toISOString()}, ${now.toISOString()})
    on conflict (order_no) do update set business_line = excluded.business_line,
      customer_phone = excluded.customer_phone, merchant_id = excluded.merchant_id, rider_id = excluded.rider_id,
      region = excluded.region, items = excluded.items, paid_fen = excluded.paid_fen, paid_at = excluded.paid_at,
      promised_at = excluded.promised_at, delivered_at = excluded.delivered_at, updated_at = excluded.updated_at
    returning (xmax = 0) as created`.execute(db);
  return { created: row.rows[0]?.created ?? false };
}

export const findOrder = (db: Db, orderNo: string) =>
  db.selectFrom("orders").selectAll().where("order_no", "=", orderNo).executeTakeFirst();

type IntakeOrderRow = {
  order_no: string;
  business_line: string;
  customer_phone: string;
  merchant_id: string;
  rider_id: string | null;
  region: string;
};

const intakeOrderOf = (row: IntakeOrderRow): IntakeOrder => ({
  orderNo: row.order_no,
  businessLine: row.business_line,
  customerPhone: row.customer_phone,
  merchantId: row.merchant_id,
  riderId: row.rider_id,
  region: row.region,
});

export async function findOrderForIntake(db: Db, orderNo: string): Promise<IntakeOrder | null> {
  const row = await db
    .selectFrom("orders")
    .select(["order_no", "business_line", "customer_phone", "merchant_id", "rider_id", "region"])
    .where("order_no", "=", orderNo)
    .executeTakeFirst();
  return row ? intakeOrderOf(row) : null;
}

/**
 * What intake needs to know before deciding, in one round trip: the order, and how many tickets the
 * phone filed since its line's repeat-complainant window began (`sinceByLine`, keyed by business line).
 * The count is only taken when the phone owns the order: otherwise it is 0 and never used.
 */
export const findOrderAndRecentComplaints = (
  db: Db,
  orderNo: string,
  phone: string,
  sinceByLine: Record<string, Date>,
): Promise<{ order: IntakeOrder; previousComplaints: number } | null> =>
  groupedLookup(db, { orderNo, phone, sinceByLine });

type Lookup = { orderNo: string; phone: string; sinceByLine: Record<string, Date> };

// Intakes arriving together ask together: one statement for the batch (see platform/batcher.ts).
const groupedLookup = groupCommit(findOrdersAndRecentComplaints);

async function findOrdersAndRecentComplaints(db: Db, batch: readonly Lookup[]) {
  const asked = JSON.stringify(
    batch.map((l, i) => ({
      i,
      order_no: l.orderNo,
      phone: l.phone,
      since: Object.fromEntries(Object.entries(l.sinceByLine).map(([k, v]) => [k, v.toISOString()])),
    })),
  );
  const result = await sql<IntakeOrderRow & { i: number; previous: number }>`
    select q.i, o.order_no, o.business_line, o.customer_phone, o.merchant_id, o.rider_id, o.region,
      case when o.customer_phone = q.phone then (
        select count(*) from tickets t
        where t.customer_phone = q.phone and t.created_at >= (q.since ->> o.business_line)::timestamptz
      ) else 0 end as previous
    from jsonb_to_recordset(${asked}::jsonb) as q(i int, order_no text, phone text, since jsonb)
    join orders o on o.order_no = q.order_no
    -- The planner cannot see into the JSON and guesses 100 rows: the array lets it use the key's index
    -- instead of reading every order.
    where o.order_no = any(${batch.map((l) => l.orderNo)}::text[])`.execute(db);
  const found: ({ order: IntakeOrder; previousComplaints: number } | null)[] = batch.map(() => null);
  for (const row of result.rows)
    found[row.i] = { order: intakeOrderOf(row), previousComplaints: Number(row.previous) };
  return found;
}
