import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, fileAppTicket, freshCustomer, login } from "./helpers/server.ts";

/**
 * Staff commands on the same tickets at the same moment, as a busy team sends them: several agents taking,
 * assigning, answering, moving, reclassifying and merging one customer's three tickets at once. On
 * PostgreSQL this once ended in deadlocks (500s), and a merged duplicate could be reopened and then be
 * merged into, leaving tickets merged into each other.
 */
const STAFF = ["agent1", "agent2", "supervisor1", "admin"] as const;
const app = served(...STAFF);

/** A fixed sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

/** One customer with three tickets, each on its own order of merchant M001 (the demo user merchant1's). */
async function threeTickets(): Promise<{ phone: string; tickets: string[] }> {
  const { phone } = freshCustomer();
  const tickets: string[] = [];
  for (let k = 0; k < 3; k++)
    tickets.push((await fileAppTicket(app.url, app.token.admin, { customerPhone: phone })).ticketNo);
  return { phone, tickets };
}

const MOVES = [
  "in_progress",
  "awaiting_customer",
  "needs_info",
  "resolved",
  "closed",
  "reopened",
  "not_applicable",
];

describe("staff commands on one customer's tickets at once", () => {
  it("never answer 5xx, and leave every merged ticket closed and no two tickets merged into each other", async () => {
    const next = random(20261207);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const failures: string[] = [];
    for (let round = 0; round < 25; round++) {
      const { tickets } = await threeTickets();
      await Promise.all(
        Array.from({ length: 24 }, async (_, j) => {
          const as = app.as(STAFF[j % STAFF.length]!);
          const no = tickets[j % 3]!;
          const other = tickets[(j + 1) % 3]!;
          const command = pick([
            () => as.post(`/api/v1/tickets/${no}/take`),
            () => as.post(`/api/v1/tickets/${no}/assign`, { username: pick(["agent1", "agent2"]) }),
            () =>
              as.post(`/api/v1/tickets/${no}/replies`, {
                body: "正在处理",
                visibility: pick(["customer", "internal"]),
              }),
            () => as.post(`/api/v1/tickets/${no}/transitions`, { to: pick(MOVES), reason: "客户来电说明" }),
            () =>
              as.post(`/api/v1/tickets/${no}/classification`, {
                severity: pick(["serious", "minor"]),
                reason: "复核",
              }),
            () => as.post(`/api/v1/tickets/${no}/merge`, { into: other, reason: "重复提交" }),
          ]);
          const r = await command();
          if (r.status >= 500) failures.push(`${r.status} ${JSON.stringify(r.body)}`);
        }),
      );
      const state = await Promise.all(
        tickets.map(async (no) => (await app.as("admin").get(`/api/v1/tickets/${no}`)).body),
      );
      const into = new Map(state.map((t) => [t.ticketNo as string, t.mergedInto as string | null]));
      for (const t of state) {
        if (t.mergedInto && t.status !== "closed") failures.push(`${t.ticketNo} merged but ${t.status}`);
        const seen = new Set<string>();
        for (let at: string | null = t.ticketNo; at; at = into.get(at) ?? null) {
          if (seen.has(at)) {
            failures.push(`merged into each other: ${JSON.stringify([...into])}`);
            break;
          }
          seen.add(at);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("with remedies, their approval, the merchant's and the customer's answers in the mix: never 5xx", async () => {
    const next = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const merchant = client(app.url, await login(app.url, "merchant1"));
    const customer = client(app.url);
    const failures: string[] = [];
    for (let round = 0; round < 15; round++) {
      const { phone, tickets } = await threeTickets();
      const remedies: string[] = [];
      for (let phase = 0; phase < 3; phase++)
        await Promise.all(
          Array.from({ length: 16 }, async (_, j) => {
            const as = app.as(STAFF[j % STAFF.length]!);
            const no = pick(tickets);
            const command = pick([
              () => as.post(`/api/v1/tickets/${no}/transitions`, { to: pick(MOVES), reason: "客户来电说明" }),
              () => as.post(`/api/v1/tickets/${no}/merge`, { into: pick(tickets), reason: "重复提交" }),
              () => as.post(`/api/v1/tickets/${no}/remedies`, {}),
              () => as.post(`/api/v1/tickets/${no}/merchant-verification/request`, {}),
              () =>
                merchant.post(`/api/v1/tickets/${no}/merchant-verification`, {
                  decision: pick(["accept", "dispute"]),
                  statement: "出餐时包装完好",
                }),
              () =>
                customer.post(`/api/v1/tickets/${no}/remedy/response`, {
                  response: pick(["accept", "dispute"]),
                  phone,
                }),
              () => customer.post(`/api/v1/tickets/${no}/confirm`, { phone }),
              () =>
                remedies.length
                  ? app
                      .as("supervisor1")
                      .post(`/api/v1/remedies/${pick(remedies)}/${pick(["approve", "reject", "execute"])}`, {
                        reason: "金额不符",
                      })
                  : as.post(`/api/v1/tickets/${no}/take`),
            ]);
            const r = await command();
            if (r.body?.id && r.body.items) remedies.push(r.body.id);
            if (r.status >= 500) failures.push(`${r.status} ${JSON.stringify(r.body)}`);
          }),
        );
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
