import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopedUser } from "./helpers/merchants.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { eventsOf, openTicket, simulatorOf, WRONG_CHERRIES } from "./helpers/remedies.ts";
import { client, DEMO_PASSWORD, login, type TestServer } from "./helpers/server.ts";

let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
let merchant: string;
let rider: string;
let warehouse: string;
let finance: string;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("execution");
  const as = (username: string) => login(server.url, username, DEMO_PASSWORD);
  [admin, agent, supervisor, merchant, rider] = await Promise.all([
    as("admin"),
    as("agent1"),
    as("supervisor1"),
    as("merchant1"),
    as("rider1"),
  ]);
  [warehouse, finance] = await Promise.all([
    scopedUser(server.url, admin, { role: "warehouse" }),
    scopedUser(server.url, admin, { role: "finance" }),
  ]);
  simulatorOf(server).latencyMs = 0;
});
afterAll(() => server?.close());

const runJobs = () => server.app.jobs.runAll();
const boardOf = async (token: string, query: string) => {
  const r = await client(server.url, token).get(`/api/v1/execution-orders?${query}`);
  expect(r.status).toBe(200);
  return r.body.items as any[];
};
const move = (token: string, id: string, body: Record<string, string>) =>
  client(server.url, token).post(`/api/v1/execution-orders/${id}/transitions`, body);

const HEADPHONES = [{ productId: "P0070", name: "蓝牙耳机", quantity: 1, unitPriceFen: 19900 }];

async function returnForRefund() {
  const t = await openTicket(server, admin, agent, {
    businessLine: "ecommerce",
    riderId: null,
    items: HEADPHONES,
    category: "quality",
    subType: "damaged",
  });
  const decided = await client(server.url, agent).post(`/api/v1/tickets/${t.ticketNo}/remedies`, {});
  expect(decided.body).toMatchObject({
    status: "approved",
    items: [
      { kind: "return", payer: "merchant" },
      { kind: "refund", amountFen: 19900, payer: "merchant" },
    ],
  });
  return { ...t, remedyId: decided.body.id as string };
}

