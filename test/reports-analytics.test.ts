import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOf, hourOf, monthOf, monthRange } from "../src/modules/reports/reports.domain.ts";
import { checkMonth } from "../src/modules/reports/reports-check.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { openTicket } from "./helpers/remedies.ts";
import { client, freshCustomer, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Trends, heat map, weekly analysis, rider scorecard, QA sampling and the XLSX/PDF exports over a known
 * set of B2B tickets (day-long deadlines: no clock breaks while the test moves three hours), plus one
 * food-delivery ticket whose refund the rider bears. Every figure is written out by hand below.
 *
 *   A1 R001 delivery_delay 东区  order late      agent1 resolves, survey 5 solved → closed
 *   A2 R001 quality        东区  on time         agent1 resolves, survey 4 solved → closed
 *   A3 R001 delivery_delay 西区  order late      agent2 resolves, no answer      → resolved
 *   A4 R002 delivery_delay 西区  on time         agent1 resolves, survey 5 solved → closed
 *   A5 R002 packaging      西区  not delivered   untouched
 *   A6 —    quality        东区                  untouched
 *   F1 R001 food_delivery delivery/wrong_address: refund of 15.00 borne by the rider, approved
 */
const LINE = "b2b_food_supply";
const EAST = "测试-东区";
const WEST = "测试-西区";
const MINUTE = 60;
let server: TestServer;
let admin: string;
let agent1: string;
let agent2: string;
let supervisor: string;
let qa: string;
let month: string;
const t: Record<string, string> = {};
const created: Record<string, Date> = {};

const get = (token: string, path: string) => client(server.url, token).get(path);

async function ticket(
  key: string,
  o: { rider: string | null; region: string; category: string; late?: boolean; delivered?: boolean },
  now: Date,
) {
  const c = freshCustomer();
  const promisedAt = new Date(now.getTime() - 60 * 60_000);
  const order = await client(server.url, admin).put(`/api/v1/orders/${c.orderNo}`, {
    businessLine: LINE,
    customerPhone: c.phone,
    merchantId: "RPT-AN",
    ...(o.rider ? { riderId: o.rider } : {}),
    region: o.region,
    items: [{ productId: `RPT-AN-${key}`, name: "冷链鸡胸 10kg", quantity: 1, unitPriceFen: 30000 }],
    paidFen: 30000,
    paidAt: new Date(now.getTime() - 3 * 3600_000).toISOString(),
    promisedAt: promisedAt.toISOString(),
    ...(o.delivered === false
      ? {}
      : { deliveredAt: new Date(promisedAt.getTime() + (o.late ? 30 : -30) * 60_000).toISOString() }),
  });
  expect(order.status).toBe(201);
  const r = await client(server.url).post("/api/v1/tickets", {
    channel: "app",
    phone: c.phone,
    orderNo: c.orderNo,
    category: o.category,
    description: "这批货有问题，麻烦尽快核实处理一下，谢谢",
  });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ businessLine: LINE, category: o.category });
  t[key] = r.body.ticketNo;
}

async function work(token: string, key: string) {
  const staff = client(server.url, token);
  expect((await staff.post(`/api/v1/tickets/${t[key]}/take`)).status).toBe(200);
  const reply = { body: "您好，已收到，正在核实", visibility: "customer" };
  expect((await staff.post(`/api/v1/tickets/${t[key]}/replies`, reply)).status).toBe(201);
  expect((await staff.post(`/api/v1/tickets/${t[key]}/transitions`, { to: "resolved" })).status).toBe(200);
}

