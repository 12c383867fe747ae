import { createHmac, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { jpeg, upload } from "./helpers/evidence.ts";
import { openTicket, WRONG_CHERRIES } from "./helpers/remedies.ts";
import { ROUTE_MATRIX, type RouteRule } from "./helpers/route-matrix.ts";
import { served } from "./helpers/served.ts";
import { client, freshCustomer, LONG_TEXT, login } from "./helpers/server.ts";

/**
 * Tenant isolation on every route that takes an id, enumerated from the route matrix so a new route is
 * covered the day it is listed there: merchant1 (M001) and rider1 (R001) ask for another merchant's and
 * another rider's ticket, order, remedy, execution order, attachment, suggestion… and get 403 or 404,
 * never a word of its data; a customer with one phone never opens another customer's ticket.
 */
const CTI_SECRET = "cti-shared-secret-for-tests-0123";
const app = served({ env: { CTI_SECRET } }, "admin", "agent1", "merchant1", "rider1", "warehouse1");

/** A hotline call as the CTI reports it (signed webhook). */
async function hotlineCall(callerNumber: string): Promise<string> {
  const callId = `C-${randomUUID()}`;
  const body = JSON.stringify({
    eventId: randomUUID(),
    callId,
    type: "call_started",
    at: new Date().toISOString(),
    callerNumber,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${app.url}/api/v1/channels/cti/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-cti-timestamp": timestamp,
      "x-cti-signature": `sha256=${createHmac("sha256", CTI_SECRET).update(`${timestamp}.${body}`).digest("hex")}`,
    },
    body,
  });
  expect(res.status).toBe(200);
  return callId;
}

/** What only the foreign objects contain: if any of it appears in an answer, data leaked. */
const MARKER_NAME = "隔离测试李四";
let foreign: {
  ticketNo: string;
  phone: string;
  orderNo: string;
  remedyId: string;
  executionOrderId: string;
  attachmentId: string;
  suggestionId: string;
};
let own: { ticketNo: string; phone: string };
let foreignBefore: { status: string; events: number };

