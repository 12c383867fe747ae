import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import {
  followUpSchedule,
  followUpSettings,
  handlingMinutes,
  needsSecondRound,
  returnVisitReason,
  sampleBucket,
  stillResolved,
  surveyProblem,
  type VisitFacts,
} from "./follow-up.domain.ts";
import { executionFeedback, payoutFeedback } from "./result-feedback.domain.ts";
import { readSurveyToken, signSurveyToken } from "./survey-token.domain.ts";

const packs = loadPacks();
const food = followUpSettings(packs.get("food_delivery")!);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const resolvedAt = new Date("2026-11-25T10:00:00Z");

describe("follow-up settings and schedule", () => {
  it("surveys within the pack's 24 hours, visits on day 7 of 7–15, closes after the quiet period", () => {
    expect(food).toMatchObject({ returnVisitAfterDays: 7, returnVisitByDays: 15, lowScore: 3 });
    for (const line of ["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"] as const) {
      const s = followUpSettings(packs.get(line)!);
      expect(s.surveyDelayMinutes * 60_000).toBeLessThanOrEqual(
        packs.get(line)!.followUp.surveyWithinHours * HOUR,
      );
    }
    const plan = followUpSchedule(food, resolvedAt, "complex");
    const at = (kind: string) => plan.find((p) => p.kind === kind)!.dueAt.getTime() - resolvedAt.getTime();
    expect(at("survey")).toBe(food.surveyDelayMinutes * 60_000);
    expect(at("survey")).toBeLessThanOrEqual(24 * HOUR);
    expect(at("return_visit")).toBe(7 * DAY);
    expect(at("auto_close")).toBe(food.autoCloseDays * DAY);
  });

  it("schedules no return visit for a case nobody chose", () => {
    expect(followUpSchedule(food, resolvedAt, null).map((p) => p.kind)).toEqual(["survey", "auto_close"]);
  });

  it("caps a survey delay the pack set beyond its own promise", () => {
    const pack = packs.get("food_delivery")!;
    const late = followUpSettings({ ...pack, followUp: { ...pack.followUp, surveyDelayMinutes: 48 * 60 } });
    expect(late.surveyDelayMinutes).toBe(24 * 60);
  });
});

describe("who gets a return visit", () => {
  const ordinary: VisitFacts = {
    ticketNo: "FD20261125000001",
    severity: "general",
    urgent: false,
    escalationLevel: 0,
    secondRounds: 0,
    otherTicketsOfCustomer: 0,
  };
  it("always visits complex cases: serious, urgent, escalated or already handled twice", () => {
    expect(returnVisitReason({ ...ordinary, severity: "serious" }, 0)).toBe("complex");
    expect(returnVisitReason({ ...ordinary, urgent: true }, 0)).toBe("complex");
    expect(returnVisitReason({ ...ordinary, escalationLevel: 1 }, 0)).toBe("complex");
    expect(returnVisitReason({ ...ordinary, secondRounds: 1 }, 0)).toBe("complex");
  });
  it("always visits a customer who came back with another ticket", () => {
    expect(returnVisitReason({ ...ordinary, otherTicketsOfCustomer: 1 }, 0)).toBe("repeat_customer");
  });
  it("samples the rest by a stable bucket of the ticket number", () => {
    const bucket = sampleBucket(ordinary.ticketNo);
    expect(sampleBucket(ordinary.ticketNo)).toBe(bucket);
    expect(returnVisitReason(ordinary, bucket + 1)).toBe("sampled");
    expect(returnVisitReason(ordinary, bucket)).toBeNull();
    expect(returnVisitReason(ordinary, 100)).toBe("sampled");
    expect(returnVisitReason(ordinary, 0)).toBeNull();
  });
  it("spreads ticket numbers over the buckets, so 20% samples about a fifth", () => {
    let sampled = 0;
    for (let i = 1; i <= 2000; i++)
      if (sampleBucket(`FD20261125${String(i).padStart(6, "0")}`) < 20) sampled++;
    expect(sampled).toBeGreaterThan(300);
    expect(sampled).toBeLessThan(500);
  });
});