async function answerSurvey(key: string, score: number) {
  const events = (await get(agent1, `/api/v1/tickets/${t[key]}`)).body.events;
  const invited = events.find((e: any) => e.type === "survey_invited");
  const token = new URL(invited.data.surveyUrl).pathname.split("/").pop();
  const r = await client(server.url).post(`/api/v1/surveys/${token}`, {
    score,
    resolved: true,
    dimensions: { efficiency: score, resolution: score, attitude: score },
  });
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  server = await startServerWithOwnDatabase("reports_analytics", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  [admin, agent1, agent2, supervisor, qa] = (await Promise.all(
    ["admin", "agent1", "agent2", "supervisor1", "qa1"].map((u) => login(server.url, u)),
  )) as [string, string, string, string, string];
  // The story must stay inside one Beijing month: start afresh in the next one when it ends soon.
  let now = await runDueJobs(server);
  const later = new Date(now.getTime() + 5 * 3600_000);
  if (monthOf(later) !== monthOf(now))
    now = await advanceClock(
      server,
      (monthRange(monthOf(later)).from.getTime() - now.getTime()) / 1000 + 300,
    );
  month = monthOf(now);

  await ticket("A1", { rider: "R001", region: EAST, category: "delivery_delay", late: true }, now);
  await ticket("A2", { rider: "R001", region: EAST, category: "quality" }, now);
  await ticket("A3", { rider: "R001", region: WEST, category: "delivery_delay", late: true }, now);
  await ticket("A4", { rider: "R002", region: WEST, category: "delivery_delay" }, now);
  await ticket("A5", { rider: "R002", region: WEST, category: "packaging", delivered: false }, now);
  await ticket("A6", { rider: null, region: EAST, category: "quality" }, now);

  const f1 = await openTicket(server, admin, agent1, { category: "delivery", subType: "wrong_address" });
  t.F1 = f1.ticketNo;
  const remedy = await client(server.url, agent1).post(`/api/v1/tickets/${t.F1}/remedies`, {
    items: [{ kind: "refund", amountFen: 1500, payer: "rider" }],
    note: "送错地址，协商退款由骑手承担",
  });
  expect(remedy.status).toBe(201);
  if (remedy.body.status === "pending_approval")
    expect(
      (await client(server.url, supervisor).post(`/api/v1/remedies/${remedy.body.id}/approve`, {})).status,
    ).toBe(200);

  await advanceClock(server, 10 * MINUTE);
  for (const k of ["A1", "A2", "A4"]) await work(agent1, k);
  await work(agent2, "A3");
  // The pack sends the survey two hours after resolution.
  await advanceClock(server, 121 * MINUTE);
  await answerSurvey("A1", 5);
  await answerSurvey("A2", 4);
  await answerSurvey("A4", 5);
  await runDueJobs(server);
  for (const [k, no] of Object.entries(t))
    created[k] = new Date((await get(agent1, `/api/v1/tickets/${no}`)).body.createdAt);
}, 240_000);
afterAll(() => server?.close());

const B2B = ["A1", "A2", "A3", "A4", "A5", "A6"];
const CATEGORY: Record<string, string> = {
  A1: "delivery_delay",
  A2: "quality",
  A3: "delivery_delay",
  A4: "delivery_delay",
  A5: "packaging",
  A6: "quality",
};
const REGION: Record<string, string> = { A1: EAST, A2: EAST, A3: WEST, A4: WEST, A5: WEST, A6: EAST };
const countBy = (keys: string[], of: (k: string) => string) => {
  const out: Record<string, number> = {};
  for (const k of keys) out[of(k)] = (out[of(k)] ?? 0) + 1;
  return out;
};

