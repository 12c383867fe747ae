import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleBucket } from "../src/modules/follow-up/follow-up.domain.ts";
import { loadPacks } from "../src/policy-packs/load.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { openTicket } from "./helpers/remedies.ts";
import { client, login, type TestServer } from "./helpers/server.ts";

/**
 * Return visits (回访) with the test clock: a complex case resolved today is on the agents' list on day
 * 7 (not day 6), the agent records the call, and "the problem came back" reopens it to the supervisors.
 */
let server: TestServer;
let admin: string;
let agent: string;
let merchant: string;
const DAY = 86_400;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("return_visits", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 365),
  });
  [admin, agent, merchant] = await Promise.all([
    login(server.url, "admin"),
    login(server.url, "agent1"),
    login(server.url, "merchant1"),
  ]);
});
afterAll(() => server?.close());

async function advance(seconds: number): Promise<void> {
  expect((await client(server.url).post("/__test__/clock", { advanceSeconds: seconds })).status).toBe(200);
}
const staff = () => client(server.url, agent);
const dueVisits = async () => (await staff().get("/api/v1/return-visits?status=due&limit=200")).body.items;

async function resolvedTicket(serious: boolean) {
  const { ticketNo, phone } = await openTicket(server, admin, agent, {
    category: "delivery",
    subType: "late",
  });
  if (serious) {
    const r = await staff().post(`/api/v1/tickets/${ticketNo}/classification`, {
      severity: "serious",
      reason: "顾客反映孩子因此错过晚饭且多次催单无果，按严重处理",
    });
    expect(r.status).toBe(200);
  }
  expect((await staff().post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "resolved" })).status).toBe(
    200,
  );
  return { ticketNo, phone };
}

describe("return visits", () => {
  it("lists a complex case on day 7 after resolution; problem_returned reopens it to the supervisors", async () => {
    const { ticketNo } = await resolvedTicket(true);
    await advance(6 * DAY);
    expect((await dueVisits()).map((v: any) => v.ticketNo)).not.toContain(ticketNo);
    await advance(DAY + 60);
    const visit = (await dueVisits()).find((v: any) => v.ticketNo === ticketNo);
    expect(visit).toMatchObject({
      reason: "complex",
      status: "due",
      severity: "serious",
      businessLine: "food_delivery",
      customerPhone: expect.stringMatching(/^1\d{10}$/),
      outcome: null,
    });
    // The pack's 7–15 days: due on day 7, to be done by day 15.
    expect(Date.parse(visit.deadlineAt) - Date.parse(visit.resolvedAt)).toBe(15 * DAY * 1000);
    // The quiet period closed it meanwhile; the visit still happens.
    expect(visit.ticketStatus).toBe("closed");

    const noNote = await staff().post(`/api/v1/return-visits/${visit.id}/outcome`, {
      outcome: "problem_returned",
    });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.details[0].field).toBe("note");

    const words = "顾客说后来又点了一次，同一个骑手又超时一小时";
    const done = await staff().post(`/api/v1/return-visits/${visit.id}/outcome`, {
      outcome: "problem_returned",
      note: words,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "done", outcome: "problem_returned", visitedBy: "agent1" });
    expect(done.body.ticketStatus).toBe("reopened");

    const t = (await staff().get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(t).toMatchObject({ status: "reopened", queue: "supervisor", escalationLevel: 1 });
    expect(t.events.find((e: any) => e.type === "second_round").data).toMatchObject({
      source: "return_visit",
      words,
      returnVisitId: visit.id,
    });
    expect((await dueVisits()).map((v: any) => v.ticketNo)).not.toContain(ticketNo);
    const again = await staff().post(`/api/v1/return-visits/${visit.id}/outcome`, { outcome: "satisfied" });
    expect(again.status).toBe(409);
  });

  it("records a satisfied call without touching the ticket", async () => {
    const { ticketNo } = await resolvedTicket(true);
    await advance(7 * DAY + 60);
    const visit = (await dueVisits()).find((v: any) => v.ticketNo === ticketNo);
    const r = await staff().post(`/api/v1/return-visits/${visit.id}/outcome`, {
      outcome: "satisfied",
      note: "很满意",
    });
    expect(r.status).toBe(200);
    expect(r.body.ticketStatus).toBe("closed");
    const done = (await staff().get("/api/v1/return-visits?status=done&limit=200")).body.items;
    expect(done.find((v: any) => v.id === visit.id)).toMatchObject({ outcome: "satisfied", note: "很满意" });
  });

  it("visits an ordinary case only when the pack's sample holds its ticket number", async () => {
    const { ticketNo } = await resolvedTicket(false);
    await advance(7 * DAY + 60);
    const percent = loadPacks().get("food_delivery")!.followUp.returnVisitSamplePercent ?? 20;
    const listed = (await dueVisits()).find((v: any) => v.ticketNo === ticketNo);
    if (sampleBucket(ticketNo) < percent) expect(listed).toMatchObject({ reason: "sampled" });
    else expect(listed).toBeUndefined();
  });

  it("is for staff who work tickets: 401 without a login, 403 for a merchant", async () => {
    expect((await client(server.url).get("/api/v1/return-visits?status=due")).status).toBe(401);
    expect((await client(server.url, merchant).get("/api/v1/return-visits?status=due")).status).toBe(403);
    const outcome = await client(server.url, merchant).post("/api/v1/return-visits/x/outcome", {
      outcome: "satisfied",
    });
    expect(outcome.status).toBe(403);
    const bad = await staff().post("/api/v1/return-visits/x/outcome", { outcome: "happy" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("outcome");
    expect((await staff().post("/api/v1/return-visits/nope/outcome", { outcome: "satisfied" })).status).toBe(
      404,
    );
  });
});
