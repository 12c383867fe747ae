import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine, Severity } from "../../policy-packs/schema.ts";
import {
  applyMultiplier,
  type CaseFacts,
  decide,
  type OrderFacts,
  priceOfItems,
  propose,
  type RemedyItem,
  type VerificationFacts,
} from "./remedies.domain.ts";

const packs = loadPacks();
const NOW = new Date("2026-11-25T04:00:00Z");

/** Two lines, 28 yuan + 2 × 12 yuan, paid in full: 52 yuan. */
const ORDER: OrderFacts = {
  paidFen: 5200,
  items: [
    { productId: "A", quantity: 1, unitPriceFen: 2800 },
    { productId: "B", quantity: 2, unitPriceFen: 1200 },
  ],
  paidAt: new Date("2026-11-24T04:00:00Z"),
  deliveredAt: new Date("2026-11-24T06:00:00Z"),
};

function facts(line: BusinessLine, category: string, subType: string | null, over: Partial<CaseFacts> = {}) {
  const pack = packs.get(line)!;
  const sub = pack.categories.find((c) => c.code === category)?.subTypes.find((s) => s.code === subType);
  const severity: Severity = sub?.severity ?? "general";
  return {
    pack,
    facts: {
      category,
      subType,
      severity,
      expectedResolution: null,
      order: ORDER,
      verification: null,
      refundedFen: 0,
      compensatedFen: 0,
      now: NOW,
      ...over,
    } satisfies CaseFacts,
  };
}

const verified = (over: Partial<VerificationFacts> = {}): VerificationFacts => ({
  verified: true,
  liableParty: "merchant",
  foodSafetyViolation: false,
  fraud: false,
  lossFen: null,
  affectedItems: null,
  ...over,
});

/** "refund 5200 merchant" → an item; the table below reads like the pack. */
function items(spec: string): RemedyItem[] {
  if (!spec) return [];
  return spec.split(",").map((part) => {
    const [kind, a, b] = part.trim().split(" ");
    return b ? ({ kind, amountFen: Number(a), payer: b } as RemedyItem) : ({ kind, payer: a } as RemedyItem);
  });
}

/** Every sub-type of every category of every pack, with the standard remedy it gets before verification. */
const STANDARD: Record<BusinessLine, Record<string, string>> = {
  food_delivery: {
    "delivery/late": "refund 5200 platform, coupon 1000 platform",
    "delivery/wrong_address": "redeliver rider",
    "delivery/refused": "refund 5200 platform",
    "food/foreign_object": "refund 5200 merchant, compensation 15600 merchant",
    "food/food_safety": "refund 5200 merchant, compensation 15600 merchant",
    "food/taste": "exchange merchant",
    "packaging/leaking": "resend merchant",
    "packaging/broken": "resend merchant",
    "packaging/slight_damage": "resend merchant",
    "packaging/contaminated": "refund 5200 merchant, compensation 5200 merchant",
    "service_attitude/rider_attitude": "coupon 500 platform",
    "service_attitude/merchant_attitude": "coupon 500 platform",
  },
  fresh_food: {
    "quality/spoiled": "refund 5200 merchant",
    "quality/mouldy": "refund 5200 merchant",
    "quality/odour": "refund 5200 merchant",
    "quality/insects": "refund 5200 merchant",
    "quality/package_broken": "refund 5200 merchant",
    "quality/label_problem": "resend merchant",
    "quality/label_soiled": "coupon 500 merchant",
    "usage_question/storage": "",
    "usage_question/cooking": "",
    "usage_question/not_as_expected": "",
    "delivery/wrong_item": "resend merchant",
    "delivery/missing_item": "resend merchant",
    "delivery/transit_damage": "resend logistics",
    "delivery/late": "compensation 520 logistics",
  },
  b2b_food_supply: {
    "delivery_delay/late": "compensation 260 logistics",
    "delivery_delay/not_delivered": "redeliver logistics",
    "quality/spoiled": "resend merchant",
    "quality/foreign_object": "resend merchant",
    "quality/spec_mismatch": "price_difference 5200 merchant",
    "packaging/broken": "resend merchant",
    "packaging/slight_damage": "resend merchant",
    "other/other": "",
  },
  ecommerce: {
    "quality/damaged": "return merchant, refund 5200 merchant",
    "quality/malfunction": "return merchant, refund 5200 merchant",
    "quality/slight_flaw": "compensation 500 merchant",
    "logistics/lost": "resend logistics",
    "logistics/late": "compensation 500 logistics",
    "not_as_described/mismatch": "price_difference 1040 merchant",
    "not_as_described/counterfeit": "refund 5200 merchant, compensation 15600 merchant",
  },
};

