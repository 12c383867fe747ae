import { describe, expect, it } from "vitest";
import { anomaliesOf, stageOf } from "./order-assist.domain.ts";
import {
  afterFeedback,
  checkRequestMove,
  classifyRequest,
  deadlinesOf,
  departmentFor,
  escalationDue,
  type RequestState,
} from "./requests.domain.ts";
import { agentScores, hourlyVolume, weeklyQuestionTypes, weekRange } from "./service-analysis.domain.ts";

const at = (iso: string) => new Date(iso);
const T0 = at("2026-11-02T02:00:00Z");
const plus = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("merchant request kinds", () => {
  it.each([
    ["我要投诉，平台乱扣分", "platform_complaint"],
    ["部分退款怎么操作", "refund_return"],
    ["骑手把餐洒了", "delivery_problem"],
    ["满减活动怎么报名", "campaign_signup"],
    ["新菜品怎么上架", "menu_listing"],
    ["营业时间怎么改", "store_setup"],
    ["订单打印不出来", "order_processing"],
    ["差评申诉的规则", "platform_rules"],
    ["你好", "platform_rules"],
  ])("%s → %s", (words, category) => expect(classifyRequest(words, "")).toBe(category));

  it("sends each kind to the department that owns it", () => {
    expect(departmentFor("refund_return")).toBe("finance");
    expect(departmentFor("delivery_problem")).toBe("logistics");
    expect(departmentFor("campaign_signup")).toBe("marketing");
  });
});

describe("deadlines and escalation", () => {
  const state = (over: Partial<RequestState> = {}): RequestState => ({
    status: "new",
    escalationLevel: 0,
    firstRespondedAt: null,
    resolvedAt: null,
    ...deadlinesOf("chat", "store_setup", T0),
    ...over,
  });

  it("greets a chat in 30 s, answers a message in 10 min, settles a complaint in a day", () => {
    expect(deadlinesOf("chat", "store_setup", T0).firstResponseDueAt).toEqual(plus(30));
    expect(deadlinesOf("message", "store_setup", T0).firstResponseDueAt).toEqual(plus(600));
    expect(deadlinesOf("phone", "platform_complaint", T0).resolutionDueAt).toEqual(plus(86_400));
  });

  it("escalates a late first answer to a supervisor, a broken promise to the manager, never twice", () => {
    expect(escalationDue(state(), plus(29))).toBeNull();
    expect(escalationDue(state(), plus(30))).toEqual({ level: 1, clock: "firstResponse" });
    expect(escalationDue(state({ escalationLevel: 1 }), plus(60))).toBeNull();
    expect(escalationDue(state({ firstRespondedAt: plus(10) }), plus(60))).toBeNull();
    expect(escalationDue(state({ escalationLevel: 1 }), plus(7200))).toEqual({
      level: 2,
      clock: "resolution",
    });
    expect(escalationDue(state({ escalationLevel: 2 }), plus(9000))).toBeNull();
    expect(escalationDue(state({ resolvedAt: plus(100), firstRespondedAt: plus(5) }), plus(9000))).toBeNull();
  });
});

describe("moves and the merchant's feedback", () => {
  it("follows the ticket's table and wants a result to resolve", () => {
    expect(checkRequestMove("new", "awaiting_merchant", undefined)).toBeNull();
    expect(checkRequestMove("new", "resolved", "当场答复")).toBeNull();
    expect(checkRequestMove("closed", "resolved", "done")).toBe("ILLEGAL_TRANSITION");
    expect(checkRequestMove("in_progress", "resolved", " ")).toBe("RESULT_REQUIRED");
    expect(checkRequestMove("in_progress", "resolved", "已处理")).toBeNull();
    expect(checkRequestMove("in_progress", "awaiting_merchant", undefined)).toBeNull();
    expect(checkRequestMove("resolved", "closed", "x")).toBe("ILLEGAL_TRANSITION");
  });

  it("closes on satisfaction and reopens with a fresh promise otherwise, only once resolved", () => {
    const r = { status: "resolved" as const, category: "refund_return" as const };
    expect(afterFeedback(r, { satisfied: true, rating: 5 }, T0)).toEqual({ status: "closed" });
    expect(afterFeedback(r, { satisfied: false, reason: "没退" }, T0)).toEqual({
      status: "reopened",
      resolutionDueAt: plus(4 * 3600),
    });
    expect(afterFeedback({ ...r, status: "in_progress" }, { satisfied: true, rating: 5 }, T0)).toBeNull();
  });
});

