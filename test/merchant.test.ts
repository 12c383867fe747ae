import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpeg, upload } from "./helpers/evidence.ts";
import { otherMerchant } from "./helpers/merchants.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { eventsOf, openTicket } from "./helpers/remedies.ts";
import { client, DEMO_PASSWORD, login, type TestServer } from "./helpers/server.ts";

/**
 * Merchant customer service over real HTTP: a complaint sent to its merchant to verify (accept, dispute →
 * mediation, or missed → the platform decides), the mediator's decision as the ticket's liability, a
 * suggestion from filing to its reported result, and no merchant ever reaching another's data.
 */
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
let merchant1: string; // owns M001
let merchant2: string; // owns M002, created here

const HOUR = 3600;

beforeAll(async () => {
  // Sessions outlive the hours the clock is moved ahead.
  server = await startServerWithOwnDatabase("merchant", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  const as = (username: string) => login(server.url, username, DEMO_PASSWORD);
  [admin, agent, supervisor, merchant1] = await Promise.all([
    as("admin"),
    as("agent1"),
    as("supervisor1"),
    as("merchant1"),
  ]);
  merchant2 = await otherMerchant(server.url, admin);
});
afterAll(() => server?.close());

const as = (token: string) => client(server.url, token);
const complaint = () => openTicket(server, admin, agent, { category: "food" });
const verificationsOf = async (ticketNo: string) =>
  (await as(agent).get(`/api/v1/tickets/${ticketNo}/merchant-verification`)).body.items as any[];
const liabilityOf = async (ticketNo: string) =>
  (await as(agent).get(`/api/v1/tickets/${ticketNo}/verification`)).body.verification;
const statusOf = async (ticketNo: string) =>
  (await as(agent).get(`/api/v1/tickets/${ticketNo}`)).body.status as string;

async function sentToMerchant(ticketNo: string) {
  const r = await as(agent).post(`/api/v1/tickets/${ticketNo}/merchant-verification/request`);
  expect(r.status).toBe(201);
  return r.body;
}

describe("the merchant verifies a complaint about its store", () => {
  it("has the food-delivery pack's two hours to answer, on the SLA engine's clock", async () => {
    const { ticketNo } = await complaint();
    const v = await sentToMerchant(ticketNo);
    expect(v).toMatchObject({ status: "pending", merchantId: "M001" });
    expect(new Date(v.dueAt).getTime() - new Date(v.requestedAt).getTime()).toBe(2 * HOUR * 1000);
    expect(await statusOf(ticketNo)).toBe("awaiting_merchant");
    const ticket = (await as(agent).get(`/api/v1/tickets/${ticketNo}`)).body;
    const clock = ticket.sla.clocks.find((c: any) => c.name === `merchant-verification:${v.id}`);
    expect(clock).toMatchObject({ dueAt: v.dueAt, stoppedAt: null });

    const mine = (await as(merchant1).get("/api/v1/merchant/verifications?status=pending")).body.items;
    expect(mine.find((x: any) => x.ticketNo === ticketNo)).toMatchObject({
      dueAt: v.dueAt,
      category: "food",
    });
  });

  it("accepting makes the merchant liable, stops the clock and hands the ticket back to the agent", async () => {
    const { ticketNo } = await complaint();
    const v = await sentToMerchant(ticketNo);
    const r = await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
      decision: "accept",
      statement: "核实为后厨出餐失误，同意承担责任",
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "accepted", answeredBy: expect.any(String), mediationId: null });
    expect(await statusOf(ticketNo)).toBe("in_progress");
    expect(await liabilityOf(ticketNo)).toMatchObject({ liableParty: "merchant", verified: true });
    const ticket = (await as(agent).get(`/api/v1/tickets/${ticketNo}`)).body;
    const clock = ticket.sla.clocks.find((c: any) => c.name === `merchant-verification:${v.id}`);
    expect(clock.stoppedAt).not.toBeNull();
    // Answered once: a second answer has nothing to answer.
    const again = await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
      decision: "dispute",
      statement: "改主意了",
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("NO_PENDING_VERIFICATION");
  });

  it("a dispute with evidence opens a mediation with both sides; the mediator's decision is the liability", async () => {
    const { ticketNo } = await complaint();
    await sentToMerchant(ticketNo);
    const photo = await upload(server.url, await jpeg("#0a0"));
    expect(photo.status).toBe(201);
    const r = await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
      decision: "dispute",
      statement: "出餐时有封签照片，餐品完好，问题出在配送途中",
      attachmentIds: [photo.body.id],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "disputed", attachmentIds: [photo.body.id] });
    const mediationId = r.body.mediationId as string;
    expect(mediationId).toMatch(/^MD\d{14}$/);
    expect(await statusOf(ticketNo)).toBe("in_progress");

    expect((await as(merchant1).get("/api/v1/mediations?status=open")).status).toBe(403);
    const queue = (await as(supervisor).get("/api/v1/mediations?status=open")).body.items as any[];
    expect(queue.map((m) => m.id)).toContain(mediationId);
    const m = (await as(supervisor).get(`/api/v1/mediations/${mediationId}`)).body;
    expect(m).toMatchObject({
      ticketNo,
      status: "open",
      source: "merchant_dispute",
      merchant: { statement: "出餐时有封签照片，餐品完好，问题出在配送途中", evidence: [photo.body.id] },
      decision: null,
    });
    expect(m.customer.statement).toContain("饭都凉了");
    expect(m.customer.evidence).not.toContain(photo.body.id);

    const decided = await as(supervisor).post(`/api/v1/mediations/${mediationId}/decision`, {
      liable: "rider",
      reason: "封签完好，骑手配送超时导致餐品变凉",
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: "decided", decision: { liable: "rider" } });
    expect(await liabilityOf(ticketNo)).toMatchObject({ liableParty: "rider", verified: true });
    const proposal = await as(agent).get(`/api/v1/tickets/${ticketNo}/remedy-proposal`, {
      "accept-language": "en",
    });
    expect(proposal.body.reasons.join(" ")).toContain("the rider is liable");
    expect(
      (await as(supervisor).get("/api/v1/mediations?status=open")).body.items.map((x: any) => x.id),
    ).not.toContain(mediationId);
    const twice = await as(supervisor).post(`/api/v1/mediations/${mediationId}/decision`, {
      liable: "merchant",
      reason: "再议",
    });
    expect(twice.status).toBe(409);
  });

  it("a statement is required and names the field", async () => {
    const { ticketNo } = await complaint();
    await sentToMerchant(ticketNo);
    const r = await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
      decision: "dispute",
      statement: "   ",
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe("statement");
  });

  it("a merchant who misses the deadline gets the platform's decision: liable by the pack's rule", async () => {
    const { ticketNo } = await complaint();
    // Sending the ticket to the merchant by status starts the same deadline.
    const moved = await as(agent).post(`/api/v1/tickets/${ticketNo}/transitions`, {
      to: "awaiting_merchant",
    });
    expect(moved.status).toBe(200);
    const [v] = await verificationsOf(ticketNo);
    expect(v).toMatchObject({ status: "pending" });

    await as(admin).post("/__test__/clock", { advanceSeconds: 1 * HOUR });
    expect((await verificationsOf(ticketNo))[0].status).toBe("pending");

    const left =
      (new Date(v.dueAt).getTime() -
        Date.parse((await as(admin).post("/__test__/clock", { advanceSeconds: 0 })).body.now)) /
      1000;
    await as(admin).post("/__test__/clock", { advanceSeconds: Math.ceil(left) + 60 });
    expect((await verificationsOf(ticketNo))[0].status).toBe("missed");
    const missed = (await eventsOf(server, agent, ticketNo)).filter(
      (e) => e.type === "merchant_verification_missed",
    );
    expect(missed).toMatchObject([{ data: { verificationId: v.id, liable: "merchant" } }]);
    expect(await liabilityOf(ticketNo)).toMatchObject({ liableParty: "merchant" });
    expect(await statusOf(ticketNo)).toBe("in_progress");
    const late = await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
      decision: "dispute",
      statement: "刚看到消息",
    });
    expect(late.status).toBe(409);
  });
});

