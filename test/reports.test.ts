import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as reportWithdrawals from "../src/db/migrations/0026_report_withdrawals_returns.ts";
import { monthOf, monthRange } from "../src/modules/reports/reports.domain.ts";
import { checkMonth } from "../src/modules/reports/reports-check.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { openTicket } from "./helpers/remedies.ts";
import { client, freshCustomer, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Reports over a known month of one line (B2B food supply: its deadlines are a day and more, so the
 * three hours this test moves the clock never break one and the figures are exactly known). Seven
 * tickets at two merchants of our own, worked through the API, three surveys answered through the
 * public survey API; every figure is compared with the arithmetic written out here.
 *
 *   T1 RPT-A quality         replied, resolved at +20 min, survey 5 (solved)  → closed
 *   T2 RPT-A quality         replied, resolved at +20 min, survey 2 (unsolved) → second round, reopened
 *   T3 RPT-A delivery_delay  replied, resolved at +50 min, no answer           → resolved
 *   T4 RPT-B quality         replied only
 *   T5 RPT-B packaging       untouched
 *   T6 RPT-B delivery_delay  replied, resolved at +50 min, survey 4 (solved)  → closed
 *   T7 RPT-B other           not applicable (不受理)
 * Orders paid this month: RPT-A 5, RPT-B 25 (plus the demo's own orders of the line).
 */
const LINE = "b2b_food_supply";
const MINUTE = 60;
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
let month: string;
const t: Record<string, string> = {};

const staff = () => client(server.url, agent);
const minutesOf = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);
const detail = async (ticketNo: string) => (await staff().get(`/api/v1/tickets/${ticketNo}`)).body;

let productNo = 0;
async function order(merchantId: string, paidAt: Date, businessLine = LINE) {
  const c = freshCustomer();
  // A product of its own per order: no batch or product window of the incident detector fills up.
  const productId = `RPT-P${++productNo}`;
  const r = await client(server.url, admin).put(`/api/v1/orders/${c.orderNo}`, {
    businessLine,
    customerPhone: c.phone,
    merchantId,
    region: merchantId === "RPT-A" ? "北京-朝阳" : "上海-浦东",
    items: [{ productId, name: "冷链牛肉 5kg", quantity: 1, unitPriceFen: 50000 }],
    paidFen: 50000,
    paidAt: paidAt.toISOString(),
  });
  expect(r.status).toBe(201);
  return c;
}

async function intake(c: { phone: string; orderNo: string }, category: string) {
  const r = await client(server.url).post("/api/v1/tickets", {
    channel: "app",
    phone: c.phone,
    orderNo: c.orderNo,
    category,
    description: "这批货和订单不符，麻烦尽快核实处理一下，谢谢",
  });
  expect(r.status).toBe(201);
  // Not serious and not urgent: the line's day-long deadlines hold, so no clock breaks in this test.
  expect(r.body).toMatchObject({ businessLine: LINE, category, urgent: false });
  expect(r.body.severity).not.toBe("serious");
  return r.body.ticketNo as string;
}

const move = async (ticketNo: string, to: string, reason?: string) =>
  expect((await staff().post(`/api/v1/tickets/${ticketNo}/transitions`, { to, reason })).status).toBe(200);

async function answerSurvey(ticketNo: string, score: number, resolved: boolean) {
  const invited = (await detail(ticketNo)).events.find((e: any) => e.type === "survey_invited");
  const token = new URL(invited.data.surveyUrl).pathname.split("/").pop();
  const r = await client(server.url).post(`/api/v1/surveys/${token}`, {
    score,
    resolved,
    dimensions: { efficiency: score, resolution: score, attitude: score },
  });
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  server = await startServerWithOwnDatabase("reports", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  [admin, agent, supervisor] = await Promise.all([
    login(server.url, "admin"),
    login(server.url, "agent1"),
    login(server.url, "supervisor1"),
  ]);
  // The whole story must stay inside one Beijing month: start afresh in the next one when it ends soon.
  let now = await runDueJobs(server);
  if (monthOf(new Date(now.getTime() + 5 * 3600_000)) !== monthOf(now))
    now = await advanceClock(
      server,
      (monthRange(monthOf(new Date(now.getTime() + 5 * 3600_000))).from.getTime() - now.getTime()) / 1000 +
        300,
    );
  month = monthOf(now);
  const paidAt = new Date(Math.max(now.getTime() - 60_000, monthRange(month).from.getTime()));

  const a = [];
  const b = [];
  for (let i = 0; i < 5; i++) a.push(await order("RPT-A", paidAt));
  for (let i = 0; i < 25; i++) b.push(await order("RPT-B", paidAt));
  t.T1 = await intake(a[0]!, "quality");
  t.T2 = await intake(a[1]!, "quality");
  t.T3 = await intake(a[2]!, "delivery_delay");
  t.T4 = await intake(b[0]!, "quality");
  t.T5 = await intake(b[1]!, "packaging");
  t.T6 = await intake(b[2]!, "delivery_delay");
  t.T7 = await intake(b[3]!, "other");

  await advanceClock(server, 10 * MINUTE);
  for (const n of ["T1", "T2", "T3", "T4", "T6"]) {
    expect((await staff().post(`/api/v1/tickets/${t[n]}/take`)).status).toBe(200);
    const reply = { body: "您好，已收到，正在核实", visibility: "customer" };
    expect((await staff().post(`/api/v1/tickets/${t[n]}/replies`, reply)).status).toBe(201);
  }
  await move(t.T7!, "not_applicable", "非售后问题，请联系采购经理");
  await advanceClock(server, 10 * MINUTE);
  await move(t.T1!, "resolved");
  await move(t.T2!, "resolved");
  await advanceClock(server, 30 * MINUTE);
  await move(t.T3!, "resolved");
  await move(t.T6!, "resolved");
  // The pack sends the survey two hours after resolution.
  await advanceClock(server, 121 * MINUTE);
  await answerSurvey(t.T1!, 5, true);
  await answerSurvey(t.T2!, 2, false);
  await answerSurvey(t.T6!, 4, true);
  await runDueJobs(server);
}, 240_000);
afterAll(() => server?.close());

const report = (token: string, query: string) =>
  client(server.url, token).get(`/api/v1/reports/monthly?${query}`);
const avg = (xs: number[], digits: number) =>
  Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10 ** digits) / 10 ** digits;

