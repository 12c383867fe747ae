import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { randomOrderNo } from "./helpers/evidence.ts";
import { scopedUser } from "./helpers/merchants.ts";
import { served } from "./helpers/served.ts";
import { client, fileAppTicket, login } from "./helpers/server.ts";

const app = served("admin", "agent1");

/** A ticket filed by a fresh customer on an order of the given merchant. */
const ticketFor = (merchantId: string) => fileAppTicket(app.url, app.token.admin, { merchantId });

const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

const errorShape = {
  error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) },
};

describe("staff routes need a login", () => {
  it.each([
    ["GET", "/api/v1/tickets"],
    ["GET", "/api/v1/tickets/FD20260101000001"],
    ["POST", "/api/v1/tickets/FD20260101000001/take"],
    ["GET", "/api/v1/auth/me"],
  ])("%s %s without a token → 401 with the error body", async (method, path) => {
    const res = await fetch(app.url + path, { method });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual(errorShape);
    expect(body.error.code).toBe("UNAUTHORIZED");
    expect(body.error.message).toBe("请先登录");
  });

  it("refuses a made-up or logged-out token with 401", async () => {
    expect((await client(app.url, "st_not-a-real-token").get("/api/v1/tickets")).status).toBe(401);
    expect((await client(app.url, "ak_not-a-real-key").get("/api/v1/tickets")).status).toBe(401);

    const token = await login(app.url, "agent2");
    expect((await client(app.url, token).get("/api/v1/tickets")).status).toBe(200);
    expect((await client(app.url, token).post("/api/v1/auth/logout")).status).toBe(204);
    const after = await client(app.url, token).get("/api/v1/tickets", { "accept-language": "en" });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe("Authentication required");
  });
});