describe("a return for a refund: pick-up, inspection, then the refund", () => {
  it("runs the steps in order, each department doing its own, and pays only after the inspection", async () => {
    const { ticketNo, remedyId } = await returnForRefund();
    const orders = await boardOf(supervisor, `ticketNo=${ticketNo}`);
    expect(orders.map((o) => [o.action, o.department, o.status, o.blockedBy])).toEqual([
      ["pickup", "logistics", "open", null],
      ["inspection", "merchant", "open", `${remedyId}-X1`],
      ["refund", "finance", "open", `${remedyId}-X2`],
    ]);
    const [pickup, inspection, refund] = orders;
    expect(pickup.deadline).toEqual({ hours: 72 });
    expect(inspection.dueAt).toBeNull();
    const ledger = (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/ledger`)).body;
    expect(ledger.entries).toMatchObject([{ kind: "refund", status: "held", executionOrderId: refund.id }]);

    // The merchant sees its inspection only, and cannot start it before the goods are back.
    const merchantBoard = await boardOf(merchant, `ticketNo=${ticketNo}`);
    expect(merchantBoard.map((o) => o.action)).toEqual(["inspection"]);
    const early = await move(merchant, inspection.id, { to: "in_progress" });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("EXECUTION_BLOCKED");
    expect((await move(merchant, pickup.id, { to: "in_progress" })).status).toBe(404);

    expect((await move(supervisor, pickup.id, { to: "in_progress" })).body).toMatchObject({
      status: "in_progress",
      owner: { name: "supervisor1" },
    });
    expect((await move(supervisor, pickup.id, { to: "done", note: "运单 SF1234567890" })).body).toMatchObject(
      {
        status: "done",
        note: "运单 SF1234567890",
      },
    );
    const released = (await boardOf(merchant, `ticketNo=${ticketNo}`))[0];
    expect(new Date(released.dueAt).getTime() - Date.now()).toBeGreaterThan(167 * 3600_000);

    expect((await move(merchant, inspection.id, { to: "in_progress" })).status).toBe(200);
    await runJobs();
    expect(
      (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/ledger`)).body.entries[0].status,
    ).toBe("held");
    expect((await move(merchant, inspection.id, { to: "done", note: "验货无误" })).status).toBe(200);

    // Finance sees the refund, which follows its payment rather than a hand.
    expect((await boardOf(finance, `ticketNo=${ticketNo}`)).map((o) => o.action)).toEqual(["refund"]);
    const byHand = await move(finance, refund.id, { to: "done" });
    expect(byHand.status).toBe(409);
    expect(byHand.body.error.code).toBe("EXECUTION_FOLLOWS_LEDGER");
    await runJobs();
    const after = await boardOf(supervisor, `ticketNo=${ticketNo}`);
    expect(after.map((o) => o.status)).toEqual(["done", "done", "done"]);
    const ticket = (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(ticket.status).toBe("in_progress");
    const types = ticket.events.map((e: any) => e.type);
    expect(types.filter((t: string) => t === "execution_done")).toHaveLength(3);
    expect(types).toContain("payment_succeeded");
  });

  it("a failed inspection fails the refund and gives the reserved money back to the order", async () => {
    const { ticketNo, orderNo } = await returnForRefund();
    const [pickup, inspection, refund] = await boardOf(supervisor, `ticketNo=${ticketNo}`);
    await move(supervisor, pickup.id, { to: "in_progress" });
    await move(supervisor, pickup.id, { to: "done" });
    await move(merchant, inspection.id, { to: "in_progress" });
    const noReason = await move(merchant, inspection.id, { to: "failed" });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details).toMatchObject([{ field: "reason", code: "REQUIRED" }]);
    expect((await client(server.url, admin).get(`/api/v1/orders/${orderNo}/ledger`)).body.refundableFen).toBe(
      0,
    );

    const failed = await move(merchant, inspection.id, { to: "failed", reason: "退回商品有人为损坏" });
    expect(failed.body).toMatchObject({ status: "failed", failureReason: "退回商品有人为损坏" });
    const after = await boardOf(supervisor, `ticketNo=${ticketNo}`);
    expect(after.find((o) => o.id === refund.id)).toMatchObject({ status: "failed" });
    const ledger = (await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}/ledger`)).body;
    expect(ledger.entries).toMatchObject([{ kind: "refund", status: "cancelled" }]);
    const order = (await client(server.url, admin).get(`/api/v1/orders/${orderNo}/ledger`)).body;
    expect(order).toMatchObject({ reservedRefundFen: 0, refundableFen: 19900 });
    expect((await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body.status).toBe(
      "in_progress",
    );
  });
});

describe("department boards", () => {
  it("gives the warehouse its resend from a good batch, and nobody else's", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, WRONG_CHERRIES);
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    const [resend] = await boardOf(warehouse, `ticketNo=${ticketNo}`);
    expect(resend).toMatchObject({ action: "resend", department: "warehouse", deadline: { hours: 48 } });
    expect(await boardOf(merchant, `ticketNo=${ticketNo}`)).toEqual([]);
    expect(await boardOf(finance, `ticketNo=${ticketNo}`)).toEqual([]);
    expect((await client(server.url, merchant).get(`/api/v1/execution-orders/${resend.id}`)).status).toBe(
      404,
    );
    const illegal = await move(warehouse, resend.id, { to: "done" });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.code).toBe("ILLEGAL_TRANSITION");
    await move(warehouse, resend.id, { to: "in_progress" });
    expect((await move(warehouse, resend.id, { to: "done", note: "补发批次 P0050-B2" })).body.status).toBe(
      "done",
    );
    expect((await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body.status).toBe(
      "in_progress",
    );
    // Warehouse and finance work their boards, not the ticket queue.
    expect((await client(server.url, warehouse).get("/api/v1/tickets")).status).toBe(403);
  });

  it("gives the rider its redelivery, and records it once when it runs late", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      category: "delivery",
      subType: "wrong_address",
    });
    await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    const [redeliver] = await boardOf(rider, `ticketNo=${ticketNo}`);
    expect(redeliver).toMatchObject({
      action: "redeliver",
      department: "logistics",
      riderId: "R001",
      overdue: false,
    });
    expect((await boardOf(rider, `ticketNo=${ticketNo}&view=overdue`)).length).toBe(0);
    // A rider account with no rider id sees none of it (it once saw every rider's orders), and another
    // department's board is empty for the rider, not an error (it was a 500 on an empty IN list).
    const unlinked = await scopedUser(server.url, admin, { role: "rider" });
    expect(await boardOf(unlinked, `ticketNo=${ticketNo}`)).toEqual([]);
    expect(await boardOf(rider, `ticketNo=${ticketNo}&department=warehouse`)).toEqual([]);

    server.clock.advance(2 * 3600);
    await runJobs();
    await runJobs();
    const overdue = (await eventsOf(server, agent, ticketNo)).filter((e) => e.type === "execution_overdue");
    expect(overdue).toHaveLength(1);
    expect(overdue[0].data).toMatchObject({
      orderId: redeliver.id,
      action: "redeliver",
      department: "logistics",
    });
    const late = await boardOf(rider, `ticketNo=${ticketNo}&view=overdue`);
    expect(late).toMatchObject([{ id: redeliver.id, overdue: true }]);

    await move(rider, redeliver.id, { to: "in_progress" });
    expect((await move(rider, redeliver.id, { to: "done" })).body.status).toBe("done");
  });

  it("schedules an e-commerce repair three business days after the goods are picked up", async () => {
    const { ticketNo } = await openTicket(server, admin, agent, {
      businessLine: "ecommerce",
      riderId: null,
      items: HEADPHONES,
      category: "quality",
      subType: "malfunction",
      expectedResolution: "repair",
    });
    const decided = await client(server.url, agent).post(`/api/v1/tickets/${ticketNo}/remedies`, {});
    expect(decided.body).toMatchObject({
      option: "standard",
      items: [{ kind: "repair", payer: "merchant" }],
    });
    const [pickup, repair] = await boardOf(supervisor, `ticketNo=${ticketNo}`);
    expect(repair).toMatchObject({ action: "repair", deadline: { businessDays: 3 }, dueAt: null });
    await move(supervisor, pickup.id, { to: "in_progress" });
    await move(supervisor, pickup.id, { to: "done" });
    const scheduled = (await boardOf(merchant, `ticketNo=${ticketNo}`))[0];
    const days = (new Date(scheduled.dueAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2);
    expect(days).toBeLessThan(12);
  });
});
