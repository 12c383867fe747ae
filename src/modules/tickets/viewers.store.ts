import type { Db } from "../../db/database.ts";
import { presentSince } from "./viewers.domain.ts";

/** Records that `userId` has the ticket open now; `since` keeps the time the viewing began. */
export async function markViewing(db: Db, ticketNo: string, userId: string, now: Date): Promise<void> {
  await db
    .insertInto("ticket_viewers")
    .values({ ticket_no: ticketNo, user_id: userId, since: now, seen_at: now })
    .onConflict((oc) =>
      oc.columns(["ticket_no", "user_id"]).doUpdateSet((eb) => ({
        seen_at: now,
        // A viewer who had dropped out and came back starts a new viewing.
        since: eb
          .case()
          .when("ticket_viewers.seen_at", "<", presentSince(now))
          .then(now)
          .else(eb.ref("ticket_viewers.since"))
          .end(),
      })),
    )
    .execute();
}

export async function stopViewing(db: Db, ticketNo: string, userId: string): Promise<void> {
  await db
    .deleteFrom("ticket_viewers")
    .where("ticket_no", "=", ticketNo)
    .where("user_id", "=", userId)
    .execute();
}

/** The others who have the ticket open now, longest first. */
export const otherViewers = (db: Db, ticketNo: string, userId: string, now: Date) =>
  db
    .selectFrom("ticket_viewers as v")
    .innerJoin("users as u", "u.id", "v.user_id")
    .select(["u.username", "u.display_name", "v.since"])
    .where("v.ticket_no", "=", ticketNo)
    .where("v.user_id", "!=", userId)
    .where("v.seen_at", ">=", presentSince(now))
    .orderBy("v.since")
    .orderBy("u.username")
    .execute();

/** Housekeeping: rows of workspaces closed long ago. */
export async function deleteStaleViewers(db: Db, now: Date): Promise<number> {
  const r = await db
    .deleteFrom("ticket_viewers")
    .where("seen_at", "<", new Date(now.getTime() - 3600_000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
