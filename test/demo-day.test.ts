import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileDemoDay } from "../src/modules/demo/demo-day.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, runDueJobs } from "./helpers/test-clock.ts";

/**
 * `AFTERSALE_DEMO=day`: the demo opens on a queue with work in it. Its own database on PostgreSQL, since
 * it files tickets on the demo's customers that other files' counts do not expect.
 */
let server: TestServer;
let supervisor: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("demoday", { AFTERSALE_TEST_CLOCK: "1" });
  // The day is squeezed into the month's hours so far; past its first nine hours it is a whole day.
  const now = await runDueJobs(server);
  const intoMonth = now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  if (intoMonth < 9 * 3600_000) await advanceClock(server, (9 * 3600_000 - intoMonth) / 1000);
  supervisor = client(server.url, await login(server.url, "supervisor1"));
}, 60_000);
afterAll(() => server?.close());

interface Listed {
  ticketNo: string;
  status: string;
  businessLine: string;
  assignee: { username: string } | null;
}

describe("the demo day", () => {
  it("files requests of every line at every stage through the real commands, once per database", async () => {
    expect(await fileDemoDay(server.app.ctx)).toBe(16);
    expect(await fileDemoDay(server.app.ctx)).toBe(0);

    const all = await supervisor.get("/api/v1/tickets?limit=100");
    expect(all.status).toBe(200);
    const items: Listed[] = all.body.items;
    expect(items).toHaveLength(16);
    const count = (status: string) => items.filter((t) => t.status === status).length;
    expect({
      new: count("new"),
      in_progress: count("in_progress"),
      resolved: count("resolved"),
      closed: count("closed"),
      reopened: count("reopened"),
    }).toEqual({ new: 7, in_progress: 5, resolved: 0, closed: 3, reopened: 1 });
    expect(new Set(items.map((t) => t.businessLine))).toEqual(
      new Set(["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"]),
    );
    // The README's walk-through customer starts with no tickets of their own.
    const own = await supervisor.get("/api/v1/tickets?phone=13800138000");
    expect(own.body.items).toEqual([]);
  });

  it("shows a replied ticket's history as the customer reads it, in order", async () => {
    const items: Listed[] = (await supervisor.get("/api/v1/tickets?status=closed")).body.items;
    const detail = await supervisor.get(`/api/v1/tickets/${items[0]!.ticketNo}`);
    const types = detail.body.events.map((e: { type: string }) => e.type);
    expect(types.indexOf("received")).toBeLessThan(types.indexOf("reply"));
    expect(types.indexOf("reply")).toBeLessThan(types.lastIndexOf("status_changed"));
    const times = detail.body.events.map((e: { at: string }) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("has the customers answer their surveys, and reopens the ticket of the unhappy one", async () => {
    const reopened: Listed[] = (await supervisor.get("/api/v1/tickets?status=reopened")).body.items;
    expect(reopened).toHaveLength(1);
    const events: { type: string; data: Record<string, unknown> }[] = (
      await supervisor.get(`/api/v1/tickets/${reopened[0]!.ticketNo}`)
    ).body.events;
    expect(events.find((e) => e.type === "survey_answered")?.data).toMatchObject({
      score: 2,
      resolved: false,
      text: "说好的补偿券到现在还没收到",
    });
    expect(events.at(-1)).toMatchObject({ type: "second_round" });
    // The two content customers confirmed their resolutions: those tickets are closed.
    const closed: Listed[] = (await supervisor.get("/api/v1/tickets?status=closed")).body.items;
    const answered = await Promise.all(
      closed.map(async (t) =>
        (await supervisor.get(`/api/v1/tickets/${t.ticketNo}`)).body.events.some(
          (e: { type: string }) => e.type === "survey_answered",
        ),
      ),
    );
    expect(answered.filter(Boolean)).toHaveLength(2);
  });

  it("gives the detector a batch incident to find", async () => {
    await server.app.jobs.runAll();
    const incidents = await supervisor.get("/api/v1/incidents");
    expect(incidents.status).toBe(200);
    expect(incidents.body.items).toMatchObject([
      { kind: "batch", businessLine: "fresh_food", family: "spoiled_goods", status: "open" },
    ]);
    expect(incidents.body.items[0].ticketNos).toHaveLength(3);
  });
});
