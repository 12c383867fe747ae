import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import {
  decideIntake,
  type IntakeDecision,
  type IntakeOrder,
  type TicketDraft,
} from "../intake/intake.domain.ts";
import { readText } from "./understanding.ts";

/** Intake with triage v2: the trained classifier and the severity reader, as the HTTP route runs it. */
const packs = loadPacks();
const NOW = new Date("2026-11-25T04:00:00.000Z");
const PHONE = "13800138000";
const ORDERS: Record<string, IntakeOrder> = {
  food_delivery: {
    orderNo: "FDO000001",
    businessLine: "food_delivery",
    customerPhone: PHONE,
    merchantId: "M001",
    riderId: "R001",
    region: "310104",
  },
  fresh_food: {
    orderNo: "FFO000001",
    businessLine: "fresh_food",
    customerPhone: PHONE,
    merchantId: "M005",
    riderId: null,
    region: "310104",
  },
};

/** An agent registering a call: short descriptions are fine and evidence may follow. */
function decide(line: keyof typeof ORDERS, description: string, extra: Record<string, unknown> = {}) {
  const order = ORDERS[line]!;
  return decideIntake(
    { channel: "phone", phone: PHONE, orderNo: order.orderNo, description, ...extra },
    { order, previousComplaints: 0, attachments: [], readText },
    packs,
    NOW,
  );
}

function draftOf(decision: IntakeDecision): TicketDraft {
  if (!decision.ok) throw new Error(JSON.stringify(decision.details));
  return decision.draft;
}

describe("intake with the trained classifier", () => {
  it("takes the classifier's category when the customer gave none", () => {
    const d = draftOf(decide("food_delivery", "我们单位好几个人吃完都上吐下泻"));
    expect(d).toMatchObject({
      category: "food",
      subType: "food_safety",
      categorySource: "triage",
      classifierCategory: "food",
      classifierDisagrees: false,
      severity: "serious",
      massAffected: true,
      queue: "merchant_verification",
    });
    expect(d.classifierConfidence).toBeGreaterThan(0.5);
    expect(d.severitySignals).toContain("上吐下泻");
  });

  it("keeps the customer's category and flags the disagreement", () => {
    const d = draftOf(decide("food_delivery", "菜里吃出一根头发，太恶心了", { category: "delivery" }));
    expect(d).toMatchObject({
      category: "delivery",
      categorySource: "customer",
      classifierCategory: "food",
      classifierDisagrees: true,
      // The text still decides how serious it is: a hair in the food is a food-safety case.
      severity: "serious",
    });
  });

  it("does not flag agreement", () => {
    const d = draftOf(decide("food_delivery", "等了一个多小时还没到，饭都凉了", { category: "delivery" }));
    expect(d).toMatchObject({ category: "delivery", subType: "late", classifierDisagrees: false });
  });

  it("finds the sub-type within the customer's category", () => {
    const d = draftOf(decide("food_delivery", "汤洒了一半，袋子里全是汤", { category: "packaging" }));
    expect(d).toMatchObject({ category: "packaging", subType: "leaking" });
  });

  it("does not call a denied foreign object serious, nor ask for its evidence", () => {
    const d = draftOf(decide("food_delivery", "没有异物，就是有点凉"));
    expect(d.subType).not.toBe("foreign_object");
    expect(d.severity).toBe("general");
    expect(d.evidenceAwaited).toBe(false);
  });

  it("asks for foreign-object evidence when the classifier reads one", () => {
    const d = draftOf(decide("food_delivery", "麻辣烫里吃出一根钢丝 太危险了"));
    expect(d).toMatchObject({ subType: "foreign_object", severity: "serious", evidenceAwaited: true });
  });

  it("treats a storage question as a usage question, not a quality case", () => {
    const d = draftOf(decide("fresh_food", "榴莲放冰箱会不会变质"));
    expect(d).toMatchObject({ category: "usage_question", severity: "general", queue: "customer_service" });
  });
});
