import { expect } from "vitest";
import { client, createOrder, LONG_TEXT } from "./server.ts";

/**
 * The SLA tests' usual case: a late-delivery request from the food-delivery app by a fresh customer,
 * a general one (first response: 30 minutes of service time). Answers its ticket number.
 */
export async function fileLateDelivery(base: string, adminToken: string): Promise<string> {
  const { phone, orderNo } = await createOrder(base, adminToken);
  const r = await client(base).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    description: LONG_TEXT,
    expectedResolution: "refund",
  });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ businessLine: "food_delivery", severity: "general", urgent: false });
  return r.body.ticketNo;
}
