import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { UsersTable } from "../../db/schema.ts";
import { newSecret, randomId, sha256 } from "../../platform/ids.ts";
import { hashPassword } from "../../platform/passwords.ts";
import type { Principal, Role } from "./roles.ts";

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  merchantIds?: string[];
  riderId?: string | null;
}

export async function createUser(db: Db, user: NewUser, now: Date): Promise<string> {
  const id = randomId(9);
  await db
    .insertInto("users")
    .values({
      id,
      username: user.username,
      display_name: user.displayName,
      password_hash: await hashPassword(user.password),
      role: user.role,
      merchant_ids: user.merchantIds ?? [],
      rider_id: user.riderId ?? null,
      created_at: now,
    })
    .execute();
  return id;
}

export const findUserByName = (db: Db, username: string) =>
  db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username)
    .where("active", "=", true)
    .executeTakeFirst();

export const findUsersByIds = (db: Db, ids: string[]) =>
  ids.length
    ? db.selectFrom("users").select(["id", "username", "display_name"]).where("id", "in", ids).execute()
    : Promise.resolve([]);

export const findUserByUsername = (db: Db, username: string) =>
  db
    .selectFrom("users")
    .select(["id", "username", "display_name", "role"])
    .where("username", "=", username)
    .executeTakeFirst();

/** Tokens are random; only their hash is stored, so a copy of the database opens no session. */
export async function createSession(
  db: Db,
  userId: string,
  now: Date,
  ttlMinutes: number,
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash } = newSecret("st");
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000);
  await db
    .insertInto("sessions")
    .values({ token_hash: hash, user_id: userId, created_at: now, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", sha256(token)).execute();
}

export async function principalForSession(db: Db, token: string, now: Date): Promise<Principal | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.username", "users.role", "users.merchant_ids", "users.rider_id"])
    .where("sessions.token_hash", "=", sha256(token))
    .where("sessions.expires_at", ">", now)
    .where("users.active", "=", true)
    .executeTakeFirst();
  return row ? userPrincipal(row) : null;
}

/** A signed-in user acts with its role's permissions, so it carries no scopes of its own. */
export const userPrincipal = (
  row: Pick<Selectable<UsersTable>, "id" | "username" | "role" | "merchant_ids" | "rider_id">,
): Principal => ({
  kind: "user",
  id: row.id,
  name: row.username,
  role: row.role as Role,
  merchantIds: row.merchant_ids,
  riderId: row.rider_id,
  scopes: [],
});

export async function createApiKey(
  db: Db,
  name: string,
  scopes: string[],
  now: Date,
): Promise<{ id: string; key: string }> {
  const id = randomId(6);
  const { token: key, hash } = newSecret("ak");
  await db.insertInto("api_keys").values({ id, name, key_hash: hash, scopes, created_at: now }).execute();
  return { id, key };
}

export async function revokeApiKey(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable("api_keys")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function principalForApiKey(db: Db, key: string): Promise<Principal | null> {
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "name", "scopes"])
    .where("key_hash", "=", sha256(key))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    kind: "apiKey",
    id: row.id,
    name: `apikey:${row.name}`,
    role: "integration",
    merchantIds: [],
    riderId: null,
    scopes: row.scopes,
  };
}
