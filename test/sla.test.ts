import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAndMigrate } from "../src/db/database.ts";
import { loadDemo } from "../src/modules/demo/demo.ts";
import { isWorkday, localDate } from "../src/modules/sla/calendar.domain.ts";
import { shippedCalendar } from "../src/modules/sla/holidays.ts";
import { fileLateDelivery } from "./helpers/late-delivery.ts";
import { client, login, startServer, type TestServer } from "./helpers/server.ts";
import { advanceClock, advanceClockTo, nextBeijing, runDueJobs } from "./helpers/test-clock.ts";

/**
 * The SLA engine end to end, with the test clock: POST /__test__/clock moves a server's clock and runs
 * its due jobs before it answers. Every test first moves the clock to a known Beijing time, so the
 * figures do not depend on when the suite runs.
 *
 * On PostgreSQL this file works in a database of its own on the same server: a clock moved hours ahead
 * would otherwise fire the deadlines of the tickets other test files are working on at that moment.
 */
const PG_URL = process.env.TEST_DATABASE_URL;
const MIN = 60_000;
let ownUrl: string | undefined;
let server: TestServer;

const withOwnDb = (): Record<string, string> => ({
  AFTERSALE_TEST_CLOCK: "1",
  ...(ownUrl ? { DATABASE_URL: ownUrl } : {}),
});

beforeAll(async () => {
  if (PG_URL) {
    const url = new URL(PG_URL);
    const name = `${url.pathname.slice(1) || "test"}_sla_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    await admin.end();
    url.pathname = `/${name}`;
    ownUrl = url.toString();
    const opened = await openAndMigrate({ databaseUrl: ownUrl, dataDir: "" });
    await loadDemo(opened.db, new Date(), 60);
    await opened.close();
  }
  server = await startServer(withOwnDb());
});

afterAll(async () => {
  await server?.close();
  if (PG_URL && ownUrl) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${new URL(ownUrl).pathname.slice(1)} with (force)`);
    await admin.end();
  }
});

const beijing = (d: Date) =>
  new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

/** A late-delivery request from the food-delivery app (first response: 30 minutes of service time). */
const fileTicket = (s: TestServer, adminToken: string) => fileLateDelivery(s.url, adminToken);

const detailOf = async (s: TestServer, token: string, ticketNo: string) => {
  const r = await client(s.url, token).get(`/api/v1/tickets/${ticketNo}`);
  expect(r.status).toBe(200);
  return r.body;
};
const eventsOf = (detail: any, type: string) => detail.events.filter((e: any) => e.type === type);
const clockOf = (detail: any, name: string) => detail.sla.clocks.find((c: any) => c.name === name);

