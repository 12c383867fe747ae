import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { classifySuggestion, nextSuggestionStatus } from "./suggestions.domain.ts";
import { isMissed, liablePartyOf, missedLiable, verificationClock } from "./verification.domain.ts";

const packs = loadPacks();
const pack = (line: BusinessLine) => packs.get(line)!;

describe("the merchant's verification deadline", () => {
  it("is each pack's own, in wall-clock minutes, and never escalates the ticket", () => {
    expect(verificationClock(pack("food_delivery")).target).toEqual({ minutes: 120 });
    expect(verificationClock(pack("b2b_food_supply")).target).toEqual({ minutes: 24 * 60 });
    expect(verificationClock(pack("food_delivery")).rule).toMatchObject({
      basis: "calendar",
      escalates: false,
    });
  });

  it("is missed at its instant, not before, and only while pending", () => {
    const dueAt = new Date("2026-11-25T10:00:00Z");
    expect(isMissed({ status: "pending", dueAt }, new Date("2026-11-25T09:59:59Z"))).toBe(false);
    expect(isMissed({ status: "pending", dueAt }, dueAt)).toBe(true);
    expect(isMissed({ status: "accepted", dueAt }, new Date("2026-11-26T00:00:00Z"))).toBe(false);
  });

  it("leaves the merchant liable when it does not answer, and reads a mediator's 'nobody' as none", () => {
    expect(missedLiable(pack("ecommerce"))).toBe("merchant");
    expect(liablePartyOf("nobody")).toBe("none");
    expect(liablePartyOf("rider")).toBe("rider");
  });
});

describe("a suggestion", () => {
  it("is classified by its words, settlement before delivery", () => {
    expect(classifySuggestion("配送费结算太慢", "")).toBe("settlement");
    expect(classifySuggestion("骑手取餐", "出餐后骑手很久才到")).toBe("delivery");
    expect(classifySuggestion("后台", "希望增加功能")).toBe("app_features");
    expect(classifySuggestion("你好", "谢谢")).toBe("other");
  });

  it("is assessed, forwarded and reported in that order", () => {
    expect(nextSuggestionStatus("submitted", "forward")).toBeNull();
    expect(nextSuggestionStatus("submitted", "assess")).toBe("assessed");
    expect(nextSuggestionStatus("assessed", "assess")).toBe("assessed");
    expect(nextSuggestionStatus("assessed", "forward")).toBe("forwarded");
    expect(nextSuggestionStatus("forwarded", "assess")).toBeNull();
    expect(nextSuggestionStatus("forwarded", "report")).toBe("reported");
    expect(nextSuggestionStatus("reported", "report")).toBeNull();
  });
});