describe("trends, heat map and the weekly analysis", () => {
  it("counts each day's tickets per line and per category", async () => {
    const days = [...new Set(B2B.map((k) => dayOf(created[k]!)))].sort();
    const from = days[0]!;
    const to = days[days.length - 1]!;
    const r = await get(supervisor, `/api/v1/reports/trends?from=${from}&to=${to}&businessLine=${LINE}`);
    expect(r.status).toBe(200);
    expect(r.body.periods[0]).toBe(from);
    const series = (category: string) =>
      r.body.byCategory
        .find((s: any) => s.category === category)
        .counts.reduce((a: number, b: number) => a + b, 0);
    // Three delivery delays (A1, A3, A4), two quality (A2, A6), one packaging (A5).
    const perCategory = countBy(B2B, (k) => CATEGORY[k]!);
    expect(perCategory).toEqual({ delivery_delay: 3, quality: 2, packaging: 1 });
    for (const [category, count] of Object.entries(perCategory)) expect(series(category)).toBe(count);
    expect(r.body.byLine).toEqual([{ businessLine: LINE, counts: expect.any(Array) }]);
    expect(r.body.byLine[0].counts.reduce((a: number, b: number) => a + b, 0)).toBe(6);
    const weeks = await get(supervisor, `/api/v1/reports/trends?from=${from}&to=${to}&granularity=week`);
    expect(
      weeks.body.byLine.map((s: any) => [
        s.businessLine,
        s.counts.reduce((a: number, b: number) => a + b, 0),
      ]),
    ).toEqual([
      [LINE, 6],
      ["food_delivery", 1],
    ]);
    const bad = await get(supervisor, "/api/v1/reports/trends?from=2026-02-30&to=2026-01-01");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(["from"]);
  });

  it("puts every complaint in its region × hour cell and its weekday × hour cell", async () => {
    const r = await get(supervisor, `/api/v1/reports/heatmap?month=${month}&by=region&businessLine=${LINE}`);
    expect(r.status).toBe(200);
    const expected = countBy(B2B, (k) => `${REGION[k]}|${hourOf(created[k]!)}`);
    expect(Object.fromEntries(r.body.cells.map((c: any) => [`${c.row}|${c.hour}`, c.count]))).toEqual(
      expected,
    );
    expect(r.body.rows).toEqual([EAST, WEST].sort());
    const byWeekday = await get(supervisor, `/api/v1/reports/heatmap?month=${month}&businessLine=${LINE}`);
    const weekday = (d: Date) => String(((new Date(`${dayOf(d)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1);
    expect(Object.fromEntries(byWeekday.body.cells.map((c: any) => [`${c.row}|${c.hour}`, c.count]))).toEqual(
      countBy(B2B, (k) => `${weekday(created[k]!)}|${hourOf(created[k]!)}`),
    );
    expect(byWeekday.body.staffing).toHaveLength(24);
  });

  it("names the week's top categories, the movers against last week and the SLA breach rate", async () => {
    const r = await get(supervisor, `/api/v1/reports/weekly?week=${dayOf(created.A1!)}&businessLine=${LINE}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      tickets: 6,
      lastWeekTickets: 0,
      topCategories: [
        { businessLine: LINE, category: "delivery_delay", count: 3, share: 0.5 },
        { businessLine: LINE, category: "quality", count: 2, share: 0.3333 },
        { businessLine: LINE, category: "packaging", count: 1, share: 0.1667 },
      ],
      // Nothing last week: every category moved by its whole count.
      movers: [
        { category: "delivery_delay", count: 3, lastWeek: 0, change: 3, changeRatio: null },
        { category: "quality", count: 2, lastWeek: 0, change: 2 },
        { category: "packaging", count: 1, lastWeek: 0, change: 1 },
      ],
      lastWeekSlaBreachRate: null,
    });
    // Breached clocks of all judged (stopped or breached) clocks of the six tickets, from the raw table.
    const clocks = await sql<{ name: string; met: boolean; breached: boolean }>`
      select name, stopped_at is not null as met, breached_at is not null as breached from sla_clocks
      where ticket_no = any(${B2B.map((k) => t[k]!)}::text[])`.execute(server.app.ctx.db);
    const breached = clocks.rows.filter((c) => c.breached).length;
    const judged = clocks.rows.filter((c) => c.breached || c.met).length;
    expect(judged).toBeGreaterThan(0);
    expect(r.body.slaBreachRate).toBe(Math.round((breached / judged) * 10000) / 10000);
  });
});

describe("rider scorecard", () => {
  it("counts each rider's delivery complaints, late share, rider-borne compensation and reward points", async () => {
    const r = await get(supervisor, `/api/v1/reports/riders?month=${month}`);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.items.map((x: any) => [x.riderId, x]));
    // R001: A1, A2, A3, F1; delivery complaints A1, A3, F1; late A1, A3; refund 15.00; scores 5 and 4.
    expect(byId.R001).toMatchObject({
      tickets: 4,
      deliveryComplaints: 3,
      lateDeliveries: 2,
      lateDeliveryShare: 0.5,
      compensationFen: 1500,
      satisfactionAvg: 4.5,
      rewardPoints: 2,
    });
    // R002: A4 (on time), A5 (packaging, never delivered); A4 scored 5.
    expect(byId.R002).toMatchObject({
      tickets: 2,
      deliveryComplaints: 1,
      lateDeliveries: 0,
      lateDeliveryShare: 0,
      compensationFen: 0,
      satisfactionAvg: 5,
      rewardPoints: 1,
    });
    expect(r.body.items[0].riderId).toBe("R001");
  });

  it("shows a rider its own scorecard only", async () => {
    const rider = await login(server.url, "rider1");
    const own = await get(rider, `/api/v1/reports/riders?month=${month}`);
    expect(own.status).toBe(200);
    expect(own.body.items.map((x: any) => x.riderId)).toEqual(["R001"]);
    expect((await get(rider, `/api/v1/reports/riders?month=${month}&riderId=R002`)).status).toBe(403);
    expect((await get(rider, `/api/v1/reports/heatmap?month=${month}`)).status).toBe(403);
    expect((await get(agent1, `/api/v1/reports/riders?month=${month}`)).status).toBe(403);
  });
});

describe("QA sampling", () => {
  it("draws each agent's closed tickets by category, scores them and rolls the score into agent performance", async () => {
    expect(
      (await client(server.url, agent1).post("/api/v1/reports/qa/samples", { month, perAgent: 2 })).status,
    ).toBe(403);
    const drawn = await client(server.url, qa).post("/api/v1/reports/qa/samples", {
      month,
      perAgent: 2,
      businessLine: LINE,
    });
    expect(drawn.status).toBe(201);
    // Closed: A1, A2, A4 of agent1 (A3 of agent2 is resolved, not closed). Two places, two categories:
    // one delivery delay (A1 or A4) and the only quality ticket, A2.
    expect(drawn.body.items.map((s: any) => [s.agent, s.agentName, s.category]).sort()).toEqual([
      ["agent1", "客服小王", "delivery_delay"],
      ["agent1", "客服小王", "quality"],
    ]);
    expect(drawn.body.items.map((s: any) => s.ticketNo)).toContain(t.A2);
    expect([t.A1, t.A4]).toContain(
      drawn.body.items.find((s: any) => s.category === "delivery_delay").ticketNo,
    );
    const again = await client(server.url, qa).post("/api/v1/reports/qa/samples", { month, perAgent: 2 });
    expect(again.body.drawn).toBe(0);

    const [first, second] = drawn.body.items;
    const score = (id: string, body: object) =>
      client(server.url, qa).post(`/api/v1/reports/qa/samples/${id}/score`, body);
    const tooHigh = await score(first.id, { greeting: 101, accuracy: 80, remedy: 70, tone: 100 });
    expect(tooHigh.status).toBe(400);
    const one = await score(first.id, {
      greeting: 90,
      accuracy: 80,
      remedy: 70,
      tone: 100,
      comment: "补偿合规",
    });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ score: 85, scoredBy: "qa1", comment: "补偿合规" });
    expect((await score(second.id, { greeting: 100, accuracy: 100, remedy: 90, tone: 90 })).body.score).toBe(
      95,
    );
    expect((await score("QA-none", { greeting: 1, accuracy: 1, remedy: 1, tone: 1 })).status).toBe(404);

    const waiting = await get(qa, `/api/v1/reports/qa/samples?month=${month}&scored=false`);
    expect(waiting.body.items).toEqual([]);
    const agents = await get(supervisor, `/api/v1/reports/agents?month=${month}&businessLine=${LINE}`);
    const a1 = agents.body.items.find((a: any) => a.agent === "agent1");
    // (85 + 95) / 2
    expect(a1).toMatchObject({ qaReviews: 2, qaScoreAvg: 90 });
    expect(agents.body.items.find((a: any) => a.agent === "agent2")).toMatchObject({
      qaReviews: 0,
      qaScoreAvg: null,
    });
  });
});