beforeAll(async () => {
  // Another merchant (M002) with its own login, and a ticket of its own with another rider (R002).
  const username = `merchant2x${process.pid % 10000}`;
  const made = await app.as("admin").post("/api/v1/users", {
    username,
    displayName: "别家商户",
    password: "merchant2-passw0rd",
    role: "merchant",
    merchantIds: ["M002"],
  });
  expect(made.status).toBe(201);
  const merchant2 = await login(app.url, username, "merchant2-passw0rd");
  const suggestion = await client(app.url, merchant2).post("/api/v1/merchant/suggestions", {
    topic: "别家商户的建议",
    details: `${MARKER_NAME}希望增加结算对账报表，每月手工核对太累。`,
  });
  expect(suggestion.status).toBe(201);

  const photo = await upload(app.url, await jpeg("#123456"));
  expect(photo.status).toBe(201);
  const c = freshCustomer();
  const order = await app.as("admin").put(`/api/v1/orders/${c.orderNo}`, {
    businessLine: "food_delivery",
    customerPhone: c.phone,
    merchantId: "M002",
    riderId: "R002",
    region: "上海-浦东",
    items: [{ productId: "P0001", name: "麻辣烫套餐", quantity: 1, unitPriceFen: 2800 }],
    paidFen: 2800,
    paidAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    deliveredAt: new Date(Date.now() - 3600_000).toISOString(),
  });
  expect(order.status).toBe(201);
  const filed = await client(app.url).post("/api/v1/tickets", {
    channel: "app",
    phone: c.phone,
    orderNo: c.orderNo,
    name: MARKER_NAME,
    category: "delivery",
    description: LONG_TEXT,
    attachmentIds: [photo.body.id],
  });
  expect(filed.status).toBe(201);
  const ticketNo = filed.body.ticketNo as string;
  const staff = app.as("agent1");
  expect(
    (
      await staff.post(`/api/v1/tickets/${ticketNo}/classification`, {
        category: "delivery",
        subType: "late",
        reason: "超时",
      })
    ).status,
  ).toBe(200);
  expect((await staff.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
  const remedy = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {});
  expect(remedy.status).toBe(201);

  // An execution order (a warehouse resend) of a fresh-food merchant that is not M001 either.
  const cherries = await openTicket(app.server, app.token.admin, app.token.agent1, WRONG_CHERRIES);
  expect((await staff.post(`/api/v1/tickets/${cherries.ticketNo}/remedies`, {})).status).toBe(201);
  const board = await app.as("warehouse1").get(`/api/v1/execution-orders?ticketNo=${cherries.ticketNo}`);
  expect(board.body.items.length).toBeGreaterThan(0);

  foreign = {
    ticketNo,
    phone: c.phone,
    orderNo: c.orderNo,
    remedyId: remedy.body.id,
    executionOrderId: board.body.items[0].id,
    attachmentId: photo.body.id,
    suggestionId: suggestion.body.id,
  };
  const mine = await openTicket(app.server, app.token.admin, app.token.agent1, { category: "delivery" });
  own = { ticketNo: mine.ticketNo, phone: mine.phone };
  const t = (await app.as("admin").get(`/api/v1/tickets/${ticketNo}`)).body;
  foreignBefore = { status: t.status, events: t.events.length };
});

/** The id each path parameter gets: the foreign object's where there is one, else an id that exists nowhere. */
function foreignUrl(url: string): string {
  const byName: Record<string, string> = {
    ticketNo: foreign.ticketNo,
    orderNo: foreign.orderNo,
    remedyId: foreign.remedyId,
    orderId: foreign.executionOrderId,
    phone: foreign.phone,
    variant: "file",
    requestNo: "MR20990101000001",
    callId: "no-such-call",
    entryId: "no-such-entry",
    token: "no-such-token",
  };
  const id = url.startsWith("/api/v1/attachments/")
    ? foreign.attachmentId
    : url.includes("suggestions/")
      ? foreign.suggestionId
      : "no-such-id-0000";
  return url.replace(/:(\w+)/g, (_m, name: string) => byName[name] ?? id);
}

/** Parameters that name an object someone owns; routes with only calendar dates, pack names etc. are not about tenants. */
const OBJECT_PARAMS = [
  "ticketNo",
  "orderNo",
  "id",
  "remedyId",
  "orderId",
  "requestNo",
  "callId",
  "entryId",
  "token",
  "phone",
];
const takesAnId = (r: RouteRule) =>
  (r.url.match(/:(\w+)/g) ?? []).some((p) => OBJECT_PARAMS.includes(p.slice(1)));
const idRoutes = ROUTE_MATRIX.filter((r) => !r.onlyWith && takesAnId(r));
const key = (r: RouteRule) => `${r.method} ${r.url}`;

async function call(rule: RouteRule, token?: string) {
  const hasBody = rule.method === "POST" || rule.method === "PUT";
  // Public routes take the customer's proof: here a real phone, but of another customer than the ticket's.
  const res = await fetch(`${app.url}${foreignUrl(rule.url)}?phone=${own.phone}`, {
    method: rule.method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(hasBody ? { "content-type": "application/json" } : {}),
    },
    body: hasBody ? JSON.stringify({ phone: own.phone }) : undefined,
  });
  return { status: res.status, text: await res.text() };
}

function neverLeaks(text: string) {
  expect(text).not.toContain(foreign.phone);
  expect(text).not.toContain(
    foreign.phone.slice(-4) === own.phone.slice(-4) ? "\u0001" : foreign.phone.slice(-4),
  );
  expect(text).not.toContain(MARKER_NAME);
  expect(text).not.toContain(foreign.orderNo);
}

describe("the routes that take an id", () => {
  it("are many, and the foreign objects are real (admin reads them)", async () => {
    expect(idRoutes.length).toBeGreaterThan(40);
    const a = app.as("admin");
    expect((await a.get(`/api/v1/tickets/${foreign.ticketNo}`)).body.customerName).toBe(MARKER_NAME);
    expect((await a.get(`/api/v1/remedies/${foreign.remedyId}`)).status).toBe(200);
    expect((await a.get(`/api/v1/execution-orders/${foreign.executionOrderId}`)).status).toBe(200);
    expect((await a.get(`/api/v1/tickets/${foreign.ticketNo}/order`)).body.orderNo).toBe(foreign.orderNo);
  });

  // Own objects open: the refusals below are about whose object it is, not a blanket 403.
  it("let merchant1 and rider1 open their own ticket", async () => {
    expect((await app.as("merchant1").get(`/api/v1/tickets/${own.ticketNo}`)).status).toBe(200);
    expect((await app.as("rider1").get(`/api/v1/tickets/${own.ticketNo}`)).status).toBe(200);
  });

  for (const [who, tokenOf] of [
    ["merchant1 (M001)", () => app.token.merchant1],
    ["rider1 (R001)", () => app.token.rider1],
    ["a customer (no login)", () => undefined],
  ] as const)
    it.each(idRoutes.map((r) => [key(r), r] as const))(`refuse ${who}: %s`, async (_name, rule) => {
      const { status, text } = await call(rule, tokenOf());
      if (rule.method === "GET") expect([401, 403, 404], text).toContain(status);
      else expect([400, 401, 403, 404, 409, 422], text).toContain(status);
      neverLeaks(text);
    });

  it("leave the foreign ticket as it was after all those attempts", async () => {
    const t = (await app.as("admin").get(`/api/v1/tickets/${foreign.ticketNo}`)).body;
    expect({ status: t.status, events: t.events.length }).toEqual(foreignBefore);
    expect(t.assignee).toMatchObject({ username: "agent1" });
    expect(
      t.events.filter((e: { actorRole: string }) => ["merchant", "rider"].includes(e.actorRole)),
    ).toEqual([]);
  });
});

