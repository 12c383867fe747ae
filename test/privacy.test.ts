import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED } from "../src/modules/privacy/privacy.domain.ts";
import { download, jpeg, upload } from "./helpers/evidence.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login, type TestServer } from "./helpers/server.ts";
import { advanceClockTo, nextBeijing, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Personal data protection with the test clock: the customer's export and erasure rights, the access log
 * of unmasked views, the audit trail, and the daily retention run (dry run first, then the real one)
 * that anonymises a food-delivery ticket six months after it closed — except the one under a legal hold —
 * while the monthly report still counts both.
 */
let server: TestServer;
let admin: string;
let agent: string;
const DAY = 86_400_000;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("privacy", { AFTERSALE_TEST_CLOCK: "1" });
  admin = await login(server.url, "admin");
  agent = await login(server.url, "agent1");
});
afterAll(() => server?.close());

const asAdmin = () => client(server.url, admin);
const asAgent = () => client(server.url, agent);

async function fileTicket(c: { phone: string; orderNo: string }, extra: Record<string, unknown> = {}) {
  const r = await client(server.url).post("/api/v1/tickets", {
    channel: "app",
    phone: c.phone,
    orderNo: c.orderNo,
    name: "王小明",
    category: "delivery",
    description: `${LONG_TEXT}地址是浦东新区世纪大道100号3栋502。`,
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.ticketNo as string;
}

async function close(ticketNo: string) {
  for (const to of ["in_progress", "resolved", "closed"]) {
    const r = await asAgent().post(`/api/v1/tickets/${ticketNo}/transitions`, { to });
    expect(r.status, `${to}: ${JSON.stringify(r.body)}`).toBe(200);
  }
}

const detail = async (ticketNo: string) => (await asAdmin().get(`/api/v1/tickets/${ticketNo}`)).body;

/** Erasure on the customer's behalf is refused for a legal hold, and the ticket keeps its phone. */
async function expectHeldFromErasure(phone: string, ticketNo: string) {
  const r = await asAdmin().post("/api/v1/privacy/subjects/erasure", { phone, reason: "客户来电要求" });
  expect(r.status).toBe(409);
  expect(r.body.error.details.map((d: { code: string }) => d.code)).toEqual(["LEGAL_HOLD"]);
  expect((await detail(ticketNo)).customerPhone).toBe(phone);
}

describe("a customer's own data", () => {
  it("exports only the customer's own tickets and orders, and shows who looked at them", async () => {
    const mine = await createOrder(server.url, admin);
    const mine2 = { orderNo: `${mine.orderNo}B` };
    const second = await asAdmin().put(`/api/v1/orders/${mine2.orderNo}`, {
      businessLine: "food_delivery",
      customerPhone: mine.phone,
      merchantId: "M001",
      region: "上海-浦东",
      items: [{ productId: "P0001", name: "麻辣烫套餐", quantity: 1, unitPriceFen: 2800 }],
      paidFen: 2800,
      paidAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect(second.status).toBe(201);
    const other = await createOrder(server.url, admin);
    const a = await fileTicket(mine);
    const b = await fileTicket({ phone: mine.phone, orderNo: mine2.orderNo });
    const theirs = await fileTicket(other);
    // An agent opens the ticket: an unmasked view that the customer may later read about.
    expect((await asAgent().get(`/api/v1/tickets/${a}`)).status).toBe(200);

    const r = await client(server.url).post("/api/v1/privacy/requests/export", {
      phone: mine.phone,
      ticketNo: a,
    });
    expect(r.status).toBe(200);
    expect(r.body.tickets.map((t: { ticketNo: string }) => t.ticketNo).sort()).toEqual([a, b].sort());
    expect(r.body.orders.map((o: { orderNo: string }) => o.orderNo).sort()).toEqual(
      [mine.orderNo, mine2.orderNo].sort(),
    );
    expect(r.body.tickets[0].description).toContain("世纪大道");
    const json = JSON.stringify(r.body);
    expect(json).not.toContain(other.phone);
    expect(json).not.toContain(theirs);
    expect(r.body.accessLog).toContainEqual(
      expect.objectContaining({ staff: "agent1", ticketNo: a, route: "/api/v1/tickets/:ticketNo" }),
    );

    // The proof is the phone and one of the customer's tickets: someone else's ticket is a plain 404.
    const wrong = await client(server.url).post("/api/v1/privacy/requests/export", {
      phone: mine.phone,
      ticketNo: theirs,
    });
    expect(wrong.status).toBe(404);
    expect(JSON.stringify(wrong.body)).not.toContain("世纪大道");
  });

  it("lets an admin read the access log by customer or by staff member, and nobody else", async () => {
    const c = await createOrder(server.url, admin);
    const t = await fileTicket(c);
    await asAgent().get(`/api/v1/tickets/${t}`);
    await asAgent().get(`/api/v1/tickets/${t}/order`);
    const bySubject = await asAdmin().get(`/api/v1/privacy/access-log?phone=${c.phone}`);
    expect(bySubject.status).toBe(200);
    expect(bySubject.body.items.map((i: { route: string }) => i.route).sort()).toEqual([
      "/api/v1/tickets/:ticketNo",
      "/api/v1/tickets/:ticketNo/order",
    ]);
    expect(bySubject.body.items[0]).toMatchObject({ staff: "agent1", role: "agent", ticketNo: t });
    // The log names the customer by a keyed hash, never by the phone itself.
    expect(JSON.stringify(bySubject.body)).not.toContain(c.phone);
    const byStaff = await asAdmin().get("/api/v1/privacy/access-log?staff=agent1&limit=200");
    expect(byStaff.body.items.every((i: { staff: string }) => i.staff === "agent1")).toBe(true);
    expect(byStaff.body.items.some((i: { ticketNo: string }) => i.ticketNo === t)).toBe(true);
    expect((await asAgent().get("/api/v1/privacy/access-log")).status).toBe(403);
  });

  it("refuses erasure while a ticket is open, saying which, then erases once it is closed", async () => {
    const c = await createOrder(server.url, admin);
    const t = await fileTicket(c);
    const blocked = await client(server.url, undefined).post(
      "/api/v1/privacy/requests/erasure",
      { phone: c.phone, ticketNo: t },
      { "accept-language": "en" },
    );
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("ERASURE_BLOCKED");
    expect(blocked.body.error.details).toEqual([
      expect.objectContaining({
        field: `tickets.${t}`,
        code: "OPEN_TICKET",
        message: expect.stringContaining(t),
      }),
    ]);
    expect((await detail(t)).customerPhone).toBe(c.phone);

    await close(t);
    const done = await client(server.url).post("/api/v1/privacy/requests/erasure", {
      phone: c.phone,
      ticketNo: t,
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ erased: true, tickets: 1 });
    const after = await detail(t);
    expect(after.customerPhone).toMatch(/^anon:/);
    expect(after.customerName).toBeNull();
    expect(after.description).toBe(REDACTED);
    expect(after.status).toBe("closed");
    // The old proof no longer opens anything, and staff find nothing under the phone.
    expect((await client(server.url).get(`/api/v1/tickets/${t}/progress?phone=${c.phone}`)).status).toBe(404);
    const byStaff = await asAdmin().post("/api/v1/privacy/subjects/export", {
      phone: c.phone,
      reason: "核对",
    });
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(200);
    expect(byStaff.body.tickets).toEqual([]);
    expect(byStaff.body.orders).toEqual([]);
  });

  it("refuses erasure under a legal hold on the customer", async () => {
    const c = await createOrder(server.url, admin);
    const t = await fileTicket(c);
    await close(t);
    const hold = await asAdmin().post("/api/v1/privacy/legal-holds", { phone: c.phone, reason: "诉讼中" });
    expect(hold.status).toBe(201);
    await expectHeldFromErasure(c.phone, t);
  });
});

describe("a blacklist record", () => {
  it("holds the customer's data like a legal hold: erasure is refused while it stands", async () => {
    const c = await createOrder(server.url, admin);
    const t = await fileTicket(c);
    await close(t);
    const supervisor = await login(server.url, "supervisor1");
    const listed = await client(server.url, supervisor).post("/api/v1/blacklist", {
      phone: c.phone,
      reason: "多次虚假索赔，证据见服务单",
      expiresAt: new Date(Date.now() + 90 * DAY).toISOString(),
      evidence: { ticketNos: [t] },
    });
    expect(listed.status, JSON.stringify(listed.body)).toBe(201);
    await expectHeldFromErasure(c.phone, t);
  });
});

describe("audit trail", () => {
  it("records user, API key and retention changes with who and why, for admins only", async () => {
    const username = `auditee${Date.now() % 100000}`;
    const created = await asAdmin().post("/api/v1/users", {
      username,
      displayName: "审计测试",
      password: "a-long-passw0rd",
      role: "agent",
    });
    expect(created.status).toBe(201);
    const key = await asAdmin().post("/api/v1/api-keys", { name: "订单系统", scopes: ["orders.write"] });
    expect(key.status).toBe(201);
    const rule = await asAdmin().put("/api/v1/privacy/retention/call_recordings", {
      months: 3,
      reason: "录音只保留三个月",
    });
    expect(rule.status).toBe(200);
    expect(rule.body.items).toContainEqual(
      expect.objectContaining({
        dataKind: "call_recordings",
        businessLine: "ecommerce",
        months: 3,
        source: "override",
      }),
    );
    const events = (await asAdmin().get("/api/v1/audit-events?limit=200")).body.items;
    expect(events).toContainEqual(
      expect.objectContaining({ action: "users.create", target: username, actor: "admin" }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        action: "privacy.retention_rule",
        target: "call_recordings",
        reason: "录音只保留三个月",
      }),
    );
    // Back to the packs' figures, so the retention run below follows the packs.
    await asAdmin().put("/api/v1/privacy/retention/call_recordings", { months: null, reason: "恢复默认" });
    expect((await asAgent().get("/api/v1/audit-events")).status).toBe(403);
  });
});

describe("retention", () => {
  it("lists expired tickets in a dry run, then anonymises them at the night run, sparing the held one", async () => {
    const expiring = await createOrder(server.url, admin);
    const held = await createOrder(server.url, admin);
    const photo = await upload(server.url, await jpeg());
    expect(photo.status).toBe(201);
    const a = await fileTicket(expiring, { attachmentIds: [photo.body.id] });
    const b = await fileTicket(held);
    await close(a);
    await close(b);
    expect(
      (await asAdmin().post("/api/v1/privacy/legal-holds", { ticketNo: b, reason: "消费者协会调解中" }))
        .status,
    ).toBe(201);
    const photoFile = join(server.dataDir, "uploads", photo.body.id);
    expect(existsSync(photoFile)).toBe(true);

    const closedAt = await runDueJobs(server);
    const month = new Date(closedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    const report = async () =>
      (await asAdmin().get(`/api/v1/reports/monthly?businessLine=food_delivery&month=${month}`)).body;
    const before = await report();
    expect(before.tickets).toBeGreaterThanOrEqual(2);

    // Six months and two days later, at 01:00 Beijing time: past retention, before the night run.
    await advanceClockTo(server, nextBeijing(new Date(closedAt.getTime() + (6 * 31 + 2) * DAY), "01:00"));
    // Staff sessions expire long before six months pass.
    admin = await login(server.url, "admin");
    agent = await login(server.url, "agent1");
    const dry = await asAdmin().post("/api/v1/privacy/retention/dry-run");
    expect(dry.status).toBe(200);
    const listed = dry.body.items.filter((i: { ticketNo: string }) => i.ticketNo === a);
    expect(listed.map((i: { dataKind: string }) => i.dataKind).sort()).toEqual(
      ["attachments", "call_recordings", "message_bodies", "ticket_personal"].sort(),
    );
    expect(listed[0]).toMatchObject({ businessLine: "food_delivery", retentionMonths: 6 });
    expect(dry.body.items.some((i: { ticketNo: string }) => i.ticketNo === b)).toBe(false);
    // The dry run touched nothing.
    const untouched = await detail(a);
    expect(untouched.customerPhone).toBe(expiring.phone);
    expect(untouched.attachments).toHaveLength(1);
    expect(existsSync(photoFile)).toBe(true);

    const now = await runDueJobs(server);
    await advanceClockTo(server, nextBeijing(now, "03:30"));
    const gone = await detail(a);
    expect(gone.customerPhone).toMatch(/^anon:[0-9a-f]{20}$/);
    expect(gone.customerName).toBeNull();
    expect(gone.description).toBe(REDACTED);
    expect(gone.details).toEqual({});
    expect(gone.attachments).toEqual([]);
    expect(JSON.stringify(gone.events)).not.toContain("世纪大道");
    expect(existsSync(photoFile)).toBe(false);
    expect(
      (
        await download(server.url, `/api/v1/attachments/${photo.body.id}/file`, {
          authorization: `Bearer ${admin}`,
        })
      ).status,
    ).toBe(404);
    // Category, status and dates stay: the ticket still counts.
    expect(gone).toMatchObject({ status: "closed", category: "delivery", businessLine: "food_delivery" });

    const kept = await detail(b);
    expect(kept.customerPhone).toBe(held.phone);
    expect(kept.description).toContain("世纪大道");

    const after = await report();
    expect(after.tickets).toBe(before.tickets);
    expect(after.categoryShares).toEqual(before.categoryShares);

    const audit = (await asAdmin().get("/api/v1/audit-events?action=privacy")).body.items;
    expect(audit).toContainEqual(
      expect.objectContaining({ action: "privacy.retention_dry_run", actor: "admin" }),
    );
    const run = audit.find((e: { action: string }) => e.action === "privacy.retention_run");
    expect(run).toMatchObject({ actor: "system" });
    expect(run.data.counts.ticket_personal).toBeGreaterThanOrEqual(1);

    // A second dry run the same night finds nothing left of the anonymised ticket.
    const again = await asAdmin().post("/api/v1/privacy/retention/dry-run");
    expect(again.body.items.some((i: { ticketNo: string }) => i.ticketNo === a)).toBe(false);
  });
});