describe("a food-delivery ticket nobody answers", () => {
  it("is reminded, escalates to the supervisor after its 30 service minutes, then to the manager", async () => {
    await advanceClockTo(server, nextBeijing(await runDueJobs(server), "10:00"));
    const admin = await login(server.url, "admin");
    const ticketNo = await fileTicket(server, admin);
    const agent = await login(server.url, "agent1");

    let d = await detailOf(server, agent, ticketNo);
    const due = new Date(d.sla.firstResponseDueAt);
    expect(due.getTime() - new Date(d.createdAt).getTime()).toBe(30 * MIN); // inside service hours
    expect(d).toMatchObject({ escalationLevel: 0, queue: "rider_logistics" });
    expect(clockOf(d, "firstResponse")).toMatchObject({ basis: "business", level: 0, breached: false });

    // A minute before the deadline: reminded (at 80 %), not escalated.
    await advanceClockTo(server, new Date(due.getTime() - MIN));
    d = await detailOf(server, agent, ticketNo);
    expect(d.escalationLevel).toBe(0);
    expect(d.sla.breached).toEqual([]);
    expect(eventsOf(d, "sla_reminder").map((e: any) => e.data.clock)).toEqual([
      "firstResponse",
      "resolution",
    ]);
    expect(eventsOf(d, "sla_reminder")[0]).toMatchObject({ actor: "system", visibility: "internal" });

    // Past the deadline: both promises broken, the ticket goes to the supervisor once.
    await advanceClockTo(server, new Date(due.getTime() + 2000));
    d = await detailOf(server, agent, ticketNo);
    expect(d).toMatchObject({ escalationLevel: 1, queue: "supervisor" });
    expect(d.sla.breached).toEqual(["firstResponse", "resolution"]);
    expect(eventsOf(d, "sla_breached").map((e: any) => e.data.clock)).toEqual([
      "firstResponse",
      "resolution",
    ]);
    const [first] = eventsOf(d, "escalated");
    expect(eventsOf(d, "escalated")).toHaveLength(1);
    expect(first).toMatchObject({
      actor: "system",
      visibility: "internal",
      data: { clock: "firstResponse", level: 1, role: "supervisor", to: { level: 1, queue: "supervisor" } },
    });

    const supervisor = client(server.url, await login(server.url, "supervisor1"));
    const queue = await supervisor.get("/api/v1/tickets?view=escalated&escalationLevel=1&limit=200");
    expect(queue.status).toBe(200);
    const item = queue.body.items.find((t: any) => t.ticketNo === ticketNo);
    expect(item).toMatchObject({ escalationLevel: 1, breached: ["firstResponse", "resolution"] });

    // The next level comes 30 service minutes after the breach.
    const next = new Date(clockOf(d, "firstResponse").nextAt);
    expect(next.getTime() - due.getTime()).toBe(30 * MIN);
    await advanceClockTo(server, new Date(next.getTime() - MIN));
    expect((await detailOf(server, agent, ticketNo)).escalationLevel).toBe(1);
    await advanceClockTo(server, new Date(next.getTime() + 2000));
    d = await detailOf(server, agent, ticketNo);
    expect(d).toMatchObject({ escalationLevel: 2, queue: "manager" });
    expect(eventsOf(d, "escalated").map((e: any) => [e.data.level, e.data.to.queue])).toEqual([
      [1, "supervisor"],
      [2, "manager"],
    ]);
    expect(clockOf(d, "firstResponse")).toMatchObject({ level: 2, nextAt: null });

    const manager = client(server.url, await login(server.url, "manager1"));
    const managed = await manager.get("/api/v1/tickets?view=escalated&escalationLevel=2&limit=200");
    expect(managed.body.items.map((t: any) => t.ticketNo)).toContain(ticketNo);

    // Nothing more happens, however long nobody looks.
    await advanceClock(server, 3 * 3600);
    expect(
      eventsOf(await detailOf(server, await login(server.url, "agent1"), ticketNo), "escalated"),
    ).toHaveLength(2);
  });
});