describe("second round", () => {
  it("starts at or below the pack's threshold, or when the customer says it is not resolved", () => {
    expect(needsSecondRound({ score: 2, resolved: true }, 3)).toBe(true);
    expect(needsSecondRound({ score: 3, resolved: true }, 3)).toBe(true);
    expect(needsSecondRound({ score: 4, resolved: true }, 3)).toBe(false);
    expect(needsSecondRound({ score: 5, resolved: false }, 3)).toBe(true);
  });
});

describe("surveys and closing", () => {
  it("answers once, and not after the expiry", () => {
    const expiresAt = new Date(resolvedAt.getTime() + 7 * DAY);
    expect(surveyProblem({ answeredAt: null, expiresAt }, resolvedAt)).toBeNull();
    expect(surveyProblem({ answeredAt: null, expiresAt }, expiresAt)).toBe("EXPIRED");
    expect(surveyProblem({ answeredAt: resolvedAt, expiresAt }, resolvedAt)).toBe("ANSWERED");
  });
  it("counts handling time from receipt to resolution, in minutes", () => {
    expect(handlingMinutes(new Date(resolvedAt.getTime() - 95 * 60_000), resolvedAt)).toBe(95);
  });
  it("drops follow-ups of a resolution that no longer stands", () => {
    const t = { status: "resolved", resolvedAt, mergedInto: null };
    expect(stillResolved(t, resolvedAt, "survey")).toBe(true);
    expect(stillResolved({ ...t, status: "closed" }, resolvedAt, "survey")).toBe(true);
    expect(stillResolved({ ...t, status: "closed" }, resolvedAt, "auto_close")).toBe(false);
    expect(stillResolved({ ...t, status: "reopened", resolvedAt: null }, resolvedAt, "return_visit")).toBe(
      false,
    );
    expect(
      stillResolved({ ...t, resolvedAt: new Date(resolvedAt.getTime() + DAY) }, resolvedAt, "survey"),
    ).toBe(false);
  });
});

describe("survey link token", () => {
  const secret = "a-secret-of-at-least-thirty-two-characters";
  const expiresAt = new Date("2026-12-02T10:00:00Z");
  it("reads back what it signed", () => {
    const token = signSurveyToken("abcDEF_12-x", expiresAt, secret);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(readSurveyToken(token, secret)).toEqual({ surveyId: "abcDEF_12-x", expiresAt });
  });
  it("refuses another key, a changed id or a stretched expiry", () => {
    const token = signSurveyToken("abc", expiresAt, secret);
    const [id, expiry, sig] = token.split(".") as [string, string, string];
    expect(readSurveyToken(token, `${secret}x`)).toBeNull();
    expect(readSurveyToken(`abd.${expiry}.${sig}`, secret)).toBeNull();
    const later = (Number.parseInt(expiry, 36) + 86_400).toString(36);
    expect(readSurveyToken(`${id}.${later}.${sig}`, secret)).toBeNull();
    expect(readSurveyToken("nonsense", secret)).toBeNull();
    expect(readSurveyToken(`${id}.${expiry}.`, secret)).toBeNull();
  });
});

describe("result feedback", () => {
  it("tells the amount in yuan and the reference", () => {
    expect(payoutFeedback("refund", 2850, "PAY-1")!["zh-CN"]).toContain("退款 ¥28.50");
    expect(payoutFeedback("refund", 2850, "PAY-1")!["zh-CN"]).toContain("PAY-1");
    expect(payoutFeedback("coupon", 1000, "C-9")!.en).toContain("¥10.00");
    expect(payoutFeedback("charge", 1000, "X")).toBeNull();
  });
  it("tells a resend with its order; inspection says nothing", () => {
    const words = executionFeedback("resend", "FD1-R1-X1")!;
    expect(words["zh-CN"]).toContain("FD1-R1-X1");
    expect(executionFeedback("inspection", "X")).toBeNull();
  });
});
