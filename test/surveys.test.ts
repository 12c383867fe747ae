import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { eventsOf, openTicket, simulatorOf } from "./helpers/remedies.ts";
import { client, login, type TestServer } from "./helpers/server.ts";

/**
 * Result feedback, the satisfaction survey and closing, end to end with the test clock: the remedy is
 * paid, the agent resolves, the survey link arrives within the pack's 24 hours, and the customer's
 * answer either starts a second round with the supervisors or closes the ticket.
 */
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
const HOUR = 3600;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("surveys", {
    AFTERSALE_TEST_CLOCK: "1",
    // The clock moves weeks ahead; staff sessions must outlive it.
    SESSION_TTL_MINUTES: String(60 * 24 * 365),
  });
  [admin, agent, supervisor] = await Promise.all([
    login(server.url, "admin"),
    login(server.url, "agent1"),
    login(server.url, "supervisor1"),
  ]);
  simulatorOf(server).latencyMs = 0;
});
afterAll(() => server?.close());

async function advance(seconds: number): Promise<Date> {
  const r = await client(server.url).post("/__test__/clock", { advanceSeconds: seconds });
  expect(r.status).toBe(200);
  return new Date(r.body.now);
}

const staff = () => client(server.url, agent);
const ticketOf = async (ticketNo: string) => (await staff().get(`/api/v1/tickets/${ticketNo}`)).body;
const resolve = async (ticketNo: string) => {
  const r = await staff().post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "resolved" });
  expect(r.status).toBe(200);
  return new Date((await ticketOf(ticketNo)).events.at(-1).at);
};
const tokenOf = (surveyUrl: string) => new URL(surveyUrl).pathname.split("/").pop()!;
const dimensions = { efficiency: 2, resolution: 1, attitude: 4 };

/** A late delivery refunded by the standard remedy and resolved; answers the ticket and the survey token. */
async function paidAndResolved() {
  const opened = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
  expect((await staff().post(`/api/v1/tickets/${opened.ticketNo}/remedies`, {})).status).toBe(201);
  await server.app.jobs.runAll();
  const resolvedAt = await resolve(opened.ticketNo);
  return { ...opened, resolvedAt };
}

async function surveyEventOf(ticketNo: string) {
  return (await eventsOf(server, agent, ticketNo)).find((e) => e.type === "survey_invited");
}

