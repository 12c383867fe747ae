import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { insertTicket } from "../src/modules/tickets/tickets.store.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

/**
 * Intakes that arrive together are stored together (group commit, src/platform/batcher.ts). What a
 * customer must never notice: a lost ticket, a ticket with someone else's data, a missing first event
 * or SLA clock, two tickets for one retried request, or a stranger's bad request failing theirs.
 */

const app = served("admin", "agent1");

const BURST = 60;

describe("a burst of requests at once", () => {
  it("gives every request its own ticket, with its own order, first event and SLA clocks", async () => {
    const customers = await Promise.all(
      Array.from({ length: BURST }, () => createOrder(app.url, app.token.admin)),
    );
    const replies = await Promise.all(
      customers.map(({ phone, orderNo }, i) =>
        client(app.url).post("/api/v1/tickets", {
          channel: "app",
          phone,
          orderNo,
          description: `${LONG_TEXT}（第${i}单）`,
          expectedResolution: "refund",
          urgent: i % 5 === 0,
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(customers.map(() => 201));
    const numbers = replies.map((r) => r.body.ticketNo as string);
    expect(new Set(numbers).size).toBe(BURST);

    const db = app.server.app.ctx.db;
    const rows = await sql<{
      ticket_no: string;
      order_no: string;
      urgent: boolean;
      events: number;
      clocks: number;
    }>`
      select t.ticket_no, t.order_no, t.urgent,
        (select count(*)::int from ticket_events e where e.ticket_no = t.ticket_no and e.type = 'received') as events,
        (select count(*)::int from sla_clocks c where c.ticket_no = t.ticket_no) as clocks
      from tickets t where t.ticket_no = any(${numbers}::text[])`.execute(db);
    const byNo = new Map(rows.rows.map((r) => [r.ticket_no, r]));
    customers.forEach(({ orderNo }, i) => {
      const row = byNo.get(numbers[i]!);
      expect(row?.order_no).toBe(orderNo);
      expect(row?.urgent).toBe(i % 5 === 0);
      expect(row?.events).toBe(1);
      expect(row?.clocks).toBeGreaterThanOrEqual(2);
    });

    // And each customer follows their own ticket, not a neighbour's.
    const progress = await client(app.url).get(
      `/api/v1/tickets/${numbers[7]}/progress?phone=${customers[7]!.phone}`,
    );
    expect(progress.status).toBe(200);
    const stranger = await client(app.url).get(
      `/api/v1/tickets/${numbers[7]}/progress?phone=${customers[8]!.phone}`,
    );
    expect(stranger.status).toBe(404);
  });

  it("files one ticket for a request retried many times at once with the same Idempotency-Key", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const key = { "idempotency-key": `burst-${randomUUID()}` };
    const body = { channel: "app", phone, orderNo, description: LONG_TEXT, expectedResolution: "refund" };
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => client(app.url).post("/api/v1/tickets", body, key)),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
    expect(new Set(replies.map((r) => r.body.ticketNo)).size).toBe(1);
    const list = await app.as("agent1").get(`/api/v1/tickets?q=${orderNo}`);
    expect(list.body.total).toBe(1);
  });

  it("stores the others when one request of a burst breaks a database rule, and fails only that one", async () => {
    // The route never sends a request for an order that does not exist; the store is driven directly
    // to make one row of a shared statement break the foreign key to orders.
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const good = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: LONG_TEXT,
    });
    expect(good.status).toBe(201);
    const db = app.server.app.ctx.db;
    const template = (
      await sql<{ data: Record<string, unknown> }>`select data from ticket_events
        where ticket_no = ${good.body.ticketNo} and type = 'received'`.execute(db)
    ).rows[0]!.data;
    const draftOf = (order: string) => ({
      businessLine: "food_delivery" as const,
      packVersion: String(template.packVersion),
      ticketPrefix: "FD",
      channel: "api" as const,
      customerPhone: phone,
      customerName: null,
      orderNo: order,
      merchantId: "M001",
      riderId: null,
      region: "上海市徐汇区",
      category: "delivery",
      subType: null,
      categorySource: "triage" as const,
      classifierCategory: "delivery",
      classifierConfidence: 0.9,
      classifierDisagrees: false,
      severitySignals: [],
      massAffected: false,
      severity: "general" as const,
      priority: 3,
      urgent: false,
      queue: "customer_service" as const,
      description: LONG_TEXT,
      expectedResolution: null,
      occurredAt: null,
      details: {},
      evidenceAwaited: false,
      attachmentIds: [],
      firstResponseDueAt: new Date(Date.now() + 3_600_000),
      resolutionDueAt: new Date(Date.now() + 86_400_000),
      clocks: [],
      receivedAt: new Date(),
    });
    const actor = { id: null, name: "test", role: "api" };
    const store = (order: string) =>
      insertTicket(db, { draft: draftOf(order) as never, actor, idempotency: null, eventData: {} });
    const outcomes = await Promise.allSettled([
      store(orderNo),
      store(orderNo),
      store(`NO-SUCH-ORDER-${randomUUID()}`),
      store(orderNo),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const stored = outcomes.flatMap((o) => (o.status === "fulfilled" && o.value ? [o.value] : []));
    const count = await sql<{ n: number }>`select count(*)::int as n from tickets
      where ticket_no = any(${stored}::text[])`.execute(db);
    expect(count.rows[0]!.n).toBe(3);
  });
});