describe("a reply before the limit", () => {
  it("stops the first-response clock; resolving in time stops the rest", async () => {
    await advanceClockTo(server, nextBeijing(await runDueJobs(server), "14:00"));
    const admin = await login(server.url, "admin");
    const agentToken = await login(server.url, "agent1");
    const agent = client(server.url, agentToken);
    const answered = await fileTicket(server, admin);
    const settled = await fileTicket(server, admin);

    await advanceClock(server, 10 * 60);
    for (const t of [answered, settled]) {
      expect((await agent.post(`/api/v1/tickets/${t}/take`)).status).toBe(200);
      const reply = await agent.post(`/api/v1/tickets/${t}/replies`, {
        body: "非常抱歉，正在为您联系骑手核实",
        visibility: "customer",
      });
      expect(reply.status).toBe(201);
    }
    let d = await detailOf(server, agentToken, answered);
    expect(clockOf(d, "firstResponse")).toMatchObject({ breached: false, nextAt: null });
    expect(clockOf(d, "firstResponse").stoppedAt).toBe(d.sla.firstRespondedAt);
    expect((await agent.post(`/api/v1/tickets/${settled}/transitions`, { to: "resolved" })).status).toBe(200);

    // Two hours on: the answered ticket broke only its resolution promise; the settled one none.
    await advanceClock(server, 2 * 3600);
    d = await detailOf(server, agentToken, answered);
    expect(d.sla.breached).toEqual(["resolution"]);
    expect(eventsOf(d, "sla_breached").map((e: any) => e.data.clock)).toEqual(["resolution"]);
    expect(eventsOf(d, "escalated").every((e: any) => e.data.clock === "resolution")).toBe(true);

    d = await detailOf(server, agentToken, settled);
    expect(d).toMatchObject({ status: "resolved", escalationLevel: 0 });
    expect(d.sla.breached).toEqual([]);
    expect(d.sla.clocks.every((c: any) => c.stoppedAt && !c.breached)).toBe(true);
    expect(eventsOf(d, "sla_breached")).toEqual([]);
    expect(eventsOf(d, "escalated")).toEqual([]);
  });

  it("pauses resolution while awaiting the customer, and the customer sees the new expected time", async () => {
    await advanceClockTo(server, nextBeijing(await runDueJobs(server), "11:00"));
    const admin = await login(server.url, "admin");
    const agentToken = await login(server.url, "agent1");
    const agent = client(server.url, agentToken);
    const ticketNo = await fileTicket(server, admin);
    await agent.post(`/api/v1/tickets/${ticketNo}/take`);
    await agent.post(`/api/v1/tickets/${ticketNo}/replies`, { body: "请提供照片", visibility: "customer" });
    await advanceClock(server, 10 * 60);
    expect(
      (await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "awaiting_customer" })).status,
    ).toBe(200);
    let d = await detailOf(server, agentToken, ticketNo);
    // Paused with the 20 minutes that were left (less the real time the requests took).
    expect(clockOf(d, "resolution").dueAt).toBeNull();
    expect(clockOf(d, "resolution").remainingMs).toBeGreaterThan(20 * MIN - 5000);
    expect(clockOf(d, "resolution").remainingMs).toBeLessThanOrEqual(20 * MIN);

    await advanceClock(server, 2 * 3600); // the customer takes two hours: no breach meanwhile
    d = await detailOf(server, agentToken, ticketNo);
    expect(d).toMatchObject({ escalationLevel: 0 });
    expect(d.sla.breached).toEqual([]);

    const resumedAt = await runDueJobs(server);
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "in_progress" })).status).toBe(
      200,
    );
    d = await detailOf(server, agentToken, ticketNo);
    const due = new Date(d.sla.resolutionDueAt);
    expect(due.getTime() - resumedAt.getTime()).toBeGreaterThanOrEqual(20 * MIN - 5000);
    expect(due.getTime() - resumedAt.getTime()).toBeLessThanOrEqual(20 * MIN + 5000);
  });
});

describe("a request arriving after hours", () => {
  it("starts its clock at the next opening and escalates nobody overnight", async () => {
    const evening = nextBeijing(await runDueJobs(server), "22:30");
    await advanceClockTo(server, evening);
    const admin = await login(server.url, "admin");
    const ticketNo = await fileTicket(server, admin);
    const agentToken = await login(server.url, "agent1");
    const d = await detailOf(server, agentToken, ticketNo);
    const due = beijing(new Date(d.sla.firstResponseDueAt));
    const nextDay = localDate(new Date(evening.getTime() + 86_400_000));
    // Rest days open at 8:00, working days at 9:00 (food delivery).
    expect(due).toBe(`${nextDay} ${isWorkday(shippedCalendar, nextDay) ? "09:30" : "08:30"}`);

    await advanceClock(server, 3 * 3600);
    const later = await detailOf(server, await login(server.url, "agent1"), ticketNo);
    expect(later.escalationLevel).toBe(0);
    expect(eventsOf(later, "sla_reminder")).toEqual([]);
  });
});

