import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { groupCommit } from "../../platform/batcher.ts";
import type { Listing, ListingStatus } from "../abuse/blacklist.domain.ts";
import { type IntakeOrderRow, intakeOrderOf } from "../orders/orders.store.ts";
import type { IntakeOrder } from "./intake.domain.ts";

/** What intake must know before deciding a request that names an order its phone owns. */
export interface IntakeFacts {
  order: IntakeOrder;
  /** Tickets the phone filed since its line's repeat-complainant window began; 0 if it does not own the order. */
  previousComplaints: number;
  /** The phone's active blacklist listing, if any; null if it does not own the order. */
  listing: Listing | null;
}

/**
 * The order, the phone's recent complaints and its blacklist listing, in one round trip; null when there is
 * no such order. `sinceByLine` is each business line's window start. Only a request whose phone owns its
 * order can be registered, so the count and the listing are only read for those (a stranger's phone learns
 * nothing through them).
 */
export const findIntakeFacts = (
  db: Db,
  orderNo: string,
  phone: string,
  sinceByLine: Record<string, Date>,
): Promise<IntakeFacts | null> => groupedFacts(db, { orderNo, phone, sinceByLine });

type Asked = { orderNo: string; phone: string; sinceByLine: Record<string, Date> };

// Intakes arriving together ask together: one statement for the batch (see platform/batcher.ts).
const groupedFacts = groupCommit(findManyIntakeFacts);

async function findManyIntakeFacts(db: Db, batch: readonly Asked[]): Promise<(IntakeFacts | null)[]> {
  const asked = JSON.stringify(
    batch.map((l, i) => ({
      i,
      order_no: l.orderNo,
      phone: l.phone,
      since: Object.fromEntries(Object.entries(l.sinceByLine).map(([k, v]) => [k, v.toISOString()])),
    })),
  );
  const result = await sql<
    IntakeOrderRow & {
      i: number;
      previous: number;
      listing_id: string | null;
      listing_reason: string | null;
      listing_expires_at: Date | null;
      listing_status: ListingStatus | null;
    }
  >`
    select q.i, o.order_no, o.business_line, o.customer_phone, o.merchant_id, o.rider_id, o.region,
      case when o.customer_phone = q.phone then (
        select count(*) from tickets t
        where t.customer_phone = q.phone and t.created_at >= (q.since ->> o.business_line)::timestamptz
      ) else 0 end as previous,
      b.id as listing_id, b.reason as listing_reason, b.expires_at as listing_expires_at,
      b.status as listing_status
    from jsonb_to_recordset(${asked}::jsonb) as q(i int, order_no text, phone text, since jsonb)
    join orders o on o.order_no = q.order_no
    -- At most one: a phone has one active listing (blacklist_one_active).
    left join blacklist b on b.phone = q.phone and b.status = 'active' and o.customer_phone = q.phone
    -- The planner cannot see into the JSON and guesses 100 rows: the array lets it use the key's index
    -- instead of reading every order.
    where o.order_no = any(${batch.map((l) => l.orderNo)}::text[])`.execute(db);
  const found: (IntakeFacts | null)[] = batch.map(() => null);
  for (const row of result.rows)
    found[row.i] = {
      order: intakeOrderOf(row),
      previousComplaints: Number(row.previous),
      listing: row.listing_id
        ? {
            id: row.listing_id,
            reason: row.listing_reason!,
            expiresAt: new Date(row.listing_expires_at!),
            status: row.listing_status!,
          }
        : null,
    };
  return found;
}
