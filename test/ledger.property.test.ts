import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, findUserByUsername } from "../src/modules/users/users.store.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { openTicket, simulatorOf } from "./helpers/remedies.ts";
import { client, LONG_TEXT, type TestServer } from "./helpers/server.ts";

/**
 * The ledger on the real database, driven over HTTP by random sequences of decisions (some above the
 * limits), approvals, immediate executions, poller runs, provider failures and lost answers, clock jumps
 * and finance retries, on several tickets of one order. After every sequence, and after the provider
 * recovers: never more refunded than paid, never two payments for one remedy item.
 */
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;

/** Fresh sessions for each run, straight from the store: the runs move the server's clock on by hours. */
async function logIn() {
  const session = async (username: string) => {
    const user = (await findUserByUsername(server.app.ctx.db, username))!;
    return (await createSession(server.app.ctx.db, user.id, server.clock.now(), 12 * 60)).token;
  };
  [admin, agent, supervisor] = await Promise.all([
    session("admin"),
    session("agent1"),
    session("supervisor1"),
  ]);
}

beforeAll(async () => {
  server = await startServerWithOwnDatabase("ledger");
});
afterAll(() => server?.close());

type Op =
  | { op: "decide"; ticket: number; refund: number; compensation: number }
  | { op: "approve"; ticket: number }
  | { op: "execute"; ticket: number }
  | { op: "jobs" }
  | { op: "provider"; failureRate: number; lostAnswerRate: number }
  | { op: "advance"; seconds: number }
  | { op: "retry" };

const TICKETS = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("decide" as const),
      ticket: fc.nat(TICKETS - 1),
      refund: fc.integer({ min: 1, max: 3500 }),
      compensation: fc.integer({ min: 0, max: 9000 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant("approve" as const), ticket: fc.nat(TICKETS - 1) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("execute" as const), ticket: fc.nat(TICKETS - 1) }), weight: 2 },
  { arbitrary: fc.constant({ op: "jobs" as const }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("provider" as const),
      failureRate: fc.constantFrom(0, 0.5, 1),
      lostAnswerRate: fc.constantFrom(0, 0, 1),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      seconds: fc.integer({ min: 10, max: 4000 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ op: "retry" as const }), weight: 1 },
);

async function setUp(paidFen: number) {
  const first = await openTicket(server, admin, agent, {
    category: "delivery",
    subType: "late",
    items: [{ productId: "P0009", name: "家庭套餐", quantity: 1, unitPriceFen: paidFen }],
  });
  const ticketNos = [first.ticketNo];
  for (let i = 1; i < TICKETS; i++) {
    const r = await client(server.url).post("/api/v1/tickets", {
      channel: "app",
      phone: first.phone,
      orderNo: first.orderNo,
      category: "delivery",
      description: LONG_TEXT,
    });
    expect(r.status).toBe(201);
    await client(server.url, agent).post(`/api/v1/tickets/${r.body.ticketNo}/take`);
    ticketNos.push(r.body.ticketNo);
  }
  return { orderNo: first.orderNo, ticketNos };
}

async function run(o: Op, ticketNos: string[]) {
  const sim = simulatorOf(server);
  const latest = async (ticket: number) =>
    (await client(server.url, agent).get(`/api/v1/tickets/${ticketNos[ticket]}/remedies`)).body.items.at(-1);
  switch (o.op) {
    case "decide": {
      const r = await client(server.url, agent).post(`/api/v1/tickets/${ticketNos[o.ticket]}/remedies`, {
        items: [
          { kind: "refund", amountFen: o.refund, payer: "platform" },
          ...(o.compensation ? [{ kind: "compensation", amountFen: o.compensation, payer: "merchant" }] : []),
        ],
      });
      // Refused when the order has less left to refund, or the ticket moved on: never a 5xx.
      expect([201, 400, 409]).toContain(r.status);
      return;
    }
    case "approve": {
      const remedy = await latest(o.ticket);
      if (!remedy) return;
      const r = await client(server.url, supervisor).post(`/api/v1/remedies/${remedy.id}/approve`);
      expect([200, 409]).toContain(r.status);
      return;
    }
    case "execute": {
      const remedy = await latest(o.ticket);
      if (!remedy) return;
      const r = await client(server.url, agent).post(`/api/v1/remedies/${remedy.id}/execute`);
      expect([200, 409]).toContain(r.status);
      return;
    }
    case "jobs":
      return server.app.jobs.runAll();
    case "provider":
      sim.failureRate = o.failureRate;
      sim.lostAnswerRate = o.lostAnswerRate;
      return;
    case "advance":
      server.clock.advance(o.seconds);
      return;
    case "retry": {
      for (const ticketNo of ticketNos) {
        const ledger = (await client(server.url, admin).get(`/api/v1/tickets/${ticketNo}/ledger`)).body;
        for (const e of ledger.entries.filter((x: any) => x.status === "failed"))
          await client(server.url, admin).post(`/api/v1/ledger/entries/${e.id}/retry`);
      }
      return;
    }
  }
}