describe("a customer disputing a remedy", () => {
  it("opens a mediation with the customer's words as their statement", async () => {
    const { ticketNo, phone } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "late",
    });
    const remedy = await as(agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(remedy.body.status).toBe("approved");
    const disputed = await client(server.url).post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
      phone,
      response: "dispute",
      comment: "补偿太少，孩子晚饭都没吃上",
    });
    expect(disputed.status).toBe(200);
    const queue = (await as(supervisor).get("/api/v1/mediations?status=open")).body.items as any[];
    expect(queue.find((m) => m.ticketNo === ticketNo)).toMatchObject({
      source: "remedy_dispute",
      customer: { statement: "补偿太少，孩子晚饭都没吃上" },
      merchant: { statement: null, evidence: [] },
    });
  });
});

describe("merchant suggestions (建议)", () => {
  it("go from filing through assessment and a department to the result the merchant reads", async () => {
    const filed = await as(merchant1).post("/api/v1/merchant/suggestions", {
      topic: "希望增加结算对账报表",
      details: "每月对账要手工核对每一笔佣金和扣款，希望后台能导出对账明细。",
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ merchantId: "M001", category: "settlement", status: "submitted" });
    const id = filed.body.id as string;

    const early = await as(supervisor).post(`/api/v1/suggestions/${id}/forward`, { department: "finance" });
    expect(early.status).toBe(409);
    const board = (await as(supervisor).get("/api/v1/suggestions?status=submitted")).body.items as any[];
    expect(board.map((s) => s.id)).toContain(id);

    const steps = [
      ["assessment", { feasibility: "high", value: "high", note: "多家商家提过，工作量小" }],
      ["forward", { department: "finance" }],
      ["result", { result: "已排期，下月上线对账明细导出", adopted: true }],
    ] as const;
    for (const [path, body] of steps)
      expect((await as(supervisor).post(`/api/v1/suggestions/${id}/${path}`, body)).status).toBe(200);

    const mine = (await as(merchant1).get("/api/v1/merchant/suggestions")).body.items as any[];
    expect(mine.find((s) => s.id === id)).toMatchObject({
      status: "reported",
      department: "finance",
      assessment: { feasibility: "high", value: "high" },
      result: { text: "已排期，下月上线对账明细导出", adopted: true },
    });
  });
});