describe("result feedback and survey", () => {
  it("tells the refund in yuan with its reference, then sends a working survey link within 24 hours", async () => {
    const { ticketNo, phone, resolvedAt } = await paidAndResolved();
    const feedback = (await eventsOf(server, agent, ticketNo)).filter((e) => e.type === "result_feedback");
    // The two payouts settle in parallel: one sentence each, in whichever order they were paid.
    expect(feedback.map((e) => e.data.text).sort()).toEqual([
      expect.stringMatching(/^¥10\.00 优惠券已发放到您的账户（券号 \S+）/),
      expect.stringMatching(/^退款 ¥28\.00 已原路退回您的支付账户（交易参考号 \S+）/),
    ]);
    const refund = feedback.find((e) => e.data.kind === "refund");
    expect(refund.data).toMatchObject({ amountFen: 2800, reference: expect.stringMatching(/\S/) });
    expect(refund.data.text).toContain(refund.data.reference);
    expect(await surveyEventOf(ticketNo)).toBeUndefined();

    // The pack sends it an hour after resolution (within its 24-hour promise).
    await advance(50 * 60);
    expect(await surveyEventOf(ticketNo)).toBeUndefined();
    await advance(11 * 60);
    const invited = await surveyEventOf(ticketNo);
    expect(invited).toBeDefined();
    expect(new Date(invited.at).getTime() - resolvedAt.getTime()).toBeLessThanOrEqual(24 * HOUR * 1000);
    expect(invited.data.surveyUrl).toMatch(/\/h5\/survey\/[A-Za-z0-9_-]+\.[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    expect(new Date(invited.data.expiresAt).getTime()).toBeGreaterThan(Date.parse(invited.at));

    // The customer sees both on the progress page.
    const progress = await client(server.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    const texts = progress.body.timeline.map((e: any) => e.text);
    expect(texts).toContainEqual(expect.stringContaining("退款 ¥28.00 已原路退回"));
    expect(texts).toContainEqual(expect.stringContaining(invited.data.surveyUrl));

    const survey = await client(server.url).get(`/api/v1/surveys/${tokenOf(invited.data.surveyUrl)}`);
    expect(survey.status).toBe(200);
    expect(survey.body).toMatchObject({ ticketNo, businessLine: "food_delivery", answeredAt: null });
    expect(survey.body.done).toContainEqual(expect.stringContaining("退款 ¥28.00"));
  });

  it("reopens a score of 2 to the supervisors' queue with the customer's words; a second answer is 409", async () => {
    const { ticketNo } = await paidAndResolved();
    await advance(24 * HOUR);
    const token = tokenOf((await surveyEventOf(ticketNo)).data.surveyUrl);
    const words = "退款是收到了，但是骑手态度很差，问题根本没有解决";
    const answer = await client(server.url).post(`/api/v1/surveys/${token}`, {
      score: 2,
      resolved: false,
      text: words,
      dimensions,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ ticketNo, secondRound: true, ticketStatus: "reopened" });

    const t = await ticketOf(ticketNo);
    expect(t).toMatchObject({ status: "reopened", queue: "supervisor", escalationLevel: 1, assignee: null });
    expect(t.events.find((e: any) => e.type === "second_round")).toMatchObject({
      visibility: "internal",
      data: { source: "survey", words, score: 2, resolved: false, reopened: true },
    });
    const queue = await client(server.url, supervisor).get(
      "/api/v1/tickets?queue=supervisor&status=reopened",
    );
    expect(queue.body.items.map((i: any) => i.ticketNo)).toContain(ticketNo);
    const row = await server.app.ctx.db
      .selectFrom("tickets")
      .select("second_rounds")
      .where("ticket_no", "=", ticketNo)
      .executeTakeFirstOrThrow();
    expect(row.second_rounds).toBe(1);

    const again = await client(server.url).post(`/api/v1/surveys/${token}`, {
      score: 5,
      resolved: true,
      dimensions: { efficiency: 5, resolution: 5, attitude: 5 },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("SURVEY_ANSWERED");
  });

  it("closes a resolved ticket when a content customer says it is solved, with the handling time", async () => {
    const opened = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    await advance(90 * 60);
    await resolve(opened.ticketNo);
    await advance(2 * HOUR);
    const token = tokenOf((await surveyEventOf(opened.ticketNo)).data.surveyUrl);
    const answer = await client(server.url).post(`/api/v1/surveys/${token}`, {
      score: 5,
      resolved: true,
      dimensions: { efficiency: 5, resolution: 4, attitude: 5 },
    });
    expect(answer.body).toEqual({ ticketNo: opened.ticketNo, secondRound: false, ticketStatus: "closed" });
    const closed = (await ticketOf(opened.ticketNo)).events.filter(
      (e: any) => e.type === "status_changed" && e.data.to === "closed",
    );
    expect(closed).toHaveLength(1);
    expect(closed[0].data).toMatchObject({ closedBy: "survey" });
    expect(closed[0].data.handlingMinutes).toBeGreaterThanOrEqual(90);
    expect(closed[0].data.handlingMinutes).toBeLessThan(95);
  });

  it("refuses a forged or mangled link with 404, an expired one with 410, and names bad fields", async () => {
    const { ticketNo } = await paidAndResolved();
    await advance(24 * HOUR);
    const token = tokenOf((await surveyEventOf(ticketNo)).data.surveyUrl);
    const [id, expiry] = token.split(".");
    const forged = `${id}.${expiry}.AAAAAAAAAAAAAAAAAAAAAA`;
    expect((await client(server.url).get(`/api/v1/surveys/${forged}`)).status).toBe(404);
    expect((await client(server.url).get("/api/v1/surveys/nonsense")).status).toBe(404);

    const bad = await client(server.url).post(`/api/v1/surveys/${token}`, {
      score: 6,
      resolved: true,
      dimensions: { efficiency: 3, resolution: 3 },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: any) => d.field);
    expect(fields).toContain("score");
    expect(fields).toContain("dimensions.attitude");

    await advance(8 * 24 * HOUR);
    const late = await client(server.url).get(`/api/v1/surveys/${token}`);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe("SURVEY_EXPIRED");
    const lateAnswer = await client(server.url).post(`/api/v1/surveys/${token}`, {
      score: 4,
      resolved: true,
      dimensions,
    });
    expect(lateAnswer.status).toBe(410);
  });
});

describe("closing", () => {
  it("closes when the customer confirms on the progress page, recording the handling time", async () => {
    const opened = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    const confirm = (phone: string) =>
      client(server.url).post(`/api/v1/tickets/${opened.ticketNo}/confirm`, { phone });
    expect((await confirm(opened.phone)).status).toBe(409);
    await advance(40 * 60);
    await resolve(opened.ticketNo);
    expect((await confirm("13900000000")).status).toBe(404);
    const ok = await confirm(opened.phone);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ticketNo: opened.ticketNo, status: "closed" });
    expect(ok.body.handlingMinutes).toBeGreaterThanOrEqual(40);
    expect(ok.body.handlingMinutes).toBeLessThan(45);
    const progress = await client(server.url).get(
      `/api/v1/tickets/${opened.ticketNo}/progress?phone=${opened.phone}`,
    );
    expect(progress.body.status).toBe("closed");
  });

  it("closes a resolved ticket by itself after the pack's quiet period of 3 days, not before", async () => {
    const opened = await openTicket(server, admin, agent, { category: "delivery", subType: "late" });
    await advance(2 * HOUR);
    await resolve(opened.ticketNo);
    await advance(3 * 24 * HOUR - 60);
    expect((await ticketOf(opened.ticketNo)).status).toBe("resolved");
    await advance(120);
    const t = await ticketOf(opened.ticketNo);
    expect(t.status).toBe("closed");
    const closed = t.events.find((e: any) => e.type === "status_changed" && e.data.to === "closed");
    expect(closed).toMatchObject({
      actor: "system",
      visibility: "customer",
      data: { closedBy: "quiet_period" },
    });
    expect(closed.data.handlingMinutes).toBeGreaterThanOrEqual(120);
    expect(closed.data.handlingMinutes).toBeLessThan(125);
  });
});
