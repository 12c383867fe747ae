import { describe, expect, it } from "vitest";
import { customerChannels, type OutboxEvent, planNotices, type TicketFacts } from "./notices.domain.ts";

const ticket = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  ticketNo: "FD20260302000001",
  businessLine: "food_delivery",
  channel: "app",
  customerPhone: "13800138000",
  contactEmail: null,
  wechatOpenId: null,
  urgent: false,
  category: "delivery",
  firstResponseDueAt: new Date("2026-03-02T02:30:00Z"),
  ...over,
});
const event = (
  type: string,
  data: Record<string, unknown> = {},
  over: Partial<OutboxEvent> = {},
): OutboxEvent => ({
  id: "1",
  type,
  actor: "agent1",
  visibility: "customer",
  data,
  ...over,
});
const quiet = { smsWhenPhoneKnown: false };
const links = { trackingUrl: "http://x/h5/progress/FD20260302000001" };
const plan = (e: OutboxEvent, t = ticket()) => planNotices(e, t, undefined, quiet, links);

describe("the customer's channels", () => {
  it("follow the channel the request came by, always with an in-app message", () => {
    const of = (t: TicketFacts, s = quiet) =>
      customerChannels(t, s).map((c) => `${c.channel}:${c.recipient}`);
    expect(of(ticket())).toEqual(["in_app:13800138000"]);
    expect(of(ticket({ channel: "phone" }))).toEqual(["in_app:13800138000", "sms:13800138000"]);
    expect(of(ticket({ channel: "email", contactEmail: "li@example.com" }))).toEqual([
      "in_app:13800138000",
      "email:li@example.com",
    ]);
    expect(of(ticket({ channel: "wechat", wechatOpenId: "oABC" }))).toEqual([
      "in_app:13800138000",
      "wechat:oABC",
    ]);
    expect(of(ticket(), { smsWhenPhoneKnown: true })).toEqual(["in_app:13800138000", "sms:13800138000"]);
  });
});

describe("which events give notices", () => {
  it("tells the customer of a reply they can read, never of an internal note", () => {
    expect(plan(event("reply", { body: "已为您退款" }))).toMatchObject([
      { kind: "reply", audience: "customer", values: { reply: "已为您退款", ticketNo: "FD20260302000001" } },
    ]);
    expect(plan(event("note", { body: "内部" }, { visibility: "internal" }))).toEqual([]);
  });

  it("marks the receipt and an urgent ticket's notices to go even at night", () => {
    expect(plan(event("received"))[0]!.urgent).toBe(true);
    expect(plan(event("status_changed", { to: "resolved" }))[0]!.urgent).toBe(false);
    expect(plan(event("status_changed", { to: "resolved" }), ticket({ urgent: true }))[0]!.urgent).toBe(true);
  });

  it("tells a refund with its amount in yuan and its reference", () => {
    expect(
      plan(event("payment_succeeded", { kind: "refund", amountFen: 2800, reference: "PAY-9" }))[0]!.values,
    ).toMatchObject({ amount: "¥28.00", reference: "PAY-9", paymentKind: "退款" });
  });

  it("tells a finished step the customer can see, and leaves the rest to the payment or result feedback", () => {
    expect(plan(event("execution_done", { action: "refund" }, { visibility: "internal" }))).toEqual([]);
    expect(plan(event("execution_done", { action: "resend" }, { visibility: "internal" }))).toEqual([]);
    expect(plan(event("payment_succeeded", { kind: "refund" }, { visibility: "internal" }))).toEqual([]);
    expect(
      plan(event("execution_done", { action: "pickup" }, { visibility: "customer" }))[0]!.values.action,
    ).toBeTruthy();
  });

  it("tells staff of an assignment by someone else, a reminder and an escalation", () => {
    expect(plan(event("assigned", { assignee: "agent2" }, { actor: "supervisor1" }))).toMatchObject([
      { kind: "assigned", audience: "staff", channel: "in_app", recipient: "user:agent2" },
    ]);
    expect(plan(event("assigned", { assignee: "agent1" }, { actor: "agent1" }))).toEqual([]);
    expect(
      plan(
        event("escalated", { clock: "firstResponse", level: 1, to: { level: 1, queue: "supervisor" } }),
      )[0],
    ).toMatchObject({
      kind: "escalated",
      recipient: "queue:supervisor",
      values: { clock: "首次响应", level: "1" },
    });
  });
});