describe("a deadline that passed while the service was down", () => {
  it("fires at the first tick after the start", async () => {
    const down = await startServer(withOwnDb());
    try {
      const noon = await advanceClockTo(down, nextBeijing(await runDueJobs(down), "12:00"));
      const admin = await login(down.url, "admin");
      const ticketNo = await fileTicket(down, admin);
      // As if the process had been stopped for an hour: the deadlines are behind the clock.
      const hourAgo = new Date(noon.getTime() - 3_600_000).toISOString();
      await down.app.ctx.db
        .updateTable("sla_clocks")
        .set({ due_at: hourAgo, remind_at: hourAgo, next_at: hourAgo })
        .where("ticket_no", "=", ticketNo)
        .execute();
      down.app.jobs.start(); // what src/main.ts does once the server listens
      const agent = await login(down.url, "agent1");
      let d = await detailOf(down, agent, ticketNo);
      for (let i = 0; i < 50 && d.escalationLevel < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        d = await detailOf(down, agent, ticketNo);
      }
      // Both levels were due an hour ago (the manager's 30 minutes after the breach): both fire, once.
      expect(d).toMatchObject({ escalationLevel: 2, queue: "manager" });
      expect(eventsOf(d, "escalated").map((e: any) => e.data.level)).toEqual([1, 2]);
      expect(eventsOf(d, "sla_reminder")).toEqual([]); // too late to remind anyone
    } finally {
      await down.app.jobs.stop();
      await down.close();
    }
  });
});

describe("the business calendar", () => {
  it("shows the shipped holidays to staff and lets only an admin change a day", async () => {
    const adminToken = await login(server.url, "admin");
    const admin = client(server.url, adminToken);
    const agent = client(server.url, await login(server.url, "agent1"));
    const year = await agent.get("/api/v1/calendar?year=2026");
    expect(year.status).toBe(200);
    expect(year.body).toMatchObject({
      timezone: "Asia/Shanghai",
      year: 2026,
      summary: { holidays: 33, adjustedWorkdays: 6 },
    });
    expect(year.body.days.find((d: any) => d.date === "2026-02-14")).toMatchObject({
      kind: "workday",
      name: "春节调休上班",
      source: "国务院办公厅关于2026年部分节假日安排的通知",
    });
    expect(year.body.years.map((y: any) => y.year)).toEqual(expect.arrayContaining([2025, 2026]));

    const edit = { kind: "holiday", name: "x", reason: "演练" };
    expect((await agent.put("/api/v1/calendar/days/2026-12-31", edit)).status).toBe(403);
    const bad = await admin.put("/api/v1/calendar/days/2026-02-30", { ...edit, reason: "  " });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ field: "date", code: "INVALID_DATE" }),
      expect.objectContaining({ field: "reason", code: "REQUIRED" }),
    ]);
    // Shaped like a date but none at all, or of a year the database's date type lacks: a 400, not a 500.
    for (const notADate of ["0000-00-00", "0000-01-01"]) {
      const r = await admin.put(`/api/v1/calendar/days/${notADate}`, edit);
      expect(r.status, notADate).toBe(400);
      expect(r.body.error.details).toEqual([
        expect.objectContaining({ field: "date", code: "INVALID_DATE" }),
      ]);
      const removed = await fetch(`${server.url}/api/v1/calendar/days/${notADate}?reason=x`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(removed.status, `DELETE ${notADate}`).toBe(400);
    }
    const badYear = await admin.put("/api/v1/calendar/years/2027", {
      source: "演练",
      days: [{ date: "0000-00-00", kind: "workday", name: "x" }],
    });
    expect(badYear.status).toBe(400);
    expect(badYear.body.error.details[0]).toMatchObject({ field: "days.0.date", code: "INVALID_DATE" });
    const noReason = await admin.put("/api/v1/calendar/days/2026-12-31", { kind: "holiday", name: "x" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toBe("reason");
  });

  it("moves a running clock when an admin turns tomorrow into a holiday or a working day", async () => {
    // 21:50: after a working day's closing, before a rest day's; either way the deadline is tomorrow.
    const evening = nextBeijing(await runDueJobs(server), "21:50");
    await advanceClockTo(server, evening);
    const adminToken = await login(server.url, "admin");
    const admin = client(server.url, adminToken);
    const ticketNo = await fileTicket(server, adminToken);
    const before = new Date((await detailOf(server, adminToken, ticketNo)).sla.firstResponseDueAt);

    // Tomorrow opens at 9:00 on a working day, 8:00 on a rest day: flipping it moves the deadline an hour.
    const tomorrow = localDate(new Date(evening.getTime() + 86_400_000));
    const working = isWorkday(shippedCalendar, tomorrow);
    const put = await admin.put(`/api/v1/calendar/days/${tomorrow}`, {
      kind: working ? "holiday" : "workday",
      name: working ? "台风停工" : "临时调休上班",
      reason: "市政府通知",
    });
    expect(put.status).toBe(200);
    expect(put.body.day).toMatchObject({
      date: tomorrow,
      source: "admin",
      updatedBy: "admin",
      reason: "市政府通知",
    });
    expect(put.body.movedClocks).toBeGreaterThanOrEqual(1);
    const moved = new Date((await detailOf(server, adminToken, ticketNo)).sla.firstResponseDueAt);
    expect(moved.getTime() - before.getTime()).toBe(working ? -60 * MIN : 60 * MIN);

    const removed = await fetch(
      `${server.url}/api/v1/calendar/days/${tomorrow}?reason=${encodeURIComponent("通知撤回")}`,
      {
        method: "DELETE",
        headers: { authorization: `Bearer ${adminToken}` },
      },
    );
    expect(removed.status).toBe(200);
    // Who changed the day, how and why, newest first; the removed entry is gone from the days.
    const year = await admin.get(`/api/v1/calendar?year=${tomorrow.slice(0, 4)}`);
    expect(year.body.changes.filter((c: any) => c.date === tomorrow).slice(0, 2)).toMatchObject([
      { action: "remove", reason: "通知撤回", changedBy: "admin" },
      { action: "put", reason: "市政府通知", changedBy: "admin" },
    ]);
    const back = new Date((await detailOf(server, adminToken, ticketNo)).sla.firstResponseDueAt);
    // Back to the shipped calendar, unless tomorrow had its own entry (it then follows the weekday rule).
    if (!shippedCalendar.overrides.has(tomorrow)) expect(back.getTime()).toBe(before.getTime());
  });
});

