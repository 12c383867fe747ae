import { describe, expect, it } from "vitest";
import { openTicket } from "./helpers/remedies.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, fileAppTicket } from "./helpers/server.ts";

/** The customer takes back their request on the progress page (撤销申请). */
const app = served("admin", "agent1", "merchant1");
const pub = () => client(app.url);
const withdraw = (ticketNo: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  pub().post(`/api/v1/tickets/${ticketNo}/withdraw`, body, headers);
const codes = (r: { body: { error: { details: { code: string }[] } } }) =>
  r.body.error.details.map((d) => d.code);

describe("withdrawing a request", () => {
  it("closes it unresolved in the customer's words, stops its clocks, and cannot be done twice", async () => {
    const { ticketNo, phone } = await fileAppTicket(app.url, app.token.admin);
    const before = await pub().get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(before.body.canWithdraw).toBe(true);
    const r = await withdraw(ticketNo, { phone, reason: "  骑手后来送到了，问题已自行解决 " });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ticketNo, status: "closed" });

    const progress = await pub().get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(progress.body).toMatchObject({ status: "closed", canWithdraw: false });
    expect(progress.body.timeline.at(-1).text).toBe(
      "状态更新为：已关闭（顾客撤销申请：骑手后来送到了，问题已自行解决）",
    );
    const detail = (await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(detail.status).toBe("closed");
    expect(detail.sla.resolvedAt).toBeNull();
    expect(detail.events.at(-1)).toMatchObject({
      type: "status_changed",
      actor: "customer",
      data: { from: "new", to: "closed", withdrawn: true },
    });
    expect(detail.sla.clocks.length).toBeGreaterThan(0);
    expect(detail.sla.clocks.every((c: { stoppedAt: string | null }) => c.stoppedAt)).toBe(true);

    const again = await withdraw(ticketNo, { phone }, { "accept-language": "en" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "CANNOT_WITHDRAW" });
    expect(again.body.error.details).toEqual([
      { field: "ticketNo", code: "NOT_OPEN", message: "The request is already finished" },
    ]);
  });

  it("withdraws the verification the merchant still owes", async () => {
    const { ticketNo, phone } = await fileAppTicket(app.url, app.token.admin);
    const asked = await app.as("agent1").post(`/api/v1/tickets/${ticketNo}/merchant-verification/request`);
    expect(asked.status).toBe(201);
    expect((await withdraw(ticketNo, { phone })).status).toBe(200);
    const v = await app.as("agent1").get(`/api/v1/tickets/${ticketNo}/merchant-verification`);
    expect(v.body.items.map((i: { status: string }) => i.status)).toEqual(["withdrawn"]);
    const detail = (await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(detail.sla.clocks.every((c: { stoppedAt: string | null }) => c.stoppedAt)).toBe(true);
  });

  it("is done by staff for a customer who calls, with the reason they gave, under the same rules", async () => {
    const { ticketNo, phone } = await fileAppTicket(app.url, app.token.admin);
    const agent = app.as("agent1");
    const bare = await agent.post(`/api/v1/tickets/${ticketNo}/withdraw`, {});
    expect(bare.status).toBe(400);
    expect(bare.body.error.details).toEqual([expect.objectContaining({ field: "reason", code: "REQUIRED" })]);
    expect(
      (await app.as("merchant1").post(`/api/v1/tickets/${ticketNo}/withdraw`, { reason: "不要了" })).status,
    ).toBe(403);
    const expired = client(app.url, "st_expired-or-unknown").post(`/api/v1/tickets/${ticketNo}/withdraw`, {
      reason: "不要了",
    });
    expect((await expired).status).toBe(401);
    const anonymous = await pub().post(`/api/v1/tickets/${ticketNo}/withdraw`, { reason: "不要了" });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.error.details).toEqual([
      expect.objectContaining({ field: "phone", code: "REQUIRED" }),
    ]);

    const r = await agent.post(`/api/v1/tickets/${ticketNo}/withdraw`, { reason: "顾客来电说餐已送到" });
    expect(r.status).toBe(200);
    const progress = await pub().get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(progress.body.timeline.at(-1).text).toBe(
      "状态更新为：已关闭（顾客来电撤销申请（客服代为登记）：顾客来电说餐已送到）",
    );
    const detail = (await agent.get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(detail.events.at(-1)).toMatchObject({ actor: "agent1", data: { withdrawn: true, to: "closed" } });
  });

  it("answers a wrong phone like an unknown ticket", async () => {
    const { ticketNo } = await fileAppTicket(app.url, app.token.admin);
    const wrong = await withdraw(ticketNo, { phone: "13900000000" });
    const unknown = await withdraw("FD20990101999999", { phone: "13900000000" });
    expect([wrong.status, unknown.status]).toEqual([404, 404]);
    expect(wrong.body).toEqual(unknown.body);
    expect((await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body.status).toBe("new");
  });

  it("refuses a food-safety complaint, which the platform verifies whatever the customer decides", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const filed = await pub().post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: `吃完这家的麻辣烫一小时后全家都开始腹泻呕吐，怀疑食物中毒，${"请尽快处理。".repeat(16)}`,
    });
    expect(filed.body.severity).toBe("serious");
    const progress = await pub().get(`/api/v1/tickets/${filed.body.ticketNo}/progress?phone=${phone}`);
    expect(progress.body.canWithdraw).toBe(false);
    const r = await withdraw(filed.body.ticketNo, { phone });
    expect(r.status).toBe(409);
    expect(codes(r)).toEqual(["FOOD_SAFETY"]);
  });

  it("names every reason at once when a remedy is under way", async () => {
    const { ticketNo, phone } = await openTicket(app.server, app.token.admin, app.token.agent1, {
      category: "delivery",
      subType: "late",
    });
    expect((await app.as("agent1").post(`/api/v1/tickets/${ticketNo}/remedies`, {})).body.status).toBe(
      "approved",
    );
    const r = await withdraw(ticketNo, { phone });
    expect(r.status).toBe(409);
    expect(codes(r)).toEqual(["NOT_OPEN", "REMEDY_UNDER_WAY"]);
  });

  it("sends a resolved request to the confirmation instead", async () => {
    const { ticketNo, phone } = await openTicket(app.server, app.token.admin, app.token.agent1, {
      category: "delivery",
      subType: "late",
    });
    await app.as("agent1").post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "resolved" });
    const r = await withdraw(ticketNo, { phone });
    expect(codes(r)).toEqual(["ALREADY_RESOLVED"]);
    expect(r.body.error.details[0].message).toContain("确认已解决");
  });

  it("refuses a reason longer than 200 characters, naming the field", async () => {
    const { ticketNo, phone } = await fileAppTicket(app.url, app.token.admin);
    const r = await withdraw(ticketNo, { phone, reason: "太".repeat(201) });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toContainEqual(expect.objectContaining({ field: "reason" }));
  });
});