async function checkInvariants(orderNo: string, paidFen: number, settled: boolean) {
  const db = server.app.ctx.db;
  const sim = simulatorOf(server);
  const entries = await db.selectFrom("ledger_entries").selectAll().where("order_no", "=", orderNo).execute();
  const payouts = entries.filter((e) => e.direction === "payout");
  const account = await db
    .selectFrom("ledger_accounts")
    .selectAll()
    .where("order_no", "=", orderNo)
    .executeTakeFirst();
  expect(account?.refunded_fen ?? 0).toBeLessThanOrEqual(paidFen);
  const refundKinds = (e: { kind: string }) => e.kind === "refund" || e.kind === "price_difference";
  const paidOut = payouts.filter((e) => e.status === "succeeded");
  expect(paidOut.filter(refundKinds).reduce((s, e) => s + e.amount_fen, 0)).toBeLessThanOrEqual(paidFen);
  // What the provider really paid for this order's keys: each key at most once, refunds within the price.
  const moved = payouts.filter((e) => sim.payouts.has(e.id));
  expect(moved.filter(refundKinds).reduce((s, e) => s + e.amount_fen, 0)).toBeLessThanOrEqual(paidFen);
  for (const e of paidOut) expect(sim.payouts.get(e.id)?.reference).toBe(e.provider_ref);
  const successes = await db
    .selectFrom("payment_attempts")
    .innerJoin("ledger_entries", "ledger_entries.id", "payment_attempts.entry_id")
    .select(["payment_attempts.entry_id"])
    .where("payment_attempts.outcome", "=", "succeeded")
    .where("ledger_entries.order_no", "=", orderNo)
    .execute();
  expect(new Set(successes.map((s) => s.entry_id)).size).toBe(successes.length);
  const charges = entries.filter((e) => e.direction === "charge");
  expect(new Set(charges.map((c) => `${c.remedy_id}/${c.item_index}`)).size).toBe(charges.length);
  if (settled) {
    for (const e of payouts) expect(e.status).toBe("succeeded");
    expect(moved.map((e) => e.id).sort()).toEqual(paidOut.map((e) => e.id).sort());
  }
}

describe("the ledger on the database under random sequences (property)", () => {
  it("never refunds more than was paid and never pays one remedy item twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1000, max: 6000 }),
        fc.array(opArb, { minLength: 4, maxLength: 14 }),
        async (paidFen, ops) => {
          const sim = simulatorOf(server);
          Object.assign(sim, { latencyMs: 0, failureRate: 0, lostAnswerRate: 0 });
          await logIn();
          const { orderNo, ticketNos } = await setUp(paidFen);
          for (const o of ops) await run(o, ticketNos);
          await checkInvariants(orderNo, paidFen, false);
          // The provider recovers; everything approved is paid, exactly once.
          Object.assign(sim, { failureRate: 0, lostAnswerRate: 0 });
          await run({ op: "retry" }, ticketNos);
          for (let i = 0; i < 4; i++) {
            server.clock.advance(4000);
            await server.app.jobs.runAll();
          }
          await checkInvariants(orderNo, paidFen, true);
        },
      ),
      { numRuns: Number(process.env.LEDGER_PROPERTY_RUNS ?? 12) },
    );
  }, 300_000);
});
