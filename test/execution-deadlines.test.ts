import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { eventsOf, openTicket, simulatorOf } from "./helpers/remedies.ts";
import { client, DEMO_PASSWORD, login, type TestServer } from "./helpers/server.ts";

/**
 * Execution orders' deadlines are clocks of the SLA engine: they remind, break and escalate the ticket
 * like its own promises, driven here by the test clock (POST /__test__/clock runs the jobs that fell due).
 * The customer hears of the remedy in plain words on the progress page.
 */
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
let warehouse: string;

beforeAll(async () => {
  // Sessions outlive the hours the clock is moved ahead.
  server = await startServerWithOwnDatabase("execdeadlines", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  simulatorOf(server).latencyMs = 0;
});
beforeEach(async () => {
  const as = (username: string) => login(server.url, username, DEMO_PASSWORD);
  [admin, agent, supervisor, warehouse] = await Promise.all([
    as("admin"),
    as("agent1"),
    as("supervisor1"),
    as("warehouse1"),
  ]);
});
afterAll(() => server?.close());

const HOUR = 3600;
async function advance(seconds: number) {
  const r = await client(server.url).post("/__test__/clock", { advanceSeconds: seconds });
  expect(r.status).toBe(200);
}
const ticketOf = async (ticketNo: string) =>
  (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body;
const boardOf = async (token: string, ticketNo: string) =>
  (await client(server.url, token).get(`/api/v1/execution-orders?ticketNo=${ticketNo}`)).body.items as any[];
const timelineOf = async (ticketNo: string, phone: string, lang = "zh-CN") =>
  (
    await client(server.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`, {
      "accept-language": lang,
    })
  ).body.timeline as { type: string; text: string }[];

/** A B2B kitchen's damaged delivery: the warehouse re-sends within 12 h; the ticket's own clocks run for days. */
async function damagedDelivery() {
  const t = await openTicket(server, admin, agent, {
    businessLine: "b2b_food_supply",
    merchantId: "M010",
    riderId: null,
    items: [{ productId: "P0100", name: "食用油 20L", quantity: 2, unitPriceFen: 26000 }],
    category: "packaging",
  });
  // The first answer meets the first-response promise, so only the execution order's clock is left to break.
  const reply = await client(server.url, agent).post(`/api/v1/tickets/${t.ticketNo}/replies`, {
    body: "已安排仓库补发，请留意收货",
    visibility: "customer",
  });
  expect(reply.status).toBe(201);
  const decided = await client(server.url, agent).post(`/api/v1/tickets/${t.ticketNo}/remedies`, {});
  expect(decided.body).toMatchObject({ status: "approved", items: [{ kind: "resend" }] });
  const [resend] = await boardOf(warehouse, t.ticketNo);
  expect(resend).toMatchObject({ action: "resend", department: "warehouse", deadline: { hours: 12 } });
  return { ...t, resend };
}

describe("an execution order's deadline is an SLA clock", () => {
  it("reminds, then escalates to the supervisor and the manager when left open past its deadline", async () => {
    const { ticketNo, resend } = await damagedDelivery();
    const clockName = `execution:${resend.id}`;
    const clock = (await ticketOf(ticketNo)).sla.clocks.find((c: any) => c.name === clockName);
    expect(clock).toMatchObject({ basis: "calendar", dueAt: resend.dueAt, stoppedAt: null, level: 0 });

    await advance(10 * HOUR); // past 80% of its 12 hours
    const reminders = (await eventsOf(server, agent, ticketNo)).filter((e) => e.type === "sla_reminder");
    expect(reminders).toMatchObject([{ data: { clock: clockName, owner: { executionOrderId: resend.id } } }]);
    expect((await ticketOf(ticketNo)).escalationLevel).toBe(0);

    await advance(2 * HOUR + 60);
    let ticket = await ticketOf(ticketNo);
    expect(ticket).toMatchObject({ escalationLevel: 1, queue: "supervisor" });
    expect(ticket.sla.breached).toContain(clockName);
    const escalated = ticket.events.filter((e: any) => e.type === "escalated");
    expect(escalated).toMatchObject([{ data: { clock: clockName, level: 1, role: "supervisor" } }]);
    expect(ticket.events.filter((e: any) => e.type === "sla_breached")).toMatchObject([
      { data: { clock: clockName } },
    ]);
    expect(ticket.events.filter((e: any) => e.type === "execution_overdue")).toHaveLength(1);

    await advance(4 * HOUR); // the B2B pack hands it to the manager 240 minutes after the breach
    ticket = await ticketOf(ticketNo);
    expect(ticket).toMatchObject({ escalationLevel: 2, queue: "manager" });
    expect(ticket.events.filter((e: any) => e.type === "escalated").map((e: any) => e.data.level)).toEqual([
      1, 2,
    ]);

    // Done late, the order stops its clock; the broken promise stays on the record.
    await client(server.url, warehouse).post(`/api/v1/execution-orders/${resend.id}/transitions`, {
      to: "in_progress",
    });
    await client(server.url, warehouse).post(`/api/v1/execution-orders/${resend.id}/transitions`, {
      to: "done",
    });
    const stopped = (await ticketOf(ticketNo)).sla.clocks.find((c: any) => c.name === clockName);
    expect(stopped).toMatchObject({ stoppedAt: expect.any(String), breached: true, nextAt: null });
  });

  it("stops the clock of an order done in time: no breach, no escalation afterwards", async () => {
    const { ticketNo, resend } = await damagedDelivery();
    const move = (to: string) =>
      client(server.url, warehouse).post(`/api/v1/execution-orders/${resend.id}/transitions`, { to });
    expect((await move("in_progress")).status).toBe(200);
    await advance(3 * HOUR);
    expect((await move("done")).status).toBe(200);
    await advance(13 * HOUR);
    const ticket = await ticketOf(ticketNo);
    const clock = ticket.sla.clocks.find((c: any) => c.name === `execution:${resend.id}`);
    expect(clock).toMatchObject({ breached: false, nextAt: null, level: 0 });
    expect(ticket.events.some((e: any) => e.data?.clock === clock.name)).toBe(false);
    expect(ticket.escalationLevel).toBe(0);
  });

  it("starts a waiting step's clock only when the step before it is done: 7 days to inspect, then 24 h to refund", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      businessLine: "ecommerce",
      riderId: null,
      items: [{ productId: "P0070", name: "蓝牙耳机", quantity: 1, unitPriceFen: 19900 }],
      category: "quality",
      subType: "damaged",
    });
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    const [pickup, inspection, refund] = await boardOf(supervisor, ticketNo);
    const clocks = async () =>
      new Map<string, any>((await ticketOf(ticketNo)).sla.clocks.map((c: any) => [c.name, c]));
    let named = await clocks();
    expect(named.get(`execution:${pickup.id}`)?.dueAt).toBe(pickup.dueAt);
    expect(named.has(`execution:${inspection.id}`)).toBe(false);
    expect(named.has(`execution:${refund.id}`)).toBe(false);

    const move = (id: string, to: string) =>
      client(server.url, supervisor).post(`/api/v1/execution-orders/${id}/transitions`, { to });
    await move(pickup.id, "in_progress");
    await move(pickup.id, "done");
    named = await clocks();
    const inspect = named.get(`execution:${inspection.id}`);
    expect(new Date(inspect.dueAt).getTime() - new Date(inspect.startedAt).getTime()).toBe(
      7 * 24 * HOUR * 1000,
    );
    expect(named.get(`execution:${pickup.id}`).stoppedAt).not.toBeNull();

    await move(inspection.id, "in_progress");
    await move(inspection.id, "done");
    const pay = (await clocks()).get(`execution:${refund.id}`);
    expect(new Date(pay.dueAt).getTime() - new Date(pay.startedAt).getTime()).toBe(24 * HOUR * 1000);
    const released = (await boardOf(supervisor, ticketNo)).find((o) => o.id === refund.id);
    expect(released.dueAt).toBe(pay.dueAt);
  });
});

describe("the customer's timeline tells the remedy in plain words", () => {
  it("tells of a remedy waiting for approval, its approval and the money paid, in yuan", async () => {
    const { ticketNo, phone } = await openTicket(server, admin, agent, {
      category: "food",
      subType: "foreign_object",
      items: [{ productId: "P0002", name: "水煮鱼", quantity: 1, unitPriceFen: 6000 }],
    });
    const decided = await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(decided.body.status).toBe("pending_approval");
    let texts = (await timelineOf(ticketNo, phone)).map((e) => e.text);
    expect(texts).toContain("处理方案已拟定（退款 ¥60.00、赔偿 ¥180.00），正在等待主管审批");

    await client(server.url, supervisor).post(`/api/v1/remedies/${decided.body.id}/approve`, {});
    await advance(60);
    texts = (await timelineOf(ticketNo, phone)).map((e) => e.text);
    expect(texts).toContain("处理方案已确定：退款 ¥60.00、赔偿 ¥180.00");
    // Each payout is told once, in the result feedback with its payment reference.
    expect(texts.filter((t) => t.startsWith("退款 ¥60.00 已原路退回您的支付账户（交易参考号"))).toHaveLength(
      1,
    );
    expect(texts.filter((t) => t.startsWith("赔偿金 ¥180.00 已支付给您（交易参考号"))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("¥60.00") && t.includes("退回"))).toHaveLength(1);
    const english = (await timelineOf(ticketNo, phone, "en")).map((e) => e.text);
    expect(english).toContain("Your remedy is confirmed: refund ¥60.00, compensation ¥180.00");
    expect(english.filter((t) => t.startsWith("Your refund of ¥60.00 was paid back"))).toHaveLength(1);
    // Nothing the staff keep to themselves leaks into it.
    expect(texts.join("")).not.toContain("处理进度已更新");

    // Operations see the money move on /metrics: payouts by status and the fen paid, by kind.
    const metrics = (await client(server.url).get("/metrics")).body as string;
    const value = (series: string) => Number(new RegExp(`^${series} (\\d+)$`, "m").exec(metrics)?.[1] ?? -1);
    expect(value('aftersale_payouts{status="succeeded"}')).toBeGreaterThanOrEqual(2);
    expect(value('aftersale_payouts{status="failed"}')).toBe(0);
    expect(value('aftersale_payouts_paid_fen{kind="compensation"}')).toBeGreaterThanOrEqual(18000);
    expect(metrics).toContain('aftersale_payment_adapter_info{adapter="simulator"} 1');
  });

  it("tells that the replacement was shipped, and says nothing of the reason a remedy was turned down", async () => {
    const { ticketNo, phone, resend } = await damagedDelivery();
    await client(server.url, warehouse).post(`/api/v1/execution-orders/${resend.id}/transitions`, {
      to: "in_progress",
    });
    await client(server.url, warehouse).post(`/api/v1/execution-orders/${resend.id}/transitions`, {
      to: "done",
      note: "内部批次 B2",
    });
    const timeline = await timelineOf(ticketNo, phone);
    // Told once, by the result feedback; the warehouse's note stays with the staff.
    const told = timeline.filter((e) => e.type.startsWith("execution") || e.type === "result_feedback");
    expect(told.map((e) => e.type)).toEqual(["result_feedback"]);
    expect(told[0]!.text).toContain(`补发的商品已送出，执行单号 ${resend.id}`);
    expect(timeline.map((e) => e.text).join("")).not.toContain("内部批次");
    expect(timeline.map((e) => e.type)).not.toContain("execution_started");

    const other = await openTicket(server, admin, agent, {
      category: "food",
      subType: "foreign_object",
      items: [{ productId: "P0002", name: "水煮鱼", quantity: 1, unitPriceFen: 6000 }],
    });
    const decided = await client(server.url, agent).post(`/api/v1/tickets/${other.ticketNo}/remedies`, {});
    await client(server.url, supervisor).post(`/api/v1/remedies/${decided.body.id}/reject`, {
      reason: "内部：请先核实异物来源",
    });
    const texts = (await timelineOf(other.ticketNo, other.phone)).map((e) => e.text);
    expect(texts).toContain("处理方案需要调整，客服会与您重新确认");
    expect(texts.join("")).not.toContain("核实异物来源");
  });
});
