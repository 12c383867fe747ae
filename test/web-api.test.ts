import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, createOrder, fileAppTicket, login } from "./helpers/server.ts";

/** The routes the console and the H5 pages rely on, over real HTTP: packs, people, orders, live events. */
const app = served("admin", "agent1", "merchant1");

const fileTicket = (merchantId = "M001") => fileAppTicket(app.url, app.token.admin, { merchantId });

interface SseEvent {
  event: string;
  data: { ticketNo?: string; type?: string };
}

/** Reads a server-sent-events response as it arrives. */
async function openStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const events: SseEvent[] = [];
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = "";
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    events,
    async waitFor(match: (e: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
      const until = Date.now() + ms;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching event in ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => controller.abort(),
    body: res.ok ? undefined : await res.json(),
  };
}

async function streamToken(token: string): Promise<string> {
  const r = await client(app.url, token).post("/api/v1/live/tokens");
  expect(r.status).toBe(201);
  return r.body.token;
}

describe("policy packs for forms and consoles", () => {
  it("gives the public part of a pack, without the keywords a claimant could game", async () => {
    const list = await client(app.url).get("/api/v1/policy-packs");
    expect(list.body.items.map((p: { businessLine: string }) => p.businessLine).sort()).toEqual([
      "b2b_food_supply",
      "ecommerce",
      "food_delivery",
      "fresh_food",
    ]);
    const pack = await client(app.url).get("/api/v1/policy-packs/food_delivery");
    expect(pack.status).toBe(200);
    expect(pack.body.descriptionMinLength.app).toBe(100);
    expect(pack.body.categories.map((c: { code: string }) => c.code)).toEqual(
      expect.arrayContaining(["delivery", "food", "packaging", "service_attitude"]),
    );
    expect(JSON.stringify(pack.body)).not.toContain("keywords");
    expect(JSON.stringify(pack.body)).not.toContain("remedies");
    expect((await client(app.url).get("/api/v1/policy-packs/groceries")).status).toBe(400);
  });

  it("finds the pack for an order only with the order's own phone", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin, { businessLine: "food_delivery" });
    const found = await client(app.url).get(
      `/api/v1/policy-packs/for-order?orderNo=${orderNo}&phone=${phone}`,
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ orderNo, businessLine: "food_delivery" });
    const wrong = await client(app.url).get(
      `/api/v1/policy-packs/for-order?orderNo=${orderNo}&phone=13900000000`,
    );
    const unknown = await client(app.url).get(`/api/v1/policy-packs/for-order?orderNo=NOPE1&phone=${phone}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.details[0].field).toBe("orderNo");
  });

  it("shows the whole pack to administrators only", async () => {
    expect((await app.as("agent1").get("/api/v1/policy-packs/fresh_food/full")).status).toBe(403);
    expect((await client(app.url).get("/api/v1/policy-packs/fresh_food/full")).status).toBe(401);
    const full = await app.as("admin").get("/api/v1/policy-packs/fresh_food/full");
    expect(full.status).toBe(200);
    expect(full.body.sla.firstResponseMinutes.default).toBeGreaterThan(0);
    expect(full.body.categories[0].keywords.length).toBeGreaterThan(0);
  });
});

describe("people", () => {
  it("lists users with roles and scopes, paged, for administrators", async () => {
    const page = await app.as("admin").get("/api/v1/users?limit=3");
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(3);
    expect(page.body.total).toBeGreaterThanOrEqual(7);
    const merchants = await app.as("admin").get("/api/v1/users?role=merchant&q=merchant1");
    expect(merchants.body.items).toEqual([
      expect.objectContaining({
        username: "merchant1",
        role: "merchant",
        merchantIds: ["M001"],
        active: true,
      }),
    ]);
    expect(JSON.stringify(page.body)).not.toContain("password");
    expect((await app.as("agent1").get("/api/v1/users")).status).toBe(403);
    const roles = await app.as("admin").get("/api/v1/roles");
    expect(roles.body.items.find((r: { role: string }) => r.role === "merchant").permissions).toContain(
      "tickets.read",
    );
  });

  it("offers supervisors the staff a ticket can be assigned to", async () => {
    const supervisor = await login(app.url, "supervisor1");
    const agents = await client(app.url, supervisor).get("/api/v1/agents");
    const names = agents.body.items.map((a: { username: string }) => a.username);
    expect(names).toEqual(expect.arrayContaining(["agent1", "agent2"]));
    expect(names).not.toContain("merchant1");
    expect((await app.as("agent1").get("/api/v1/agents")).status).toBe(403);
  });
});

describe("the order behind a ticket", () => {
  it("shows items and amounts to staff, and nothing to another merchant", async () => {
    const own = await fileTicket("M001");
    const other = await fileTicket("M002");
    const order = await app.as("agent1").get(`/api/v1/tickets/${own.ticketNo}/order`);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      orderNo: own.orderNo,
      merchantId: "M001",
      merchantName: "老王麻辣烫",
      riderId: "R001",
      riderName: "骑手1号",
      paidFen: 2800,
    });
    expect(order.body.items[0]).toMatchObject({
      quantity: 1,
      unitPriceFen: 2800,
      amountFen: 2800,
      batchNo: "P0001-B3",
    });
    expect((await app.as("merchant1").get(`/api/v1/tickets/${own.ticketNo}/order`)).status).toBe(200);
    expect((await app.as("merchant1").get(`/api/v1/tickets/${other.ticketNo}/order`)).status).toBe(404);
  });
});

describe("live events", () => {
  it("tells a merchant only of its own tickets, and staff of all", async () => {
    expect((await client(app.url).post("/api/v1/live/tokens")).status).toBe(401);
    const forged = await openStream(`${app.url}/api/v1/live/tickets?token=someone.9999999999.forged`);
    expect(forged.status).toBe(401);

    const merchantStream = await openStream(
      `${app.url}/api/v1/live/tickets?token=${await streamToken(app.token.merchant1)}`,
    );
    const agentStream = await openStream(
      `${app.url}/api/v1/live/tickets?token=${await streamToken(app.token.agent1)}`,
    );
    expect(merchantStream.contentType).toContain("text/event-stream");
    await merchantStream.waitFor((e) => e.event === "ready");
    await agentStream.waitFor((e) => e.event === "ready");

    const other = await fileTicket("M002");
    const own = await fileTicket("M001");
    await agentStream.waitFor((e) => e.data.ticketNo === other.ticketNo);
    await agentStream.waitFor((e) => e.data.ticketNo === own.ticketNo);
    // Events arrive in order: once the merchant hears of its own (later) ticket, it has heard all it will.
    await merchantStream.waitFor((e) => e.data.ticketNo === own.ticketNo);
    expect(merchantStream.events.some((e) => e.data.ticketNo === other.ticketNo)).toBe(false);
    expect(Object.keys(merchantStream.events.find((e) => e.event === "ticket")!.data).sort()).toEqual([
      "ticketNo",
      "type",
    ]);
    merchantStream.close();
    agentStream.close();
  });

  it("tells the customer's progress page when its ticket changes, given the right phone", async () => {
    const { phone, ticketNo } = await fileTicket();
    const wrong = await openStream(`${app.url}/api/v1/tickets/${ticketNo}/progress/stream?phone=13900000000`);
    expect(wrong.status).toBe(404);
    const stream = await openStream(`${app.url}/api/v1/tickets/${ticketNo}/progress/stream?phone=${phone}`);
    await stream.waitFor((e) => e.event === "ready");
    const reply = await app.as("agent1").post(`/api/v1/tickets/${ticketNo}/replies`, {
      body: "您好，已在处理",
      visibility: "customer",
    });
    expect(reply.status).toBe(201);
    expect((await stream.waitFor((e) => e.event === "ticket")).data).toEqual({ ticketNo, type: "changed" });
    stream.close();
  });
});

describe("web pages", () => {
  it("sends / to the console and answers page URLs with HTML, leaving API 404s alone", async () => {
    const root = await fetch(`${app.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/console");
    const page = await fetch(`${app.url}/h5/progress/FD2026112500001`);
    // 200 with the app when web/dist is built, 503 with instructions when it is not: HTML either way.
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get("content-type")).toContain("text/html");
    const api = await client(app.url).get("/api/v1/no-such-route");
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe("NOT_FOUND");
  });
});