describe("the standard remedy of every category of every pack", () => {
  for (const [line, pack] of packs) {
    it(`${line}: the table names every sub-type of the pack`, () => {
      const inPack = pack.categories.flatMap((c) => c.subTypes.map((s) => `${c.code}/${s.code}`));
      expect(Object.keys(STANDARD[line]).sort()).toEqual(inPack.sort());
    });
    const rows = Object.entries(STANDARD[line]).map(([key, spec]) => [...key.split("/"), spec] as const);
    it.each(rows)(`${line} %s/%s → %s`, (category, subType, spec) => {
      const { pack, facts: f } = facts(line, category!, subType!);
      const proposal = propose(pack, f);
      expect(proposal.items).toEqual(items(spec));
      expect(proposal.source).toBe(spec || proposal.ruleIndex !== null ? "rule" : "none");
      expect(proposal.reasons.length).toBeGreaterThan(0);
      for (const reason of proposal.reasons) {
        expect(reason["zh-CN"]).not.toBe("");
        expect(reason.en).not.toBe("");
      }
      for (const item of proposal.items)
        if (item.amountFen !== undefined) expect(Number.isSafeInteger(item.amountFen)).toBe(true);
    });
  }

  it("falls back to no standard remedy, saying so, for a category without a rule", () => {
    const { pack, facts: f } = facts("food_delivery", "no_such_category", null);
    const proposal = propose(pack, f);
    expect(proposal).toMatchObject({ items: [], source: "none", ruleIndex: null });
    expect(proposal.reasons[0]!.en).toContain("No standard remedy");
  });
});

describe("choosing among the pack's options", () => {
  it.each([
    ["fresh_food", "quality", "spoiled", "exchange", "resend merchant"],
    ["fresh_food", "quality", "spoiled", "refund", "refund 5200 merchant"],
    ["ecommerce", "quality", "damaged", "repair", "repair merchant"],
    ["ecommerce", "quality", "damaged", "exchange", "exchange merchant"],
    ["ecommerce", "not_as_described", "mismatch", "return", "return merchant, refund 5200 merchant"],
    ["food_delivery", "delivery", "wrong_address", "refund", "refund 5200 rider"],
    ["food_delivery", "food", "taste", "compensation", "compensation 1040 merchant"],
    ["b2b_food_supply", "quality", "spoiled", "refund", "refund 5200 merchant"],
  ] as const)("%s %s/%s, customer expects %s → %s", (line, category, subType, expected, spec) => {
    const { pack, facts: f } = facts(line, category, subType, { expectedResolution: expected });
    const proposal = propose(pack, f);
    expect(proposal.items).toEqual(items(spec));
    expect(proposal.alternatives.length).toBeGreaterThan(0);
  });

  it("gives a partial refund for a minor quality fault of fresh food", () => {
    const { pack, facts: f } = facts("fresh_food", "quality", "spoiled", { severity: "minor" });
    expect(propose(pack, f).items).toEqual(items("refund 1560 merchant"));
  });

  it("explains, with a small coupon as the fallback, when fresh food was nobody's fault", () => {
    const { pack, facts: f } = facts("fresh_food", "quality", "spoiled", {
      verification: verified({ liableParty: "none" }),
    });
    const proposal = propose(pack, f);
    expect(proposal).toMatchObject({ source: "no_fault", items: [], ruleIndex: null });
    expect(proposal.alternatives.map((a) => a.items)).toEqual([items("coupon 500 merchant")]);
    expect(proposal.reasons.map((r) => r["zh-CN"]).join()).toContain("保质期");
  });

  it("treats a claim verification could not confirm as no fault", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "foreign_object", {
      verification: verified({ verified: false }),
    });
    const proposal = propose(pack, f);
    expect(proposal.source).toBe("no_fault");
    expect(proposal.reasons.map((r) => r.en)).toContain("Verification: the claim could not be confirmed");
  });

  it("names the liable party in the reasons once verified", () => {
    const { pack, facts: f } = facts("food_delivery", "delivery", "late", {
      verification: verified({ liableParty: "rider" }),
    });
    expect(propose(pack, f).reasons.map((r) => r["zh-CN"])).toContain("核实结果：责任方为骑手");
  });
});

