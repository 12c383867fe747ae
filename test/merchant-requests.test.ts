import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherMerchant } from "./helpers/merchants.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, DEMO_PASSWORD, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Merchant requests (商家工单) over real HTTP: a merchant's question answered and escalated on its own
 * deadlines, a complaint about the platform from apology to the merchant's satisfaction, order assistance,
 * the team's figures, and no merchant reaching another's requests or orders.
 */
let server: TestServer;
let admin: string;
let agent1: string;
let agent2: string;
let supervisor: string;
let merchant1: string; // owns M001
let merchant2: string; // owns M002, created here
/** Every request this file files, for the weekly and hourly figures at the end. */
const filed: { category: string; createdAt: string }[] = [];

beforeAll(async () => {
  server = await startServerWithOwnDatabase("merchant_requests", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  const as = (username: string) => login(server.url, username, DEMO_PASSWORD);
  [admin, agent1, agent2, supervisor, merchant1] = await Promise.all([
    as("admin"),
    as("agent1"),
    as("agent2"),
    as("supervisor1"),
    as("merchant1"),
  ]);
  merchant2 = await otherMerchant(server.url, admin);
});
afterAll(() => server?.close());

const as = (token: string) => client(server.url, token);

async function file(token: string, body: Record<string, unknown>) {
  const r = await as(token).post("/api/v1/merchant/requests", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  filed.push({ category: r.body.category, createdAt: r.body.createdAt });
  return r.body;
}
const beijingMonth = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 7);
const detailOf = async (token: string, no: string, staff: boolean) =>
  (await as(token).get(staff ? `/api/v1/merchant-requests/${no}` : `/api/v1/merchant/requests/${no}`)).body;

/** An order of M001 with delivery times relative to the server's clock. */
async function orderOfM001(minutesPromisedAgo: number, deliveredMinutesAgo: number | null) {
  const now = await runDueJobs(server);
  const orderNo = `FDO${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();
  const r = await as(admin).put(`/api/v1/orders/${orderNo}`, {
    businessLine: "food_delivery",
    customerPhone: "13911112222",
    merchantId: "M001",
    riderId: "R001",
    region: "上海-浦东",
    items: [{ productId: "P0001", name: "麻辣烫套餐", quantity: 2, unitPriceFen: 2800 }],
    paidFen: 5600,
    paidAt: at(90),
    promisedAt: at(minutesPromisedAgo),
    ...(deliveredMinutesAgo === null ? {} : { deliveredAt: at(deliveredMinutesAgo) }),
  });
  expect(r.status).toBe(201);
  return orderNo;
}

describe("a merchant's question", () => {
  it("is classified from its words, answered within its channel's deadline, and reaches only its merchant", async () => {
    const q = await file(merchant1, { subject: "活动报名", body: "满减活动的报名入口在哪里？" });
    expect(q).toMatchObject({
      category: "campaign_signup",
      channel: "message",
      status: "new",
      merchantId: "M001",
    });
    // A written message is answered within ten minutes; the question settled within two hours.
    const created = new Date(q.createdAt).getTime();
    expect(new Date(q.firstResponseDueAt).getTime() - created).toBe(10 * 60_000);
    expect(new Date(q.resolutionDueAt).getTime() - created).toBe(2 * 3600_000);

    const queue = (await as(agent1).get("/api/v1/merchant-requests?status=new")).body.items as any[];
    expect(queue.map((r) => r.requestNo)).toContain(q.requestNo);

    const answered = await as(agent1).post(`/api/v1/merchant-requests/${q.requestNo}/messages`, {
      body: "您好，在商家后台“营销中心-活动报名”即可报名。",
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ status: "in_progress", assignee: expect.any(String) });
    expect(answered.body.firstRespondedAt).not.toBeNull();
    const seen = await detailOf(merchant1, q.requestNo, false);
    expect(seen.timeline.map((e: any) => e.text)).toContain("您好，在商家后台“营销中心-活动报名”即可报名。");

    // Another merchant: not in its list, and every route on the number answers as if it did not exist.
    const theirs = (await as(merchant2).get("/api/v1/merchant/requests")).body.items as any[];
    expect(theirs.map((r) => r.requestNo)).not.toContain(q.requestNo);
    expect((await as(merchant2).get(`/api/v1/merchant/requests/${q.requestNo}`)).status).toBe(404);
    expect(
      (await as(merchant2).post(`/api/v1/merchant/requests/${q.requestNo}/messages`, { body: "看看" }))
        .status,
    ).toBe(404);
    expect(
      (
        await as(merchant2).post(`/api/v1/merchant/requests/${q.requestNo}/feedback`, {
          satisfied: true,
          rating: 5,
        })
      ).status,
    ).toBe(404);
    // Merchants use their own routes; the team's queue is not theirs.
    expect((await as(merchant1).get("/api/v1/merchant-requests")).status).toBe(403);
  });

  it("on chat escalates to a supervisor once 30 s pass unanswered, and to the manager when the promise breaks", async () => {
    const chat = await file(merchant1, { subject: "店铺设置", body: "营业时间怎么改？", channel: "chat" });
    expect(chat.category).toBe("store_setup");
    const answered = await file(merchant1, { subject: "店铺设置", body: "店名可以改吗？", channel: "chat" });
    await as(agent1).post(`/api/v1/merchant-requests/${answered.requestNo}/messages`, {
      body: "可以，在店铺设置中修改。",
    });

    await advanceClock(server, 31);
    const late = await detailOf(supervisor, chat.requestNo, true);
    expect(late.request.escalationLevel).toBe(1);
    expect(late.timeline.filter((e: any) => e.type === "escalated")).toHaveLength(1);
    expect((await detailOf(supervisor, answered.requestNo, true)).request.escalationLevel).toBe(0);
    const escalated = (await as(supervisor).get("/api/v1/merchant-requests?escalated=true")).body
      .items as any[];
    expect(escalated.map((r) => r.requestNo)).toContain(chat.requestNo);
    // The merchant's view leaves the team's escalation out.
    expect((await detailOf(merchant1, chat.requestNo, false)).timeline.map((e: any) => e.type)).not.toContain(
      "escalated",
    );

    await advanceClock(server, 2 * 3600);
    const broken = await detailOf(supervisor, chat.requestNo, true);
    expect(broken.request.escalationLevel).toBe(2);
    expect(broken.timeline.filter((e: any) => e.type === "escalated").map((e: any) => e.data.level)).toEqual([
      1, 2,
    ]);
  });

  it("waiting for the merchant comes back to the team when the merchant answers", async () => {
    const q = await file(merchant1, { subject: "菜品上架", body: "新菜品上架审核要多久？" });
    expect(q.category).toBe("menu_listing");
    await as(agent1).post(`/api/v1/merchant-requests/${q.requestNo}/take`);
    const waiting = await as(agent1).post(`/api/v1/merchant-requests/${q.requestNo}/transitions`, {
      to: "awaiting_merchant",
    });
    expect(waiting.body.status).toBe("awaiting_merchant");
    const reply = await as(merchant1).post(`/api/v1/merchant/requests/${q.requestNo}/messages`, {
      body: "菜品名称是：招牌酸菜鱼",
    });
    expect(reply.body.status).toBe("in_progress");
  });

  it("refuses another merchant's order and a complaint without the time it happened, naming the field", async () => {
    const orderNo = await orderOfM001(30, 10);
    const other = await as(merchant2).post("/api/v1/merchant/requests", {
      subject: "订单异常",
      body: "这个订单状态不对",
      orderNo,
    });
    expect(other.status).toBe(400);
    expect(other.body.error.details).toEqual([
      expect.objectContaining({ field: "orderNo", code: "UNKNOWN_ORDER" }),
    ]);
    const noTime = await as(merchant1).post("/api/v1/merchant/requests", {
      subject: "投诉判责",
      body: "平台判责不公平",
      category: "platform_complaint",
    });
    expect(noTime.status).toBe(400);
    expect(noTime.body.error.details).toEqual([
      expect.objectContaining({ field: "occurredAt", code: "REQUIRED_FOR_COMPLAINT" }),
    ]);
  });
});

describe("a merchant's complaint about the platform", () => {
  it("opens with an apology and its record, goes to the department, and reopens until the merchant is satisfied", async () => {
    const orderNo = await orderOfM001(40, 5);
    const now = await runDueJobs(server);
    const c = await file(merchant1, {
      subject: "投诉：超时判责",
      body: "骑手送晚了，平台却扣了我们的出餐超时分，不公平。",
      orderNo,
      occurredAt: new Date(now.getTime() - 3600_000).toISOString(),
    });
    expect(c.category).toBe("platform_complaint");
    expect(new Date(c.resolutionDueAt).getTime() - new Date(c.createdAt).getTime()).toBe(24 * 3600_000);
    const opened = await detailOf(merchant1, c.requestNo, false);
    expect(opened.timeline[1]).toMatchObject({ type: "apology" });
    expect(opened.timeline[1].text).toContain("非常抱歉");
    expect(opened.timeline[1].text).toContain(orderNo);

    const staff = (path: string, body?: unknown) =>
      as(agent2).post(`/api/v1/merchant-requests/${c.requestNo}/${path}`, body);
    expect((await staff("take")).body).toMatchObject({ status: "in_progress", assignee: expect.any(String) });
    expect(
      (await staff("route", { department: "operations", note: "核查出餐时间与骑手轨迹" })).body.department,
    ).toBe("operations");
    await staff("messages", { body: "运营说需要调取骑手轨迹", internal: true });
    await staff("messages", { body: "已转运营部门核查，今天内给您答复。" });
    const noResult = await staff("transitions", { to: "resolved" });
    expect(noResult.status).toBe(400);
    expect(noResult.body.error.details[0].field).toBe("note");
    expect(
      (await staff("transitions", { to: "resolved", note: "经核查为骑手原因，已撤销扣分。" })).body.status,
    ).toBe("resolved");

    const merchantView = await detailOf(merchant1, c.requestNo, false);
    expect(merchantView.timeline.map((e: any) => e.text)).toContain("经核查为骑手原因，已撤销扣分。");
    expect(merchantView.timeline.map((e: any) => e.text)).not.toContain("运营说需要调取骑手轨迹");

    // Not satisfied: back to work with a fresh promise.
    const unhappy = await as(merchant1).post(`/api/v1/merchant/requests/${c.requestNo}/feedback`, {
      satisfied: false,
      reason: "扣掉的曝光流量没有恢复",
    });
    expect(unhappy.body).toMatchObject({ status: "reopened", reopenCount: 1, resolvedAt: null });
    expect((await staff("transitions", { to: "resolved", note: "曝光流量已恢复。" })).body.status).toBe(
      "resolved",
    );
    const happy = await as(merchant1).post(`/api/v1/merchant/requests/${c.requestNo}/feedback`, {
      satisfied: true,
      rating: 4,
      comment: "处理及时",
    });
    expect(happy.body).toMatchObject({ status: "closed", satisfaction: 4 });
    const again = await as(merchant1).post(`/api/v1/merchant/requests/${c.requestNo}/feedback`, {
      satisfied: true,
      rating: 5,
    });
    expect(again.status).toBe(409);

    // agent2 worked only this request: one handled, resolved, rated 4.
    const metrics = (
      await as(supervisor).get(`/api/v1/merchant-service/metrics?month=${beijingMonth(c.createdAt)}`)
    ).body;
    expect(metrics.agents.find((a: any) => a.handled && a.satisfactionAvg === 4)).toMatchObject({
      handled: 1,
      resolutionRate: 1,
      ratings: 1,
      firstResponseOnTimeRate: 1,
    });
    expect((await as(agent1).get("/api/v1/merchant-service/metrics")).status).toBe(403);
  });
});

describe("order assistance", () => {
  it("tells where a late order stands, for the team and for its own merchant only", async () => {
    const orderNo = await orderOfM001(25, null);
    const r = await as(agent1).get(`/api/v1/merchant-service/orders/${orderNo}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      orderNo,
      stage: "overdue",
      paidFen: 5600,
      refundedFen: 0,
      complaints: [],
    });
    expect(r.body.anomalies.map((a: any) => a.code)).toEqual(["OVERDUE_UNDELIVERED"]);
    expect(r.body.anomalies[0].message).toContain("25 分钟");
    expect(JSON.stringify(r.body)).not.toContain("13911112222");

    const late = await orderOfM001(30, 10);
    const mine = await as(merchant1).get(`/api/v1/merchant/orders/${late}`, { "accept-language": "en" });
    expect(mine.body).toMatchObject({ stage: "delivered" });
    expect(mine.body.anomalies).toEqual([
      { code: "LATE_DELIVERY", message: "Delivered 20 min after the promised time" },
    ]);
    expect((await as(merchant2).get(`/api/v1/merchant/orders/${late}`)).status).toBe(404);
  });
});

