import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { OrderItemRow } from "../../db/schema.ts";
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

type Names = { merchant: string | null; rider: string | null; product: string | null };

/**
 * The names of a merchant, a rider and a product, for people who know them by name rather than by id;
 * null for an id not given or not on file. One round trip for the three.
 */
export async function namesOfIds(
  db: Db,
  ids: { merchant?: string | null; rider?: string | null; product?: string | null },
): Promise<Names> {
  const r = await sql<Names>`
    select (select name from merchants where id = ${ids.merchant ?? null}) as merchant,
      (select name from riders where id = ${ids.rider ?? null}) as rider,
      (select name from products where id = ${ids.product ?? null}) as product`.execute(db);
  return r.rows[0] ?? { merchant: null, rider: null, product: null };
}

export type IntakeOrderRow = {
  order_no: string;
  business_line: string;
  customer_phone: string;
  merchant_id: string;
  rider_id: string | null;
  region: string;
};

export const intakeOrderOf = (row: IntakeOrderRow): IntakeOrder => ({
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
