import type { Db } from "../../db/database.ts";

/** A customer's own tickets, newest first, for "my requests"; through the phone index. */
export const requestsOfCustomer = (db: Db, phone: string, limit: number) =>
  db
    .selectFrom("tickets")
    .select([
      "ticket_no",
      "business_line",
      "order_no",
      "category",
      "status",
      "description",
      "merged_into",
      "created_at",
      "updated_at",
      "resolution_due_at",
      "resolved_at",
      "closed_at",
    ])
    .where("customer_phone", "=", phone)
    .orderBy("created_at", "desc")
    .orderBy("ticket_no", "desc")
    .limit(limit)
    .execute();

export async function hasRequests(db: Db, phone: string): Promise<boolean> {
  const r = await db
    .selectFrom("tickets")
    .select("ticket_no")
    .where("customer_phone", "=", phone)
    .limit(1)
    .executeTakeFirst();
  return !!r;
}