describe("quality inspectors read but do not work tickets", () => {
  it("lets qa see the queue and a ticket, and refuses take, replies and transitions with 403", async () => {
    const { ticketNo } = await ticketFor("M001");
    const qa = client(app.url, await login(app.url, "qa1"));
    expect((await qa.get("/api/v1/tickets?view=unassigned")).status).toBe(200);
    expect((await qa.get(`/api/v1/tickets/${ticketNo}`)).status).toBe(200);

    const attempts = [
      await qa.post(`/api/v1/tickets/${ticketNo}/take`),
      await qa.post(`/api/v1/tickets/${ticketNo}/replies`, { body: "您好", visibility: "customer" }),
      await qa.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "in_progress" }),
    ];
    for (const r of attempts) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe("FORBIDDEN");
    }
    const detail = await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`);
    expect(detail.body).toMatchObject({ status: "new", assignee: null });
    expect(detail.body.events).toHaveLength(1);
  });
});

describe("a merchant sees only its own tickets", () => {
  it("finds tickets of M001 in its list and detail, with the customer's phone masked", async () => {
    const own = await ticketFor("M001");
    const merchant = client(app.url, await login(app.url, "merchant1"));

    const list = await merchant.get(`/api/v1/tickets?q=${own.orderNo}`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      ticketNo: own.ticketNo,
      merchantId: "M001",
      customerPhone: masked(own.phone),
    });

    const detail = await merchant.get(`/api/v1/tickets/${own.ticketNo}`);
    expect(detail.status).toBe(200);
    expect(detail.body.customerPhone).toBe(masked(own.phone));
    expect(JSON.stringify(detail.body)).not.toContain(own.phone);

    const asAgent = await app.as("agent1").get(`/api/v1/tickets/${own.ticketNo}`);
    expect(asAgent.body.customerPhone).toBe(own.phone);
  });

  it("gets 404 for another merchant's ticket, and never sees it in any list", async () => {
    const other = await ticketFor("M002");
    const merchant = client(app.url, await login(app.url, "merchant1"));

    const detail = await merchant.get(`/api/v1/tickets/${other.ticketNo}`);
    expect(detail.status).toBe(404);
    expect(detail.body.error.code).toBe("NOT_FOUND");
    const unknown = await merchant.get("/api/v1/tickets/FD19990101999999");
    expect(detail.body).toEqual(unknown.body);

    expect((await merchant.get(`/api/v1/tickets?q=${other.orderNo}`)).body.total).toBe(0);
    expect((await merchant.get(`/api/v1/tickets?q=${other.ticketNo}`)).body.total).toBe(0);
    const everything = await merchant.get("/api/v1/tickets?limit=200");
    expect(everything.body.items.length).toBeGreaterThan(0);
    for (const t of everything.body.items) {
      expect(t.merchantId).toBe("M001");
      expect(t.customerPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
    const reply = await merchant.post(`/api/v1/tickets/${other.ticketNo}/replies`, {
      body: "x",
      visibility: "customer",
    });
    expect(reply.status).toBe(403);
  });
});

describe("an account with nothing in its scope sees nothing", () => {
  it("gives a merchant with no shop and a rider with no rider id empty lists, not all tickets or a 500", async () => {
    const some = await ticketFor("M001");
    for (const scope of [{ role: "merchant" as const }, { role: "rider" as const }]) {
      const user = client(app.url, await scopedUser(app.url, app.token.admin, scope));
      const list = await user.get("/api/v1/tickets?limit=200");
      expect(list.status, scope.role).toBe(200);
      expect(list.body).toMatchObject({ items: [], total: 0 });
      expect((await user.get(`/api/v1/tickets/${some.ticketNo}`)).status, scope.role).toBe(404);
    }
    const rider = client(app.url, await scopedUser(app.url, app.token.admin, { role: "rider" }));
    const scorecard = await rider.get("/api/v1/reports/riders?month=2026-11");
    expect(scorecard.status).toBe(200);
    expect(scorecard.body.items).toEqual([]);
  });

  it("refuses to make a rider with an empty rider id, naming the field", async () => {
    const made = await app.as("admin").post("/api/v1/users", {
      username: `rider-${randomUUID().slice(0, 8)}`,
      displayName: "空骑手",
      password: "scoped123456",
      role: "rider",
      riderId: "",
    });
    expect(made.status).toBe(400);
    expect(made.body.error.details[0].field).toBe("riderId");
  });

  it("finds no ticket for an assignee who does not exist", async () => {
    const list = await app.as("agent1").get("/api/v1/tickets?assignee=nobody-here");
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });
  });
});

describe("orders are pushed by an admin or an integration key", () => {
  const order = () => ({
    businessLine: "fresh_food",
    customerPhone: "13912345678",
    merchantId: "M007",
    region: "上海-徐汇",
    items: [{ productId: "P0050", name: "智利车厘子 1kg", quantity: 1, unitPriceFen: 12800 }],
    paidFen: 12800,
    paidAt: new Date().toISOString(),
  });

  it("refuses an anonymous push with 401 and a staff push with 403", async () => {
    const orderNo = randomOrderNo();
    expect((await client(app.url).put(`/api/v1/orders/${orderNo}`, order())).status).toBe(401);
    const byAgent = await app.as("agent1").put(`/api/v1/orders/${orderNo}`, order());
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe("FORBIDDEN");
  });

  it("accepts a key with scope orders.write until it is revoked", async () => {
    const created = await app.as("admin").post("/api/v1/api-keys", {
      name: `order-system-${randomUUID().slice(0, 8)}`,
      scopes: ["orders.write"],
    });
    expect(created.status).toBe(201);
    const { id, key } = created.body;
    expect(key).toMatch(/^ak_/);
    const system = { "x-api-key": key };

    const orderNo = randomOrderNo();
    const pushed = await client(app.url).put(`/api/v1/orders/${orderNo}`, order(), system);
    expect(pushed.status).toBe(201);
    expect(pushed.body.orderNo).toBe(orderNo);
    // The key is good for orders, not for reading tickets.
    expect((await client(app.url).get("/api/v1/tickets", system)).status).toBe(403);

    const revoke = await fetch(`${app.url}/api/v1/api-keys/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${app.token.admin}` },
    });
    expect(revoke.status).toBe(204);
    const after = await client(app.url).put(`/api/v1/orders/${orderNo}`, order(), system);
    expect(after.status).toBe(401);
  });

  it("refuses a key without the orders.write scope with 403", async () => {
    const { key } = (
      await app.as("admin").post("/api/v1/api-keys", {
        name: `intake-only-${randomUUID().slice(0, 8)}`,
        scopes: ["tickets.register"],
      })
    ).body;
    const r = await client(app.url).put(`/api/v1/orders/${randomOrderNo()}`, order(), {
      "x-api-key": key,
    });
    expect(r.status).toBe(403);
  });

  it("lets only an admin create keys", async () => {
    const r = await app.as("agent1").post("/api/v1/api-keys", {
      name: "x",
      scopes: ["orders.write"],
    });
    expect(r.status).toBe(403);
  });
});

describe("login", () => {
  it("answers a wrong password and an unknown user alike with 401 INVALID_CREDENTIALS", async () => {
    const wrong = await client(app.url).post("/api/v1/auth/login", {
      username: "agent1",
      password: "nope",
    });
    const unknown = await client(app.url).post("/api/v1/auth/login", {
      username: `ghost-${randomUUID().slice(0, 8)}`,
      password: "nope",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("INVALID_CREDENTIALS");
    expect(unknown.body).toEqual(wrong.body);
  });

  it("locks an account after 5 failures: the 6th try is 429 ACCOUNT_LOCKED, even with the right password", async () => {
    const username = `locktest_${randomUUID().slice(0, 8)}`;
    const password = "Correct-horse-42";
    const made = await app.as("admin").post("/api/v1/users", {
      username,
      displayName: "锁定测试",
      password,
      role: "agent",
    });
    expect(made.status).toBe(201);

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await client(app.url).post("/api/v1/auth/login", { username, password: "wrong" })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    const sixth = await client(app.url).post("/api/v1/auth/login", { username, password });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("ACCOUNT_LOCKED");
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect(await login(app.url, "agent2")).toMatch(/^st_/);
  });
});
