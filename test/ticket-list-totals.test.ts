import { beforeAll, describe, expect, it } from "vitest";
import { LIST_COUNT_CAP, listTickets, type QueueFilter } from "../src/modules/tickets/tickets.store.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

/**
 * A list's total: exact up to the count cap, "at least the cap" beyond it. A short page says the total by
 * itself; a full page, or one past the end, is counted. The tickets here carry a word of their own in the
 * description, so the search finds them and nothing another test file files meanwhile.
 */
const app = served("admin", "agent1");
const word = `批次${process.pid}${Date.now() % 100000}`;
const filed: string[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: `${word} ${LONG_TEXT}`,
    });
    expect(r.status).toBe(201);
    filed.push(r.body.ticketNo);
  }
});

const page = async (limit: number, offset: number) => {
  const agent = app.as("agent1");
  const r = await agent.get(`/api/v1/tickets?q=${encodeURIComponent(word)}&limit=${limit}&offset=${offset}`);
  expect(r.status).toBe(200);
  return {
    tickets: r.body.items.map((t: { ticketNo: string }) => t.ticketNo),
    total: r.body.total,
    exact: r.body.totalExact,
  };
};

describe("the queue's total", () => {
  it("is the same exact count on a full page, the last page, a page past the end and one page of all", async () => {
    const newestFirst = [...filed].reverse();
    expect(await page(2, 0)).toEqual({ tickets: newestFirst.slice(0, 2), total: 3, exact: true });
    expect(await page(2, 2)).toEqual({ tickets: newestFirst.slice(2), total: 3, exact: true });
    expect(await page(2, 4)).toEqual({ tickets: [], total: 3, exact: true });
    expect(await page(3, 0)).toEqual({ tickets: newestFirst, total: 3, exact: true });
    expect(await page(50, 0)).toEqual({ tickets: newestFirst, total: 3, exact: true });
  });

  it("stops counting at the cap and says the total is a lower bound", async () => {
    // Typed, so that a renamed filter field fails the build instead of being ignored (and counting everything).
    const filter: QueueFilter = {
      search: { term: word, phone: null },
      limit: 1,
      offset: 0,
      sort: "created_desc",
    };
    const db = app.server.app.ctx.db;
    expect(await listTickets(db, filter, 2)).toMatchObject({ total: 2, totalExact: false });
    expect(await listTickets(db, filter, 3)).toMatchObject({ total: 3, totalExact: true });
    // A short page needs no count, so the cap does not apply to it.
    expect(await listTickets(db, { ...filter, limit: 10 }, 2)).toMatchObject({ total: 3, totalExact: true });
  });

  it("is exact on a list of the whole demo backlog up to the cap, and the cap past it", async () => {
    const r = await app.as("agent1").get("/api/v1/tickets?limit=1");
    expect(r.status).toBe(200);
    expect(r.body.total).toBeGreaterThanOrEqual(3);
    if (r.body.totalExact) expect(r.body.total).toBeLessThanOrEqual(LIST_COUNT_CAP);
    else expect(r.body.total).toBe(LIST_COUNT_CAP);
  });
});