describe("a merchant never sees another merchant's data", () => {
  it("on every merchant route", async () => {
    const { ticketNo } = await complaint(); // M001's
    await sentToMerchant(ticketNo);
    const suggestion = (
      await as(merchant1).post("/api/v1/merchant/suggestions", {
        topic: "活动报名入口太深",
        details: "满减活动报名要点五层菜单才能找到，希望放到首页。",
      })
    ).body;
    const other = as(merchant2);

    expect(
      (
        await other.post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
          decision: "accept",
          statement: "好",
        })
      ).status,
    ).toBe(404);
    expect((await other.get(`/api/v1/tickets/${ticketNo}/merchant-verification`)).status).toBe(404);
    const theirs = (await other.get("/api/v1/merchant/verifications")).body.items as any[];
    expect(theirs.every((v) => v.merchantId === "M002")).toBe(true);
    expect(theirs.map((v) => v.ticketNo)).not.toContain(ticketNo);

    const list = (await other.get("/api/v1/merchant/suggestions")).body.items as any[];
    expect(list.map((s) => s.id)).not.toContain(suggestion.id);
    expect((await other.get(`/api/v1/merchant/suggestions/${suggestion.id}`)).status).toBe(404);
    const forged = await other.post("/api/v1/merchant/suggestions", {
      merchantId: "M001",
      topic: "冒名建议",
      details: "试图以别家店铺的名义提交建议。",
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.details[0].field).toBe("merchantId");

    // Staff routes are closed to merchants altogether.
    expect((await other.get("/api/v1/mediations")).status).toBe(403);
    expect((await other.get("/api/v1/suggestions")).status).toBe(403);
    expect((await other.post(`/api/v1/tickets/${ticketNo}/merchant-verification/request`)).status).toBe(403);

    // The owner still sees and answers its own.
    expect((await as(merchant1).get(`/api/v1/merchant/suggestions/${suggestion.id}`)).status).toBe(200);
    expect(
      (
        await as(merchant1).post(`/api/v1/tickets/${ticketNo}/merchant-verification`, {
          decision: "accept",
          statement: "认",
        })
      ).status,
    ).toBe(200);
  });
});
