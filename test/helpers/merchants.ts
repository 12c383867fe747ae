import { randomUUID } from "node:crypto";
import { client, login } from "./server.ts";

/**
 * A merchant user of another store, made by the admin for a test: the other side of every "a merchant
 * never sees another merchant's data" check. Returns its session token.
 */
export const otherMerchant = (base: string, adminToken: string, merchantId = "M002"): Promise<string> =>
  scopedUser(base, adminToken, { role: "merchant", merchantIds: [merchantId] });

const DISPLAY_NAMES = { merchant: "二号店老板", rider: "新骑手", warehouse: "仓库小周", finance: "财务小吴" };

/**
 * A merchant, rider or department user of this run with the scope given (none at all, if so), made by the
 * admin; its token.
 */
export async function scopedUser(
  base: string,
  adminToken: string,
  scope: { role: keyof typeof DISPLAY_NAMES; merchantIds?: string[]; riderId?: string },
): Promise<string> {
  const username = `${scope.role}-${randomUUID().slice(0, 8)}`;
  const made = await client(base, adminToken).post("/api/v1/users", {
    username,
    displayName: DISPLAY_NAMES[scope.role],
    password: "scoped123456",
    ...scope,
  });
  if (made.status !== 201) throw new Error(`${scope.role} user: ${made.status} ${JSON.stringify(made.body)}`);
  return login(base, username, "scoped123456");
}
