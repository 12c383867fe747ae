import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { eventsOf, openTicket, simulatorOf } from "./helpers/remedies.ts";
import { client, login, type TestServer } from "./helpers/server.ts";

let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("remedies");
  [admin, agent, supervisor] = await Promise.all([
    login(server.url, "admin"),
    login(server.url, "agent1"),
    login(server.url, "supervisor1"),
  ]);
  simulatorOf(server).latencyMs = 0;
});
afterAll(() => server?.close());
afterEach(() => {
  const sim = simulatorOf(server);
  sim.failureRate = 0;
  sim.lostAnswerRate = 0;
  sim.latencyMs = 0;
});

const runJobs = () => server.app.jobs.runAll();
const ledgerOf = async (ticketNo: string) =>
  (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/ledger`)).body;
const ticketOf = async (ticketNo: string) =>
  (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body;

describe("the remedy proposal (CONTRACT)", () => {
  it("answers the pack's standard remedy with amounts in fen, payers and reasons", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    const r = await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/remedy-proposal`);
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      { kind: "refund", amountFen: 2800, payer: "platform" },
      { kind: "coupon", amountFen: 1000, payer: "platform" },
    ]);
    expect(r.body.reasons[0]).toBe("配送超时：免单或退款，另赠优惠券");
    expect(r.body).toMatchObject({
      source: "rule",
      approval: { required: false, moneyFen: 3800 },
      refundableFen: 2800,
      executionPlan: [{ action: "refund", department: "finance", deadline: { hours: 24 }, afterStep: null }],
    });
    const en = await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/remedy-proposal`, {
      "accept-language": "en",
    });
    expect(en.body.reasons[0]).toBe("Late delivery: free order or refund plus a coupon");
  });

  it("is for staff: 401 without a login, 404 for another merchant's ticket", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", merchantId: "M002" });
    expect((await client(server.url).get(`/api/v1/tickets/${ticketNo}/remedy-proposal`)).status).toBe(401);
    const merchant = await login(server.url, "merchant1");
    expect(
      (await client(server.url, merchant).get(`/api/v1/tickets/${ticketNo}/remedy-proposal`)).status,
    ).toBe(403);
    expect(
      (await client(server.url, agent).get("/api/v1/tickets/FD19990101999999/remedy-proposal")).status,
    ).toBe(404);
  });

  it("shows the statutory option with its legal basis once food is verified unsafe", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "food", subType: "food_safety" });
    const staff = client(server.url, agent);
    const v = await staff.put(`/api/v1/tickets/${ticketNo}/verification`, {
      verified: true,
      liableParty: "merchant",
      findings: "照片与商家留样一致，食品已变质",
      foodSafetyViolation: true,
    });
    expect(v.status).toBe(200);
    expect(v.body.verification).toMatchObject({ liableParty: "merchant", recordedBy: "agent1" });
    const p = (await staff.get(`/api/v1/tickets/${ticketNo}/remedy-proposal`)).body;
    expect(p.statutory).toEqual([
      {
        statute: "food_safety_148",
        law: "《中华人民共和国食品安全法》第一百四十八条",
        items: [
          { kind: "refund", amountFen: 2800, payer: "merchant" },
          { kind: "compensation", amountFen: 100000, payer: "merchant" },
        ],
        reasons: [expect.stringContaining("不足一千元的为一千元")],
      },
    ]);
    expect(p.reasons).toContain("核实结果：责任方为商家");
    const events = await eventsOf(server, agent, ticketNo);
    expect(events.map((e) => e.type)).toContain("verification_recorded");
  });
});

describe("deciding, approving and paying", () => {
  it("approves a decision within the agent's limits at once, pays it, and gives the ticket back", async () => {
    const { ticketNo, orderNo } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "late",
    });
    const staff = client(server.url, agent);
    const decided = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(decided.status).toBe(201);
    expect(decided.body).toMatchObject({
      id: `${ticketNo}-R1`,
      status: "approved",
      option: "standard",
      approvedBy: "agent1",
      moneyFen: 3800,
    });
    expect((await ticketOf(ticketNo)).status).toBe("awaiting_execution");
    const board = await client(server.url, supervisor).get(`/api/v1/execution-orders?ticketNo=${ticketNo}`);
    expect(board.body.items).toMatchObject([{ action: "refund", department: "finance", status: "open" }]);

    await runJobs();
    const ledger = await ledgerOf(ticketNo);
    expect(ledger.entries.map((e: any) => [e.kind, e.direction, e.amountFen, e.status])).toEqual([
      ["refund", "payout", 2800, "succeeded"],
      ["coupon", "payout", 1000, "succeeded"],
    ]);
    expect(ledger.totals).toMatchObject({
      refundedFen: 2800,
      couponFen: 1000,
      inFlightFen: 0,
      chargedFen: 0,
    });
    expect(ledger.entries[0].trace).toMatchObject([{ attempt: 1, outcome: "succeeded" }]);
    expect(ledger.entries[0].authorisedBy).toBe("agent1");

    const t = await ticketOf(ticketNo);
    expect(t.status).toBe("in_progress");
    const types = t.events.map((e: any) => e.type);
    for (const type of [
      "remedy_decided",
      "remedy_approved",
      "execution_orders_created",
      "payment_succeeded",
      "execution_done",
    ])
      expect(types).toContain(type);
    const order = (await client(server.url, admin).get(`/api/v1/orders/${orderNo}/ledger`)).body;
    expect(order).toMatchObject({ paidFen: 2800, reservedRefundFen: 2800, refundableFen: 0 });
  });

  it("sends a decision above the limits to the supervisors' inbox; an agent cannot approve it", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      category: "food",
      subType: "foreign_object",
      items: [{ productId: "P0002", name: "水煮鱼", quantity: 1, unitPriceFen: 6000 }],
    });
    const decided = await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(decided.status).toBe(201);
    expect(decided.body).toMatchObject({ status: "pending_approval", moneyFen: 24000, approvedBy: null });
    expect(decided.body.approvalReasons[0]).toContain("需主管审批");

    const inbox = await client(server.url, supervisor).get(
      "/api/v1/remedies?status=pending_approval&limit=200",
    );
    expect(inbox.status).toBe(200);
    const mine = inbox.body.items.find((r: any) => r.id === decided.body.id);
    expect(mine).toMatchObject({
      ticket: { category: "food", subType: "foreign_object", severity: "serious" },
    });

    expect((await client(server.url, agent).post(`/api/v1/remedies/${decided.body.id}/approve`)).status).toBe(
      403,
    );
    const executeEarly = await client(server.url, agent).post(`/api/v1/remedies/${decided.body.id}/execute`);
    expect(executeEarly.status).toBe(409);
    expect(executeEarly.body.error.code).toBe("REMEDY_NOT_APPROVED");

    const approved = await client(server.url, supervisor).post(
      `/api/v1/remedies/${decided.body.id}/approve`,
      {
        note: "证据充分，同意",
      },
    );
    expect(approved.body).toMatchObject({ status: "approved", approvedBy: "supervisor1" });
    await runJobs();
    const ledger = await ledgerOf(ticketNo);
    expect(ledger.totals).toMatchObject({ refundedFen: 6000, compensatedFen: 18000, chargedFen: 24000 });
    // Both charges are written in one moment; their order in the list is not part of the promise.
    const charges = ledger.entries
      .filter((e: any) => e.direction === "charge")
      .sort((a: any, b: any) => a.amountFen - b.amountFen);
    expect(charges).toMatchObject([
      { kind: "charge", party: "merchant", partyId: "M001", amountFen: 6000, status: "recorded" },
      { kind: "charge", party: "merchant", partyId: "M001", amountFen: 18000, status: "recorded" },
    ]);
  });

  it("rejects with a reason, and a new decision supersedes one still waiting", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      category: "food",
      subType: "foreign_object",
      items: [{ productId: "P0002", name: "水煮鱼", quantity: 1, unitPriceFen: 6000 }],
    });
    const staff = client(server.url, agent);
    const first = (await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {})).body;
    const second = (await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, { note: "再次提交" })).body;
    expect(second).toMatchObject({ id: `${ticketNo}-R2`, status: "pending_approval" });
    const list = (await staff.get(`/api/v1/tickets/${ticketNo}/remedies`)).body.items;
    expect(list.map((r: any) => [r.id, r.status])).toEqual([
      [first.id, "superseded"],
      [second.id, "pending_approval"],
    ]);
    const rejected = await client(server.url, supervisor).post(`/api/v1/remedies/${second.id}/reject`, {
      reason: "请先核实异物来源",
    });
    expect(rejected.body).toMatchObject({ status: "rejected", rejectReason: "请先核实异物来源" });
    expect((await client(server.url, supervisor).post(`/api/v1/remedies/${second.id}/approve`)).status).toBe(
      409,
    );
    expect((await ledgerOf(ticketNo)).entries).toEqual([]);
  });

  it("lets an agent adjust within the limits, and refuses refunds above what was paid with 400", async () => {
    const { ticketNo, orderNo } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "late",
    });
    const staff = client(server.url, agent);
    const tooMuch = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {
      items: [{ kind: "refund", amountFen: 2801, payer: "platform" }],
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toMatchObject([{ field: "items", code: "REFUND_EXCEEDS_PAID" }]);
    const adjusted = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {
      items: [{ kind: "refund", amountFen: 1500, payer: "rider" }],
    });
    expect(adjusted.body).toMatchObject({ status: "approved", option: "adjusted" });

    // A second complaint on the same order can only refund what is left.
    const more = await client(server.url, admin).get(`/api/v1/orders/${orderNo}/ledger`);
    expect(more.body.refundableFen).toBe(1300);
    const proposal = (await staff.get(`/api/v1/tickets/${ticketNo}/remedy-proposal`)).body;
    expect(proposal.items).toEqual([
      { kind: "refund", amountFen: 1300, payer: "platform" },
      { kind: "coupon", amountFen: 1000, payer: "platform" },
    ]);
  });

  it("answers a repeated Idempotency-Key with the same remedy", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    const staff = client(server.url, agent);
    const a = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {}, { "idempotency-key": "decide-1" });
    const b = await staff.post(`/api/v1/tickets/${ticketNo}/remedies`, {}, { "idempotency-key": "decide-1" });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.id).toBe(a.body.id);
    expect((await staff.get(`/api/v1/tickets/${ticketNo}/remedies`)).body.items).toHaveLength(1);
  });
});

describe("money is never paid twice", () => {
  it("50 simultaneous approve and execute calls for one remedy make one payment", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "late",
      items: [{ productId: "P0003", name: "宴席套餐", quantity: 1, unitPriceFen: 30000 }],
    });
    const remedy = (
      await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {
        items: [{ kind: "refund", amountFen: 30000, payer: "platform" }],
      })
    ).body;
    expect(remedy.status).toBe("pending_approval");
    const sim = simulatorOf(server);
    sim.latencyMs = 20;
    const boss = client(server.url, supervisor);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? boss.post(`/api/v1/remedies/${remedy.id}/approve`)
          : boss.post(`/api/v1/remedies/${remedy.id}/execute`),
      ),
    );
    for (const [i, r] of replies.entries()) expect(i % 2 === 0 ? [200] : [200, 409]).toContain(r.status);
    await runJobs();
    await Promise.all(Array.from({ length: 10 }, () => boss.post(`/api/v1/remedies/${remedy.id}/execute`)));

    const ledger = await ledgerOf(ticketNo);
    const payouts = ledger.entries.filter((e: any) => e.direction === "payout");
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ status: "succeeded", attempts: 1, amountFen: 30000 });
    expect(payouts[0].trace.filter((a: any) => a.outcome === "succeeded")).toHaveLength(1);
    expect(sim.callsByKey.get(payouts[0].id)).toBe(1);
    expect(sim.payouts.get(payouts[0].id)?.reference).toBe(payouts[0].providerRef);
    const events = await eventsOf(server, agent, ticketNo);
    expect(events.filter((e) => e.type === "remedy_approved")).toHaveLength(1);
    expect(events.filter((e) => e.type === "payment_succeeded")).toHaveLength(1);
  });

  it("a provider failing then recovering ends with exactly one success", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "refused" });
    const sim = simulatorOf(server);
    sim.failureRate = 1;
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    await runJobs();
    let [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "pending", attempts: 1, lastError: "simulated provider failure" });
    const retryAt = new Date(payout.nextAttemptAt).getTime();
    expect(retryAt).toBeGreaterThan(Date.now());

    server.clock.advance(60);
    await runJobs();
    [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "pending", attempts: 2 });

    sim.failureRate = 0;
    server.clock.advance(120);
    await runJobs();
    [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(payout.trace.map((a: any) => a.outcome)).toEqual(["failed", "failed", "succeeded"]);
    expect([...sim.payouts.keys()].filter((k) => k === payout.id)).toHaveLength(1);
    const events = await eventsOf(server, agent, ticketNo);
    expect(events.filter((e) => e.type === "payment_succeeded")).toHaveLength(1);
  });

  it("an answer lost after paying is asked again under the same key and not paid again", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "refused" });
    const sim = simulatorOf(server);
    sim.lostAnswerRate = 1;
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    await runJobs();
    let [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "pending", attempts: 1 });
    expect(sim.payouts.has(payout.id)).toBe(true);
    const reference = sim.payouts.get(payout.id)!.reference;

    server.clock.advance(60);
    await runJobs();
    [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "succeeded", attempts: 2, providerRef: reference });
    expect(sim.payouts.get(payout.id)!.reference).toBe(reference);
  });

  it("after the last attempt a payout fails for good; finance retries it under the same key", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "refused" });
    const sim = simulatorOf(server);
    sim.failureRate = 1;
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    for (let i = 0; i < 8; i++) {
      await runJobs();
      server.clock.advance(3600);
    }
    let [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "failed", attempts: 6 });
    const board = (await client(server.url, agent).get(`/api/v1/execution-orders?ticketNo=${ticketNo}`)).body;
    expect(board.items[0]).toMatchObject({ action: "refund", status: "failed" });
    expect((await eventsOf(server, agent, ticketNo)).map((e) => e.type)).toContain("payment_failed");

    expect((await client(server.url, agent).post(`/api/v1/ledger/entries/${payout.id}/retry`)).status).toBe(
      403,
    );
    sim.failureRate = 0;
    const retried = await client(server.url, admin).post(`/api/v1/ledger/entries/${payout.id}/retry`);
    expect(retried.body).toMatchObject({ status: "pending" });
    await runJobs();
    [payout] = (await ledgerOf(ticketNo)).entries;
    expect(payout).toMatchObject({ status: "succeeded", attempts: 7 });
    const after = (await client(server.url, agent).get(`/api/v1/execution-orders?ticketNo=${ticketNo}`)).body;
    expect(after.items[0]).toMatchObject({ status: "done" });
  });
});

describe("the customer's answer", () => {
  it("shows the decided remedy by ticket number and phone, and records a dispute for mediation", async () => {
    const { ticketNo, phone } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "late",
    });
    const anyone = client(server.url);
    expect((await anyone.get(`/api/v1/tickets/${ticketNo}/remedy?phone=${phone}`)).body).toEqual({
      remedy: null,
    });
    const none = await anyone.post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
      phone,
      response: "accept",
    });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("NO_REMEDY");

    const remedy = (await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {})).body;
    await runJobs();
    const view = await anyone.get(`/api/v1/tickets/${ticketNo}/remedy?phone=${phone}`);
    expect(view.body.remedy).toMatchObject({
      remedyId: remedy.id,
      items: [
        { kind: "refund", amountFen: 2800, text: "退款" },
        { kind: "coupon", amountFen: 1000, text: "优惠券" },
      ],
      customerResponse: null,
      payments: [
        { kind: "refund", amountFen: 2800, status: "succeeded" },
        { kind: "coupon", amountFen: 1000, status: "succeeded" },
      ],
    });
    const wrongPhone = await anyone.get(`/api/v1/tickets/${ticketNo}/remedy?phone=13900000000`);
    expect(wrongPhone.status).toBe(404);
    expect(
      (
        await anyone.post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
          phone: "13900000000",
          response: "dispute",
        })
      ).status,
    ).toBe(404);

    const disputed = await anyone.post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
      phone,
      response: "dispute",
      comment: "孩子没吃上晚饭，希望再补偿一些",
    });
    expect(disputed.body).toEqual({ remedyId: remedy.id, customerResponse: "disputed" });
    const again = await anyone.post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
      phone,
      response: "accept",
    });
    expect(again.status).toBe(409);
    const events = await eventsOf(server, agent, ticketNo);
    expect(events.find((e) => e.type === "remedy_disputed")).toMatchObject({
      visibility: "customer",
      actor: "customer",
      data: { remedyId: remedy.id, comment: "孩子没吃上晚饭，希望再补偿一些", mediation: "pending" },
    });
    const progress = await anyone.get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(progress.body.timeline.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(["remedy_approved", "result_feedback", "remedy_disputed"]),
    );
  });

  it("lets an agent record the customer's acceptance given on the phone", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(
      (await client(server.url).post(`/api/v1/tickets/${ticketNo}/remedy/response`, { response: "accept" }))
        .status,
    ).toBe(401);
    const qa = await login(server.url, "qa1");
    expect(
      (
        await client(server.url, qa).post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
          response: "accept",
        })
      ).status,
    ).toBe(403);
    const r = await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedy/response`, {
      response: "accept",
    });
    expect(r.body.customerResponse).toBe("accepted");
    const remedies = (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/remedies`)).body.items;
    expect(remedies[0]).toMatchObject({
      customerResponse: "accepted",
      customerRespondedAt: expect.any(String),
    });
  });
});

describe("the API document", () => {
  it("describes every remedy, execution and ledger route", async () => {
    const doc = (await client(server.url).get("/openapi.json")).body;
    const paths = Object.keys(doc.paths);
    for (const path of [
      "/api/v1/tickets/{ticketNo}/verification",
      "/api/v1/tickets/{ticketNo}/remedy-proposal",
      "/api/v1/tickets/{ticketNo}/remedies",
      "/api/v1/remedies",
      "/api/v1/remedies/{remedyId}",
      "/api/v1/remedies/{remedyId}/approve",
      "/api/v1/remedies/{remedyId}/reject",
      "/api/v1/remedies/{remedyId}/execute",
      "/api/v1/tickets/{ticketNo}/remedy",
      "/api/v1/tickets/{ticketNo}/remedy/response",
      "/api/v1/execution-orders",
      "/api/v1/execution-orders/{orderId}",
      "/api/v1/execution-orders/{orderId}/transitions",
      "/api/v1/tickets/{ticketNo}/ledger",
      "/api/v1/orders/{orderNo}/ledger",
      "/api/v1/ledger/entries/{entryId}/retry",
      "/api/v1/payments/callback",
    ])
      expect(paths).toContain(path);
    const proposal = doc.paths["/api/v1/tickets/{ticketNo}/remedy-proposal"].get;
    expect(Object.keys(proposal.responses["200"].content["application/json"].schema.properties)).toEqual(
      expect.arrayContaining(["items", "reasons"]),
    );
  });
});