describe("order assistance", () => {
  const order = {
    paidAt: at("2026-11-02T01:00:00Z"),
    promisedAt: at("2026-11-02T01:40:00Z"),
    deliveredAt: null,
    paidFen: 5000,
    refundedFen: 0,
    compensatedFen: 0,
    complaints: [],
  };
  it("reads an order's stage and what is wrong with it", () => {
    expect(stageOf(order, at("2026-11-02T01:30:00Z"))).toBe("paid");
    expect(stageOf(order, T0)).toBe("overdue");
    expect(anomaliesOf(order, T0).map((a) => [a.code, a.message.en])).toEqual([
      ["OVERDUE_UNDELIVERED", "Not delivered 20 min past the promised time"],
    ]);
    const settled = {
      ...order,
      deliveredAt: at("2026-11-02T01:52:00Z"),
      refundedFen: 5000,
      complaints: [
        { status: "in_progress", category: "delivery" },
        { status: "closed", category: "food" },
      ],
    };
    expect(anomaliesOf(settled, T0).map((a) => a.code)).toEqual([
      "LATE_DELIVERY",
      "OPEN_COMPLAINTS",
      "FULLY_REFUNDED",
    ]);
    expect(anomaliesOf({ ...settled, refundedFen: 1000 }, T0)[2]!.message["zh-CN"]).toBe(
      "已退款 10.00 元（实付 50.00 元）",
    );
  });
});

describe("the team's figures", () => {
  it("shares and movers of the week's question types", () => {
    const w = weeklyQuestionTypes(
      { refund_return: 3, store_setup: 1 },
      { refund_return: 1, menu_listing: 2 },
    );
    expect(w.total).toBe(4);
    expect(w.previousTotal).toBe(3);
    expect(w.categories[0]).toEqual({
      category: "refund_return",
      count: 3,
      share: 0.75,
      previousCount: 1,
      change: 2,
    });
    expect(w.categories.find((c) => c.category === "menu_listing")).toMatchObject({ count: 0, change: -2 });
  });

  it("fills every hour and scores agents", () => {
    const hours = hourlyVolume([{ hour: 11, requests: 4, complaints: 1 }]);
    expect(hours).toHaveLength(24);
    expect(hours[11]).toEqual({ hour: 11, requests: 4, complaints: 1 });
    expect(hours[12]).toEqual({ hour: 12, requests: 0, complaints: 0 });
    expect(
      agentScores({
        agent: "a",
        handled: 4,
        answered: 2,
        answeredOnTime: 1,
        firstResponseSecondsTotal: 90,
        resolved: 3,
        ratings: 2,
        ratingTotal: 9,
      }),
    ).toEqual({
      agent: "a",
      handled: 4,
      avgFirstResponseSeconds: 45,
      firstResponseOnTimeRate: 0.5,
      resolutionRate: 0.75,
      satisfactionAvg: 4.5,
      ratings: 2,
    });
  });

  it("reads a Beijing week", () => {
    expect(weekRange("2026-11-02")).toEqual({
      from: at("2026-11-01T16:00:00Z"),
      to: at("2026-11-08T16:00:00Z"),
      previousFrom: at("2026-10-25T16:00:00Z"),
    });
    expect(weekRange("2026-11-32")).toBeNull();
  });
});
