import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileLateDelivery } from "./helpers/late-delivery.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, advanceClockTo, nextBeijing, runDueJobs } from "./helpers/test-clock.ts";

/**
 * The queue's due-soon and breached views, the SLA gauges of /metrics and the escalation queue, all
 * read from the SLA clocks: a stopped or paused clock is no longer late, whatever the ticket's deadline
 * columns still say. Clock-moving, so the file has a database of its own on PostgreSQL.
 */
const MIN = 60_000;
let server: TestServer;
let agent: ReturnType<typeof client>;
let supervisor: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("sla_views", { AFTERSALE_TEST_CLOCK: "1" });
});
afterAll(() => server?.close());

/** To a Beijing time of the next day or so, with fresh logins (sessions expire as the clock moves). */
async function startAt(hhmm: string): Promise<void> {
  await advanceClockTo(server, nextBeijing(await runDueJobs(server), hhmm));
  agent = client(server.url, await login(server.url, "agent1"));
  supervisor = client(server.url, await login(server.url, "supervisor1"));
}
const fileTicket = async () => fileLateDelivery(server.url, await login(server.url, "admin"));

/** The ticket numbers of a whole view (the demo data shares the database). */
async function viewOf(view: string): Promise<string[]> {
  const r = await supervisor.get(`/api/v1/tickets?view=${view}&limit=200`);
  expect(r.status).toBe(200);
  expect(r.body.total).toBeLessThanOrEqual(200);
  return r.body.items.map((t: { ticketNo: string }) => t.ticketNo);
}

/** One gauge of /metrics for one clock. */
async function gauge(name: string, clock: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{clock="${clock}"}`));
  expect(line, `${name}{clock="${clock}"} in /metrics`).toBeDefined();
  return Number(line!.split(" ").pop());
}
const BREACHED = "aftersale_sla_breached_open_tickets";
const DUE_SOON = "aftersale_sla_due_soon_open_tickets";

describe("the due-soon and breached views", () => {
  it("follow a ticket's running clocks into the reminder window and past the deadline", async () => {
    await startAt("10:00");
    const ticketNo = await fileTicket();
    expect(await viewOf("due_soon")).not.toContain(ticketNo);

    // 80 % of the 30 minutes used: inside the pack's reminder window, not yet late.
    await advanceClock(server, 25 * 60);
    expect(await viewOf("due_soon")).toContain(ticketNo);
    expect(await viewOf("breached")).not.toContain(ticketNo);
    expect(await gauge(DUE_SOON, "firstResponse")).toBeGreaterThanOrEqual(1);
    const row = (await supervisor.get(`/api/v1/tickets?view=due_soon&limit=200`)).body.items.find(
      (t: { ticketNo: string }) => t.ticketNo === ticketNo,
    );
    expect(row.clocks.map((c: any) => [c.name, c.state, c.breached])).toEqual([
      ["firstResponse", "running", false],
      ["resolution", "running", false],
    ]);
    const first = row.clocks[0];
    expect(new Date(first.dueAt).getTime() - new Date(row.createdAt).getTime()).toBe(30 * MIN);

    await advanceClock(server, 6 * 60);
    expect(await viewOf("breached")).toContain(ticketNo);
    expect(await viewOf("due_soon")).not.toContain(ticketNo);
  });

  it("drop a promise once its clock stops or pauses, in the views and in /metrics alike", async () => {
    await startAt("14:00");
    const ticketNo = await fileTicket();
    await advanceClock(server, 31 * 60);
    expect(await viewOf("breached")).toContain(ticketNo);
    const before = {
      first: await gauge(BREACHED, "firstResponse"),
      resolution: await gauge(BREACHED, "resolution"),
    };
    expect(before.first).toBeGreaterThanOrEqual(1);

    // The late first answer stops the first-response clock: one broken promise fewer, the other stays.
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
    const reply = await agent.post(`/api/v1/tickets/${ticketNo}/replies`, {
      body: "抱歉久等，正在核实",
      visibility: "customer",
    });
    expect(reply.status).toBe(201);
    expect(await gauge(BREACHED, "firstResponse")).toBe(before.first - 1);
    expect(await gauge(BREACHED, "resolution")).toBe(before.resolution);
    expect(await viewOf("breached")).toContain(ticketNo);

    // Waiting for the customer pauses resolution: nothing of this ticket runs late any more, although
    // its resolution deadline column still lies in the past.
    const wait = await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "awaiting_customer" });
    expect(wait.status).toBe(200);
    const detail = (await agent.get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(new Date(detail.resolutionDueAt).getTime()).toBeLessThan((await runDueJobs(server)).getTime());
    expect(await viewOf("breached")).not.toContain(ticketNo);
    expect(await gauge(BREACHED, "resolution")).toBe(before.resolution - 1);
  });
});

describe("the escalation queue", () => {
  it("shows supervisors and managers why and when a ticket escalated; others are refused", async () => {
    await startAt("11:00");
    const ticketNo = await fileTicket();
    await advanceClock(server, 31 * 60);

    for (const username of ["agent1", "qa1", "merchant1"]) {
      const r = await client(server.url, await login(server.url, username)).get("/api/v1/escalations");
      expect(r.status, username).toBe(403);
    }
    const r = await supervisor.get("/api/v1/escalations?level=1&limit=200");
    expect(r.status).toBe(200);
    const item = r.body.items.find((t: { ticketNo: string }) => t.ticketNo === ticketNo);
    expect(item).toMatchObject({
      escalationLevel: 1,
      queue: "supervisor",
      breached: ["firstResponse", "resolution"],
      escalations: [{ level: 1, clock: "firstResponse", role: "supervisor" }],
    });
    expect(new Date(item.escalations[0].at).getTime()).toBeGreaterThanOrEqual(
      new Date(item.escalations[0].dueAt).getTime(),
    );
    expect(r.body.items.every((t: { escalationLevel: number }) => t.escalationLevel === 1)).toBe(true);

    // Level 2 is the manager's: the ticket is not there until its next level fires.
    const manager = client(server.url, await login(server.url, "manager1"));
    const level2 = await manager.get("/api/v1/escalations?level=2&limit=200");
    expect(level2.status).toBe(200);
    expect(level2.body.items.map((t: { ticketNo: string }) => t.ticketNo)).not.toContain(ticketNo);
    await advanceClock(server, 30 * 60);
    const later = await manager.get("/api/v1/escalations?level=2&limit=200");
    const raised = later.body.items.find((t: { ticketNo: string }) => t.ticketNo === ticketNo);
    expect(raised.escalations.map((e: { level: number; role: string }) => [e.level, e.role])).toEqual([
      [1, "supervisor"],
      [2, "manager"],
    ]);
  });
});