describe("the team's weekly and monthly analysis", () => {
  it("counts this week's question types with their shares and the month's requests by Beijing hour", async () => {
    const month = beijingMonth(filed[0]!.createdAt);
    const r = await as(supervisor).get(`/api/v1/merchant-service/analysis?month=${month}`);
    expect(r.status).toBe(200);
    const expected = new Map<string, number>();
    for (const f of filed) expected.set(f.category, (expected.get(f.category) ?? 0) + 1);
    expect(r.body.week.total).toBe(filed.length);
    for (const [category, count] of expected)
      expect(r.body.week.categories.find((c: any) => c.category === category)).toMatchObject({
        count,
        share: Math.round((count / filed.length) * 10_000) / 10_000,
        previousCount: 0,
        change: count,
      });
    expect(r.body.month.byHour).toHaveLength(24);
    const hours = new Map<number, number>();
    for (const f of filed.filter((x) => beijingMonth(x.createdAt) === month)) {
      const h = new Date(new Date(f.createdAt).getTime() + 8 * 3600_000).getUTCHours();
      hours.set(h, (hours.get(h) ?? 0) + 1);
    }
    for (const [hour, n] of hours) expect(r.body.month.byHour[hour].requests).toBe(n);
    expect(r.body.month.byHour.reduce((n: number, h: any) => n + h.complaints, 0)).toBe(1);
    const bad = await as(supervisor).get("/api/v1/merchant-service/analysis?weekOf=2026-13-01");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("weekOf");
  });
});
