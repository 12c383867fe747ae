import type { Db } from "../../db/database.ts";
import type { Principal } from "./roles.ts";
import { userPrincipal } from "./users.store.ts";

/** Reads of the user table for the console: the admin's list, the assignable agents, a stream's holder. */

export interface UserFilter {
  q?: string;
  role?: string;
  limit: number;
  offset: number;
}

export async function listUsers(db: Db, f: UserFilter) {
  let q = db.selectFrom("users");
  if (f.role) q = q.where("role", "=", f.role);
  if (f.q) {
    const like = `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("username", "ilike", like), eb("display_name", "ilike", like)]));
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const items = await q
    .select(["id", "username", "display_name", "role", "merchant_ids", "rider_id", "active", "created_at"])
    .orderBy("username")
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items, total: Number(total.n) };
}

/** Who can be given a ticket: active service staff. */
export const listAssignable = (db: Db) =>
  db
    .selectFrom("users")
    .select(["username", "display_name", "role"])
    .where("role", "in", ["agent", "supervisor", "manager", "admin"])
    .where("active", "=", true)
    .orderBy("role")
    .orderBy("username")
    .execute();

/** The principal of an active user, for credentials that name the user rather than a session. */
export async function principalById(db: Db, id: string): Promise<Principal | null> {
  const row = await db
    .selectFrom("users")
    .select(["id", "username", "role", "merchant_ids", "rider_id"])
    .where("id", "=", id)
    .where("active", "=", true)
    .executeTakeFirst();
  return row ? userPrincipal(row) : null;
}