describe("writes through another object", () => {
  it("do not let merchant1 file a hotline call into another merchant's ticket", async () => {
    const callId = await hotlineCall(own.phone);
    const r = await app.as("merchant1").post(`/api/v1/channels/cti/calls/${callId}/ticket`, {
      ticketNo: foreign.ticketNo,
      description: LONG_TEXT,
    });
    expect(r.status).toBe(404);
    neverLeaks(JSON.stringify(r.body));
    const t = (await app.as("admin").get(`/api/v1/tickets/${foreign.ticketNo}`)).body;
    expect(t.events.some((e: { type: string }) => e.type === "hotline_call")).toBe(false);
    // The agent on the call may: the refusal is about whose ticket it is.
    const agentCall = await hotlineCall(own.phone);
    const ok = await app.as("agent1").post(`/api/v1/channels/cti/calls/${agentCall}/ticket`, {
      ticketNo: own.ticketNo,
      description: LONG_TEXT,
    });
    expect(ok.status).toBe(201);
  });
});

describe("well-formed writes on foreign objects", () => {
  it("are refused as if the object did not exist", async () => {
    const m = app.as("merchant1");
    const answers = [
      await m.post(`/api/v1/tickets/${foreign.ticketNo}/merchant-verification`, {
        decision: "dispute",
        statement: "不是我们的责任",
      }),
      await m.post(`/api/v1/execution-orders/${foreign.executionOrderId}/transitions`, { to: "in_progress" }),
      await app.as("rider1").post(`/api/v1/execution-orders/${foreign.executionOrderId}/transitions`, {
        to: "in_progress",
      }),
    ];
    for (const r of answers) {
      expect([403, 404], JSON.stringify(r.body)).toContain(r.status);
      neverLeaks(JSON.stringify(r.body));
    }
    const order = (await app.as("admin").get(`/api/v1/execution-orders/${foreign.executionOrderId}`)).body;
    expect(order.status).toBe("open");
  });
});

describe("lists and searches", () => {
  it("never show merchant1 or rider1 the other merchant's ticket, even searched by number", async () => {
    for (const token of [app.token.merchant1, app.token.rider1]) {
      const r = await client(app.url, token).get(`/api/v1/tickets?q=${foreign.ticketNo}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(0);
      neverLeaks(JSON.stringify(r.body));
    }
    const board = await app.as("merchant1").get("/api/v1/execution-orders?limit=200");
    expect(board.body.items.some((o: { id: string }) => o.id === foreign.executionOrderId)).toBe(false);
    const mine = await app.as("merchant1").get("/api/v1/merchant/suggestions");
    expect(mine.body.items.some((s: { id: string }) => s.id === foreign.suggestionId)).toBe(false);
  });
});

describe("customers", () => {
  it("never open another customer's ticket with their own phone", async () => {
    const anon = client(app.url);
    const asOwnPhone = (path: string) => anon.get(`${path}?phone=${own.phone}`);
    for (const path of ["progress", "messages", "remedy"]) {
      const r = await asOwnPhone(`/api/v1/tickets/${foreign.ticketNo}/${path}`);
      expect(r.status, path).toBe(404);
      neverLeaks(JSON.stringify(r.body));
    }
    expect((await asOwnPhone(`/api/v1/tickets/${own.ticketNo}/progress`)).status).toBe(200);
    const confirm = await anon.post(`/api/v1/tickets/${foreign.ticketNo}/confirm`, {
      phone: own.phone,
      resolved: true,
    });
    expect([400, 404]).toContain(confirm.status);
    const exported = await anon.post("/api/v1/privacy/requests/export", {
      phone: own.phone,
      ticketNo: foreign.ticketNo,
    });
    expect(exported.status).toBe(404);
    neverLeaks(JSON.stringify(exported.body));
    const erased = await anon.post("/api/v1/privacy/requests/erasure", {
      phone: own.phone,
      ticketNo: foreign.ticketNo,
    });
    expect(erased.status).toBe(404);
    expect((await anon.get(`/api/v1/attachments/${foreign.attachmentId}/file`)).status).toBe(404);
  });
});