describe("amounts in fen from the order", () => {
  it("multiplies without floats, rounding half up", () => {
    expect(applyMultiplier(5200, 0.05)).toBe(260);
    expect(applyMultiplier(333, 0.5)).toBe(167);
    expect(applyMultiplier(1, 0.3)).toBe(0);
    expect(applyMultiplier(2800, 3)).toBe(8400);
    expect(applyMultiplier(1999, 0.1)).toBe(200);
  });

  it("prices the affected items at what was paid for them on a discounted order", () => {
    const discounted = { ...ORDER, paidFen: 4000 };
    expect(priceOfItems(discounted, null)).toBe(4000);
    expect(priceOfItems(discounted, [{ productId: "A", quantity: 1 }])).toBe(2153);
    expect(priceOfItems(ORDER, [{ productId: "B", quantity: 5 }])).toBe(2400);
    expect(priceOfItems({ ...ORDER, paidFen: 5800 }, [{ productId: "A", quantity: 1 }])).toBe(2800);
  });

  it("bases compensation on the affected items and the full refund on the order", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "foreign_object", {
      verification: verified({ affectedItems: [{ productId: "A", quantity: 1 }] }),
    });
    expect(propose(pack, f).items).toEqual(items("refund 5200 merchant, compensation 8400 merchant"));
  });

  it("never proposes refunding more than is left of what was paid", () => {
    const { pack, facts: f } = facts("food_delivery", "delivery", "late", { refundedFen: 5000 });
    const proposal = propose(pack, f);
    expect(proposal.items).toEqual(items("refund 200 platform, coupon 1000 platform"));
    expect(proposal.refundableFen).toBe(200);
    expect(proposal.reasons.map((r) => r.en).join()).toContain("¥2.00 is still refundable");
  });

  it("drops the refund of an order already refunded in full", () => {
    const { pack, facts: f } = facts("food_delivery", "delivery", "late", { refundedFen: 5200 });
    expect(propose(pack, f).items).toEqual(items("coupon 1000 platform"));
  });
});

