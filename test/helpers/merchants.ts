import { randomUUID } from "node:crypto";
import { client, login } from "./server.ts";

/**
 * A merchant user of another store, made by the admin for a test: the other side of every "a merchant
 * never sees another merchant's data" check. Returns its session token.
 */
export async function otherMerchant(base: string, adminToken: string, merchantId = "M002"): Promise<string> {
  const username = `merchant-${randomUUID().slice(0, 8)}`;
  const made = await client(base, adminToken).post("/api/v1/users", {
    username,
    displayName: "二号店老板",
    password: "merchant123456",
    role: "merchant",
    merchantIds: [merchantId],
  });
  if (made.status !== 201) throw new Error(`merchant user: ${made.status} ${JSON.stringify(made.body)}`);
  return login(base, username, "merchant123456");
}
