import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, LONG_TEXT, login, startServer, type TestServer } from "./helpers/server.ts";

/**
 * Text the database cannot store in any field: a NUL character (U+0000) or a lone surrogate (half an
 * emoji). PostgreSQL fails the statement, so before this guard such a request was a 500 on PostgreSQL
 * (found by the public fuzz test) and stored on PGlite. Now it is a 400 naming the field, on both, and
 * nothing is stored.
 */
let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startServer();
  admin = await login(server.url, "admin");
});
afterAll(() => server?.close());

const fieldsOf = (body: { error: { details: { field: string; code: string }[] } }) =>
  body.error.details.map((d) => `${d.field}:${d.code}`);

describe("text the database cannot store, in a request", () => {
  it.each([
    ["a NUL character", "\u0000"],
    ["a lone surrogate", "\ud83d"],
  ])("refuses a ticket whose description holds %s, naming the field, and stores nothing", async (_, bad) => {
    const { phone, orderNo } = await createOrder(server.url, admin);
    const request = { businessLine: "food_delivery", channel: "app", phone, orderNo, category: "delivery" };
    const filed = await client(server.url).post("/api/v1/tickets", {
      ...request,
      description: `${LONG_TEXT}${bad}`,
    });
    expect(filed.status).toBe(400);
    expect(fieldsOf(filed.body)).toEqual(["description:INVALID_CHARACTER"]);
    expect(filed.body.error.details[0].message).toMatch(/description/);
    const stored = await server.app.ctx.db
      .selectFrom("tickets")
      .select("ticket_no")
      .where("order_no", "=", orderNo)
      .execute();
    expect(stored).toEqual([]);
    // The same request without it is a ticket.
    const clean = await client(server.url).post("/api/v1/tickets", { ...request, description: LONG_TEXT });
    expect(clean.status).toBe(201);
  });

  it("refuses one in a query, naming each field, where it once was a 500 on PostgreSQL", async () => {
    const res = await client(server.url).get("/api/v1/policy-packs/for-order?orderNo=FD%00&phone=%00138");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(["orderNo:INVALID_CHARACTER", "phone:INVALID_CHARACTER"]);
  });

  it("checks a staff route's login first, then refuses the NUL in its filter", async () => {
    expect((await client(server.url).get("/api/v1/tickets?q=%00")).status).toBe(401);
    const res = await client(server.url, await login(server.url, "agent1")).get("/api/v1/tickets?q=a%00");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(["q:INVALID_CHARACTER"]);
  });
});