describe("the statutory floors", () => {
  it("food not meeting safety standards: 10× the price or 3× the loss, at least 1,000 yuan (食品安全法第一百四十八条)", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "food_safety", {
      verification: verified({ foodSafetyViolation: true }),
    });
    const proposal = propose(pack, f);
    expect(proposal.items).toEqual(items("refund 5200 merchant, compensation 15600 merchant"));
    expect(proposal.statutory).toHaveLength(1);
    const [option] = proposal.statutory;
    expect(option!.statute).toBe("food_safety_148");
    expect(option!.law["zh-CN"]).toBe("《中华人民共和国食品安全法》第一百四十八条");
    expect(option!.items).toEqual(items("refund 5200 merchant, compensation 100000 merchant"));
    expect(proposal.compensationCapFen).toBe(100000);
  });

  it.each([
    [{ paid: 15000, loss: null }, "refund 15000 merchant, compensation 150000 merchant"],
    [
      { paid: 15000, loss: 60000 },
      "refund 15000 merchant, compensation 180000 merchant, compensation 45000 merchant",
    ],
    [
      { paid: 2000, loss: 20000 },
      "refund 2000 merchant, compensation 100000 merchant, compensation 18000 merchant",
    ],
  ])("food safety on an order of %o → %s", ({ paid, loss }, spec) => {
    const order = { ...ORDER, paidFen: paid, items: [{ productId: "A", quantity: 1, unitPriceFen: paid }] };
    const { pack, facts: f } = facts("fresh_food", "quality", "spoiled", {
      order,
      verification: verified({ foodSafetyViolation: true, lossFen: loss }),
    });
    expect(propose(pack, f).statutory[0]!.items).toEqual(items(spec));
  });

  it("names the food-safety statute before verification on a case that may meet it", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "foreign_object");
    const proposal = propose(pack, f);
    expect(proposal.statutory).toEqual([]);
    expect(proposal.reasons.map((r) => r["zh-CN"]).join()).toContain("第一百四十八条");
  });

  it("fraud: refund plus 3× the price, at least 500 yuan (消费者权益保护法第五十五条)", () => {
    const { pack, facts: f } = facts("ecommerce", "not_as_described", "counterfeit", {
      verification: verified({ fraud: true }),
    });
    const proposal = propose(pack, f);
    expect(proposal.statutory.map((s) => s.statute)).toEqual(["fraud_55"]);
    expect(proposal.statutory[0]!.items).toEqual(items("refund 5200 merchant, compensation 50000 merchant"));
    const big = facts("ecommerce", "not_as_described", "counterfeit", {
      order: { ...ORDER, paidFen: 30000, items: [{ productId: "A", quantity: 1, unitPriceFen: 30000 }] },
      verification: verified({ fraud: true }),
    });
    expect(propose(big.pack, big.facts).statutory[0]!.items).toEqual(
      items("refund 30000 merchant, compensation 90000 merchant"),
    );
  });

  it("offers the seven-day no-reason return for e-commerce goods, the customer paying the return freight", () => {
    const { pack, facts: f } = facts("ecommerce", "quality", "slight_flaw", { expectedResolution: "return" });
    const option = propose(pack, f).statutory.find((s) => s.statute === "no_reason_return_25");
    expect(option?.items).toEqual(items("return customer, refund 5200 merchant"));
    expect(option?.law["zh-CN"]).toContain("第二十五条");
  });

  it("refuses the no-reason return after seven days, saying why", () => {
    const late = new Date(ORDER.deliveredAt!.getTime() + 8 * 86_400_000);
    const { pack, facts: f } = facts("ecommerce", "quality", "slight_flaw", {
      expectedResolution: "return",
      now: late,
    });
    const proposal = propose(pack, f);
    expect(proposal.statutory).toEqual([]);
    expect(proposal.reasons.map((r) => r.en).join()).toContain("More than seven days since receipt");
  });

  it.each(["fresh_food", "food_delivery", "b2b_food_supply"] as const)(
    "excludes perishable goods of %s from the no-reason return",
    (line) => {
      const category = packs.get(line)!.categories[0]!;
      const { pack, facts: f } = facts(line, category.code, category.subTypes[0]!.code, {
        expectedResolution: "return",
      });
      const proposal = propose(pack, f);
      expect(proposal.statutory.map((s) => s.statute)).not.toContain("no_reason_return_25");
      expect(proposal.reasons.map((r) => r["zh-CN"])).toContain(
        "生鲜及易腐商品不适用七日无理由退货（《消费者权益保护法》第二十五条）",
      );
    },
  );
});