/** Demo orders of the line paid this month, counted straight from the orders table. */
async function demoOrders(): Promise<number> {
  const { from, to } = monthRange(month);
  const r = await sql<{ n: number }>`select count(*)::int as n from orders
    where business_line = ${LINE} and paid_at >= ${from.toISOString()}::timestamptz
      and paid_at < ${to.toISOString()}::timestamptz and merchant_id not like 'RPT-%'`.execute(
    server.app.ctx.db,
  );
  return r.rows[0]!.n;
}

describe("monthly service report", () => {
  it("answers the contract's figures and the KPIs exactly, each beside its pack target", async () => {
    const d = Object.fromEntries(
      await Promise.all(Object.entries(t).map(async ([k, v]) => [k, await detail(v)])),
    );
    expect(d.T1.status).toBe("closed");
    expect(d.T2).toMatchObject({ status: "reopened", escalationLevel: 1 });
    expect(d.T3.status).toBe("resolved");
    expect(d.T6.status).toBe("closed");
    const resolutionMinutes = ["T1", "T3", "T6"].map((k) => minutesOf(d[k].createdAt, d[k].sla.resolvedAt));
    // The clock moved 20 and 50 minutes; real time adds a few seconds at most.
    expect(resolutionMinutes.map((m) => m - (m > 30 ? 50 : 20))).toEqual([0, 0, 0]);
    const firstResponse = ["T1", "T2", "T3", "T4", "T6"].map((k) =>
      minutesOf(d[k].createdAt, d[k].sla.firstRespondedAt),
    );
    const orders = (await demoOrders()) + 30;

    const r = await report(supervisor, `businessLine=${LINE}&month=${month}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      month,
      businessLine: LINE,
      tickets: 7,
      categoryShares: [
        { category: "quality", count: 3, share: 0.4286 },
        { category: "delivery_delay", count: 2, share: 0.2857 },
        { category: "other", count: 1, share: 0.1429 },
        { category: "packaging", count: 1, share: 0.1429 },
      ],
      // T1, T3, T6 resolved of the six after-sales cases (T7 was not one).
      resolutionRate: 0.5,
      avgResolutionMinutes: avg(resolutionMinutes, 1),
      satisfactionAvg: 3.67,
      orders,
      complaintRate: Math.round((7 / orders) * 10000) / 10000,
    });
    expect(r.body.categoryShares).toHaveLength(4);
    expect(r.body.kpis).toMatchObject({
      resolved: 3,
      surveys: 3,
      secondRoundRate: 0.1429,
      escalationRate: 0.1429,
      avgFirstResponseMinutes: avg(firstResponse, 1),
      firstResponseOnTime: 1,
      resolutionOnTime: 1,
    });
    expect(r.body.targets).toEqual({
      resolutionRate: { target: 0.98, actual: 0.5, met: false },
      satisfaction: { target: 4.5, actual: 3.67, met: false },
      handlingMinutes: { target: 30, actual: avg(resolutionMinutes, 1), met: false },
    });
    expect(r.body.topMerchants.map((m: any) => [m.merchantId, m.count, m.share])).toEqual([
      ["RPT-B", 4, 0.5714],
      ["RPT-A", 3, 0.4286],
    ]);
    expect(r.body.topRegions.map((m: any) => [m.region, m.count])).toEqual([
      ["上海-浦东", 4],
      ["北京-朝阳", 3],
    ]);
    // Nothing was received a month or a year before: no base to compare the volume with.
    expect(r.body.lastMonth).toMatchObject({ tickets: 0, resolutionRate: null });
    expect(r.body.change.lastMonth).toMatchObject({ tickets: 7, ticketsRatio: null, resolutionRate: null });
    expect(r.body.lastYear.tickets).toBe(0);
  });

  it("exports the same report as CSV that Excel opens in Chinese", async () => {
    const res = await fetch(`${server.url}/api/v1/reports/monthly.csv?businessLine=${LINE}&month=${month}`, {
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv).toContain('"投诉解决率","50.00%"');
    expect(csv).toContain('"满意度（5分制）","3.67"');
    expect(csv).toContain('"食材质量","3","42.86%"');
  });

  it("names the field at fault, keeps agents out and scopes a merchant to its own figures", async () => {
    const bad = await report(supervisor, "businessLine=groceries&month=2026-13");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((x: any) => x.field).sort()).toEqual(["businessLine", "month"]);
    const missing = await report(supervisor, `businessLine=${LINE}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe("month");
    expect((await report(agent, `businessLine=${LINE}&month=${month}`)).status).toBe(403);
    expect(
      (await client(server.url).get(`/api/v1/reports/monthly?businessLine=${LINE}&month=${month}`)).status,
    ).toBe(401);
    // merchant1 owns M001 only: none of these tickets is its own.
    const merchant = await login(server.url, "merchant1");
    const own = await report(merchant, `businessLine=${LINE}&month=${month}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ tickets: 0, orders: 0, categoryShares: [] });
    const cards = await client(server.url, merchant).get(`/api/v1/reports/merchants?month=${month}`);
    expect(cards.status).toBe(200);
    expect(cards.body.items.every((m: any) => m.merchantId === "M001")).toBe(true);
    expect((await client(server.url, merchant).get(`/api/v1/reports/agents?month=${month}`)).status).toBe(
      403,
    );
  });
});

describe("scorecards and disclosure", () => {
  it("calls in the merchant whose food complaints pass 5% of its orders", async () => {
    const r = await client(server.url, supervisor).get(
      `/api/v1/reports/merchants?month=${month}&businessLine=${LINE}`,
    );
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.items.map((m: any) => [m.merchantId, m]));
    // RPT-A: 2 quality complaints (T1, T2) on 5 orders = 40%. RPT-B: 1 (T4) on 25 = 4%.
    expect(byId["RPT-A"]).toMatchObject({
      orders: 5,
      tickets: 3,
      foodComplaints: 2,
      complaintRate: 0.4,
      talk: true,
      talkThreshold: 0.05,
      resolutionRate: 0.6667,
      satisfactionAvg: 3.5,
    });
    expect(byId["RPT-B"]).toMatchObject({
      orders: 25,
      tickets: 4,
      foodComplaints: 1,
      complaintRate: 0.04,
      talk: false,
      resolutionRate: 0.3333,
      satisfactionAvg: 4,
    });
    expect(r.body.items[0].merchantId).toBe("RPT-A");
  });

  it("tells each agent's volume, first response, resolution rate and satisfaction", async () => {
    const r = await client(server.url, supervisor).get(
      `/api/v1/reports/agents?month=${month}&businessLine=${LINE}`,
    );
    expect(r.status).toBe(200);
    // agent1 holds or resolved T1, T2, T3, T4, T6; T5 and T7 were never taken.
    expect(r.body.items).toEqual([
      expect.objectContaining({
        agent: "agent1",
        name: "客服小王",
        tickets: 5,
        resolved: 3,
        resolutionRate: 0.6,
        satisfactionAvg: 3.67,
        surveys: 3,
        secondRoundRate: 0.2,
      }),
      expect.objectContaining({ agent: null, name: null, tickets: 2, resolved: 0, resolutionRate: 0 }),
    ]);
  });

  it("publishes an e-commerce line's return rate: orders whose return was approved, of its orders", async () => {
    const before = await client(server.url).get(`/api/v1/public/disclosure?month=${month}`);
    const line = (b: typeof before) => b.body.lines.find((l: any) => l.businessLine === "ecommerce");
    const { ticketNo } = await openTicket(server, admin, agent, {
      businessLine: "ecommerce",
      merchantId: "RPT-E",
      category: "not_as_described",
      subType: "mismatch",
      expectedResolution: "return",
    });
    const decided = await staff().post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(decided.status).toBe(201);
    expect(decided.body.status).toBe("approved");
    expect(decided.body.items.map((i: any) => i.kind)).toContain("return");
    await runDueJobs(server);
    const after = line(await client(server.url).get(`/api/v1/public/disclosure?month=${month}`));
    expect(after.returns).toBe(line(before).returns + 1);
    expect(after.returnRate).toBe(Math.round((after.returns / after.orders) * 10000) / 10000);
  });

  it("publishes each line's complaint and resolution rates without a login or anything personal", async () => {
    const r = await client(server.url).get(`/api/v1/public/disclosure?month=${month}`);
    expect(r.status).toBe(200);
    // A month still to come has nothing to publish, rather than a line of zeros.
    const future = await client(server.url).get("/api/v1/public/disclosure?month=2099-01");
    expect(future.status).toBe(400);
    expect(future.body.error.details).toMatchObject([{ field: "month", code: "FUTURE_MONTH" }]);
    const orders = (await demoOrders()) + 30;
    const line = r.body.lines.find((l: any) => l.businessLine === LINE);
    expect(line).toEqual({
      businessLine: LINE,
      label: expect.objectContaining({ "zh-CN": expect.any(String) }),
      orders,
      tickets: 7,
      complaintRate: Math.round((7 / orders) * 10000) / 10000,
      returns: 0,
      returnRate: 0,
      resolutionRate: 0.5,
    });
    expect(JSON.stringify(r.body)).not.toMatch(/RPT-|1[3-9]\d{9}|agent1/);
    expect(
      (await client(server.url).get("/api/v1/public/disclosure?month=2026-13")).body.error.details[0].field,
    ).toBe("month");
  });
});

describe("withdrawals", () => {
  it("shows the share of a line's requests their customers withdrew, outside the resolution rate", async () => {
    // Fresh food: a line of its own in this month, so its figures are these two tickets only.
    const paidAt = new Date(Math.max(Date.parse((await detail(t.T1!)).createdAt) - 60_000, 0));
    const filed = [];
    for (const c of [
      await order("RPT-F", paidAt, "fresh_food"),
      await order("RPT-F", paidAt, "fresh_food"),
    ]) {
      const r = await client(server.url).post("/api/v1/tickets", {
        channel: "app",
        phone: c.phone,
        orderNo: c.orderNo,
        category: "delivery",
        description: "菜还没送到，已经超过约定时间一个小时了",
      });
      expect(r.status).toBe(201);
      filed.push({ ticketNo: r.body.ticketNo as string, phone: c.phone });
    }
    const taken = await client(server.url).post(`/api/v1/tickets/${filed[0]!.ticketNo}/withdraw`, {
      phone: filed[0]!.phone,
      reason: "已经送到了",
    });
    expect(taken.status).toBe(200);
    await runDueJobs(server);

    const r = await report(supervisor, `businessLine=fresh_food&month=${month}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tickets: 2, resolutionRate: 0 });
    expect(r.body.kpis.withdrawalRate).toBe(0.5);
    // The b2b line had no withdrawal.
    expect((await report(supervisor, `businessLine=${LINE}&month=${month}`)).body.kpis.withdrawalRate).toBe(
      0,
    );
    const csv = await fetch(
      `${server.url}/api/v1/reports/monthly.csv?businessLine=fresh_food&month=${month}`,
      {
        headers: { authorization: `Bearer ${supervisor}` },
      },
    );
    expect(await csv.text()).toContain('"撤销率","50.00%"');

    // A database that had rolled these tickets up before the upgrade counts the withdrawal (and the
    // e-commerce return above) too: the migration sets them on the stored facts and rows (the rollups are
    // not rebuilt from events).
    const returns = async () =>
      (await client(server.url).get(`/api/v1/public/disclosure?month=${month}`)).body.lines.find(
        (l: any) => l.businessLine === "ecommerce",
      ).returns;
    const returnsBefore = await returns();
    expect(returnsBefore).toBeGreaterThan(0);
    await server.app.ctx.db.transaction().execute(async (trx) => {
      // Migrations are written against an untyped database, as the migrator runs them.
      const untyped = trx as unknown as Kysely<unknown>;
      await reportWithdrawals.down(untyped);
      await reportWithdrawals.up(untyped);
    });
    const upgraded = await report(supervisor, `businessLine=fresh_food&month=${month}`);
    expect(upgraded.body.kpis.withdrawalRate).toBe(0.5);
    expect(await returns()).toBe(returnsBefore);
    expect(await checkMonth(server.app.ctx.db, month)).toEqual([]);
  });
});

describe("reports check", () => {
  it("finds the rollups equal to the raw tables, and reports a tampered rollup row", async () => {
    const db = server.app.ctx.db;
    expect(await checkMonth(db, month)).toEqual([]);
    await sql`update report_monthly set received = received + 1
      where month = ${month} and merchant_id = 'RPT-A' and category = 'quality'`.execute(db);
    const differences = await checkMonth(db, month);
    expect(differences).toEqual([
      expect.objectContaining({ rollup: "monthly", measure: "received", stored: 3, recomputed: 2 }),
    ]);
    await sql`update report_monthly set received = received - 1
      where month = ${month} and merchant_id = 'RPT-A' and category = 'quality'`.execute(db);
    expect(await checkMonth(db, month)).toEqual([]);
  });
});
