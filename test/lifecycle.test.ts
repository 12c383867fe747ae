import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

const app = served("admin", "agent1");

describe("one ticket from intake to close", () => {
  it("is registered, taken, answered, resolved and closed, with every step on the record", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const customer = client(app.url);

    const intake = await customer.post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: LONG_TEXT,
      expectedResolution: "refund",
    });
    expect(intake.status).toBe(201);
    const ack = intake.body;
    expect(ack.ticketNo).toMatch(/^FD\d{8}\d{6,}$/);
    expect(ack).toMatchObject({
      status: "new",
      businessLine: "food_delivery",
      category: "delivery",
      severity: "general",
      urgent: false,
    });
    expect(ack.acknowledgement.text).toContain(ack.ticketNo);
    expect(ack.acknowledgement.text).toContain("30分钟内响应");
    expect(ack.acknowledgement.serviceHours).toContain("09:00–21:00");
    expect(ack.acknowledgement.trackingUrl).toContain(`/h5/progress/${ack.ticketNo}`);
    expect(new Date(ack.acknowledgement.firstResponseDueAt).getTime() - Date.now()).toBeGreaterThan(
      25 * 60_000,
    );

    const staff = app.as("agent1");
    const queue = await staff.get(`/api/v1/tickets?q=${orderNo}`);
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((t: { ticketNo: string }) => t.ticketNo)).toEqual([ack.ticketNo]);
    expect(queue.body.items[0].customerPhone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(queue.body.items[0].queue).toBe("rider_logistics");

    expect((await staff.post(`/api/v1/tickets/${ack.ticketNo}/take`)).body).toMatchObject({
      status: "in_progress",
      assignee: "agent1",
    });
    expect(
      (
        await staff.post(`/api/v1/tickets/${ack.ticketNo}/replies`, {
          body: "内部：已联系骑手核实",
          visibility: "internal",
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await staff.post(`/api/v1/tickets/${ack.ticketNo}/replies`, {
          body: "非常抱歉，已为您申请全额退款",
          visibility: "customer",
        })
      ).status,
    ).toBe(201);
    expect(
      (await staff.post(`/api/v1/tickets/${ack.ticketNo}/transitions`, { to: "resolved" })).body.status,
    ).toBe("resolved");
    expect(
      (await staff.post(`/api/v1/tickets/${ack.ticketNo}/transitions`, { to: "closed" })).body.status,
    ).toBe("closed");

    const detail = await staff.get(`/api/v1/tickets/${ack.ticketNo}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      status: "closed",
      assignee: { username: "agent1" },
      escalationLevel: 0,
      customerPhone: phone,
    });
    expect(detail.body.sla.firstRespondedAt).not.toBeNull();
    expect(detail.body.sla.breached).toEqual([]);
    expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual([
      "received",
      "assigned",
      "note",
      "first_response",
      "reply",
      "status_changed",
      "status_changed",
    ]);
    expect(detail.body.events[0]).toMatchObject({ actor: "customer", channel: "app" });

    const progress = await customer.get(`/api/v1/tickets/${ack.ticketNo}/progress?phone=${phone}`);
    expect(progress.status).toBe(200);
    expect(progress.body.status).toBe("closed");
    expect(progress.body.handler).toEqual({ displayName: "客服小王" });
    const texts = progress.body.timeline.map((e: { text: string }) => e.text);
    expect(texts[0]).toContain("已受理");
    expect(texts.join("|")).toContain("已为您申请全额退款");
    expect(texts.join("|")).not.toContain("内部");
    // The agent who took it is named as the handler is, never by the login name.
    expect(texts).toContain("客服小王 正在为您处理");
    expect(texts.join("|")).not.toContain("agent1");
  });

  it("answers an illegal move with 409 ILLEGAL_TRANSITION and changes nothing", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const ack = (
      await client(app.url).post("/api/v1/tickets", {
        channel: "app",
        phone,
        orderNo,
        description: LONG_TEXT,
      })
    ).body;
    const staff = app.as("agent1");
    const r = await staff.post(`/api/v1/tickets/${ack.ticketNo}/transitions`, { to: "closed" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("ILLEGAL_TRANSITION");
    expect((await staff.get(`/api/v1/tickets/${ack.ticketNo}`)).body.status).toBe("new");
  });

  it("hides the progress of a ticket behind the right phone: wrong phone and unknown number both 404", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const ack = (
      await client(app.url).post("/api/v1/tickets", {
        channel: "app",
        phone,
        orderNo,
        description: LONG_TEXT,
      })
    ).body;
    const wrong = await client(app.url).get(`/api/v1/tickets/${ack.ticketNo}/progress?phone=13911112222`);
    const unknown = await client(app.url).get(`/api/v1/tickets/FD20000101999999/progress?phone=${phone}`);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
  });
});