describe("decision limits", () => {
  it("lets an agent decide a standard food-delivery late refund alone", () => {
    const { pack, facts: f } = facts("food_delivery", "delivery", "late");
    expect(propose(pack, f).approval).toMatchObject({ required: false, moneyFen: 6200 });
  });

  it("sends 208 yuan of refund and compensation above the 200-yuan limit to a supervisor", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "foreign_object");
    const proposal = propose(pack, f);
    expect(proposal.approval).toMatchObject({ required: true, moneyFen: 20800, compensationFen: 15600 });
    expect(proposal.approval.reasons[0]!["zh-CN"]).toContain("需主管审批");
  });

  it("sends compensation above the pack's multiple of the price to a supervisor", () => {
    const { pack, facts: f } = facts("ecommerce", "not_as_described", "counterfeit");
    const proposal = propose(pack, f);
    expect(proposal.approval.required).toBe(true);
    expect(proposal.approval.reasons.map((r) => r.en).join()).toContain("Compensation above 1× the price");
  });
});

describe("deciding", () => {
  const late = () => {
    const { pack, facts: f } = facts("food_delivery", "delivery", "late");
    return { pack, proposal: propose(pack, f) };
  };

  it("takes the proposal as it stands", () => {
    const { pack, proposal } = late();
    const result = decide(pack, proposal, undefined);
    expect(result).toMatchObject({ decision: { option: "standard", items: proposal.items } });
  });

  it("recognises an alternative and a statutory option, and calls anything else adjusted", () => {
    const { pack, facts: f } = facts("food_delivery", "food", "food_safety", {
      verification: verified({ foodSafetyViolation: true }),
    });
    const proposal = propose(pack, f);
    const statutory = decide(pack, proposal, proposal.statutory[0]!.items);
    expect(statutory).toMatchObject({ decision: { option: "statutory", statute: "food_safety_148" } });
    expect("decision" in statutory && statutory.decision.approval.required).toBe(true);
    const adjusted = decide(pack, proposal, items("refund 5200 merchant, compensation 10000 merchant"));
    expect(adjusted).toMatchObject({ decision: { option: "adjusted", statute: null } });
  });

  it("keeps an adjustment within the limits with the agent", () => {
    const { pack, proposal } = late();
    const result = decide(pack, proposal, items("refund 2000 platform"));
    expect(result).toMatchObject({ decision: { option: "adjusted", approval: { required: false } } });
  });

  it("refuses refunds above what is refundable, for everyone", () => {
    const { pack, proposal } = late();
    const result = decide(pack, proposal, items("refund 5201 platform"));
    expect(result).toMatchObject({ problems: [{ field: "items", code: "REFUND_EXCEEDS_PAID" }] });
  });

  it("refuses compensation above the cap", () => {
    const { pack, proposal } = late();
    expect(proposal.compensationCapFen).toBe(52000);
    const result = decide(pack, proposal, items("compensation 52001 platform"));
    expect(result).toMatchObject({ problems: [{ code: "COMPENSATION_ABOVE_CAP" }] });
  });

  it("wants an amount on money and none on goods", () => {
    const { pack, proposal } = late();
    const result = decide(pack, proposal, [
      { kind: "refund", payer: "platform" },
      { kind: "resend", payer: "merchant", amountFen: 100 } as RemedyItem,
    ]);
    expect(result).toMatchObject({
      problems: [
        { field: "items.0.amountFen", code: "AMOUNT_REQUIRED" },
        { field: "items.1.amountFen", code: "AMOUNT_NOT_ALLOWED" },
      ],
    });
  });

  it("carries the pack's item deadlines into the decision", () => {
    const { pack, facts: f } = facts("fresh_food", "delivery", "wrong_item");
    const proposal = propose(pack, f);
    const result = decide(pack, proposal, undefined);
    expect("decision" in result && result.decision.deadlineHours).toEqual({ resend: 48 });
  });
});