describe("two app processes on one PostgreSQL", () => {
  it.skipIf(!PG_URL)(
    "escalate each deadline once (PostgreSQL only: PGlite is one process's embedded database, skipped without TEST_DATABASE_URL)",
    async () => {
      const a = await startServer(withOwnDb());
      const b = await startServer(withOwnDb());
      try {
        // Both clocks to the same Beijing morning.
        const target = nextBeijing(
          new Date(Math.max((await runDueJobs(a)).getTime(), (await runDueJobs(b)).getTime())),
          "10:00",
        );
        await Promise.all([advanceClockTo(a, target), advanceClockTo(b, target)]);
        const adminToken = await login(a.url, "admin");
        const tickets: string[] = [];
        // 60 tickets, 120 clocks: more than one tick's batch, so both processes find work at once.
        for (let i = 0; i < 60; i++) tickets.push(await fileTicket(i % 2 ? b : a, adminToken));

        // Both processes tick at once past the deadline, then past the manager's level.
        await Promise.all([advanceClock(a, 31 * 60), advanceClock(b, 31 * 60)]);
        await Promise.all([advanceClock(a, 31 * 60), advanceClock(b, 31 * 60)]);

        const token = await login(a.url, "agent1");
        for (const ticketNo of tickets) {
          const d = await detailOf(a, token, ticketNo);
          expect(d).toMatchObject({ escalationLevel: 2, queue: "manager" });
          expect(eventsOf(d, "escalated").map((e: any) => e.data.level)).toEqual([1, 2]);
          expect(
            eventsOf(d, "sla_breached")
              .map((e: any) => e.data.clock)
              .sort(),
          ).toEqual(["firstResponse", "resolution"]);
          expect(eventsOf(d, "sla_reminder")).toHaveLength(0); // both ticks came after the deadline
        }
      } finally {
        await a.close();
        await b.close();
      }
    },
  );
});