describe("monthly report exports", () => {
  const download = (ext: string, token = supervisor) =>
    fetch(`${server.url}/api/v1/reports/monthly.${ext}?businessLine=${LINE}&month=${month}`, {
      headers: { authorization: `Bearer ${token}` },
    });

  it("lists the month's incidents in the report", async () => {
    const opened = await client(server.url, supervisor).post("/api/v1/incidents/emergency", {
      merchantId: "RPT-AN",
      ticketNos: [t.A1],
      reason: "冷链断链，多单变质",
    });
    expect(opened.status).toBe(201);
    const r = await get(supervisor, `/api/v1/reports/monthly?businessLine=${LINE}&month=${month}`);
    expect(r.body.incidents).toEqual([
      expect.objectContaining({
        kind: "emergency",
        status: "open",
        reason: "冷链断链，多单变质",
        tickets: 1,
      }),
    ]);
  });

  it("exports an XLSX workbook holding the same figures as the JSON report", async () => {
    const json = (await get(supervisor, `/api/v1/reports/monthly?businessLine=${LINE}&month=${month}`)).body;
    const res = await download("xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="report-${LINE}-${month}.xlsx"`,
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const summary = book.worksheets[0]!;
    expect(summary.getRow(1).getCell(3).value).toBe(month);
    expect(summary.getRow(4).values).toEqual([undefined, "工单量", 6, 0, 0]);
    // A1, A2, A3, A4 resolved of six after-sales cases.
    expect(summary.getRow(5).getCell(2).value).toBe(json.resolutionRate);
    expect(json.resolutionRate).toBe(0.6667);
    const categories = book.worksheets[1]!;
    const rows = categories
      .getSheetValues()
      .slice(2)
      .map((r: any) => [r[2], r[3]]);
    expect(rows).toEqual(json.categoryShares.map((c: any) => [c.count, c.share]));
    expect(rows).toEqual([
      [3, 0.5],
      [2, 0.3333],
      [1, 0.1667],
    ]);
    const incidents = book.worksheets[5]!;
    expect(incidents.getRow(2).getCell(5).value).toBe("冷链断链，多单变质");
  });

  it("exports a PDF of the month with a Chinese font", async () => {
    const res = await download("pdf");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="report-${LINE}-${month}.pdf"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.toString("latin1")).toContain(`(${month})`);
    // The embedded CJK face, not a standard font without Chinese glyphs.
    expect(bytes.toString("latin1")).toMatch(/FontFile2|WenQuanYi/);
    expect((await download("pdf", agent1)).status).toBe(403);
  });
});

describe("reports check", () => {
  it("finds the daily and rider rollups equal to the raw tables, and reports a tampered rider row", async () => {
    const db = server.app.ctx.db;
    expect(await checkMonth(db, month)).toEqual([]);
    await sql`update report_rider_monthly set late_delivery = late_delivery + 1
      where month = ${month} and rider_id = 'R002' and category = 'delivery_delay'`.execute(db);
    expect(await checkMonth(db, month)).toEqual([
      expect.objectContaining({ rollup: "riders", measure: "late_delivery", stored: 1, recomputed: 0 }),
    ]);
    await sql`update report_rider_monthly set late_delivery = late_delivery - 1
      where month = ${month} and rider_id = 'R002' and category = 'delivery_delay'`.execute(db);
  });
});
