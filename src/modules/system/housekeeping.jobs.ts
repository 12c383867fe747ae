import type { Db } from "../../db/database.ts";
import type { Poller } from "../../platform/jobs.ts";
import { deleteExpiredSignIns } from "../customers/sign-in.store.ts";
import { deleteStaleViewers } from "../tickets/viewers.store.ts";

/** Idempotency keys protect retries for a week; after that a retry is a new request. */
const IDEMPOTENCY_DAYS = 7;

export function housekeeping(db: Db): Poller {
  return {
    name: "housekeeping",
    everySeconds: 600,
    async poll(now) {
      const sessions = await db.deleteFrom("sessions").where("expires_at", "<", now).executeTakeFirst();
      const keys = await db
        .deleteFrom("idempotency_keys")
        .where("created_at", "<", new Date(now.getTime() - IDEMPOTENCY_DAYS * 86_400_000))
        .executeTakeFirst();
      const signIns = await deleteExpiredSignIns(db, now);
      const viewers = await deleteStaleViewers(db, now);
      return Number(sessions.numDeletedRows) + Number(keys.numDeletedRows) + signIns + viewers;
    },
  };
}
