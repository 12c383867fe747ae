import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT, login } from "./helpers/server.ts";

/**
 * A value the database cannot store in any field: a NUL character (U+0000), a lone surrogate (half an
 * emoji) or an infinite number. PostgreSQL fails the statement, so before this guard such a request was a
 * 500 on PostgreSQL (found by the fuzz tests) and sometimes stored on PGlite. Now it is a 400 naming the
 * field, on both, and nothing is stored.
 */
const app = served("admin");

const fieldsOf = (body: { error: { details: { field: string; code: string }[] } }) =>
  body.error.details.map((d) => `${d.field}:${d.code}`);

describe("a value the database cannot store, in a request", () => {
  it.each([
    ["a NUL character", "\u0000"],
    ["a lone surrogate", "\ud83d"],
  ])("refuses a ticket whose description holds %s, naming the field, and stores nothing", async (_, bad) => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const request = { businessLine: "food_delivery", channel: "app", phone, orderNo, category: "delivery" };
    const filed = await client(app.url).post("/api/v1/tickets", {
      ...request,
      description: `${LONG_TEXT}${bad}`,
    });
    expect(filed.status).toBe(400);
    expect(fieldsOf(filed.body)).toEqual(["description:INVALID_CHARACTER"]);
    expect(filed.body.error.details[0].message).toMatch(/description/);
    const stored = await app.server.app.ctx.db
      .selectFrom("tickets")
      .select("ticket_no")
      .where("order_no", "=", orderNo)
      .execute();
    expect(stored).toEqual([]);
    // The same request without it is a ticket.
    const clean = await client(app.url).post("/api/v1/tickets", { ...request, description: LONG_TEXT });
    expect(clean.status).toBe(201);
  });

  it("refuses one in a query, naming each field, where it once was a 500 on PostgreSQL", async () => {
    const res = await client(app.url).get("/api/v1/policy-packs/for-order?orderNo=FD%00&phone=%00138");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body).sort()).toEqual(["orderNo:INVALID_CHARACTER", "phone:INVALID_CHARACTER"]);
  });

  it("refuses an infinite number (1e309), which the schema lets through as an integer, or one past 2^53", async () => {
    const supervisor = client(app.url, await login(app.url, "supervisor1"));
    const res = await supervisor.get("/api/v1/escalations?offset=1e309&level=1e309");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(["offset:OUT_OF_RANGE", "level:OUT_OF_RANGE"]);
    const huge = await supervisor.get("/api/v1/escalations?offset=1e300");
    expect(fieldsOf(huge.body)).toEqual(["offset:OUT_OF_RANGE"]);
    expect((await supervisor.get("/api/v1/escalations?offset=100000")).status).toBe(200);
  });

  it("checks a staff route's login first, then refuses the NUL in its filter", async () => {
    expect((await client(app.url).get("/api/v1/tickets?q=%00")).status).toBe(401);
    const res = await client(app.url, await login(app.url, "agent1")).get("/api/v1/tickets?q=a%00");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(["q:INVALID_CHARACTER"]);
  });
});
