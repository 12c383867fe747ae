import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  categoryForTopic,
  ctiSignatureValid,
  foldCallEvent,
  hotlineFigures,
  ivrTopicOf,
} from "./hotline.domain.ts";

const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 2, 0, s));
const idle = { queuedAt: null, answeredAt: null, abandonedAt: null, endedAt: null, ivrKey: null };

describe("the hotline", () => {
  it("checks the CTI's HMAC over timestamp and body", () => {
    const sig = `sha256=${createHmac("sha256", "s3cret").update('17.{"a":1}').digest("hex")}`;
    expect(ctiSignatureValid("s3cret", "17", '{"a":1}', sig)).toBe(true);
    expect(ctiSignatureValid("s3cret", "18", '{"a":1}', sig)).toBe(false);
    expect(ctiSignatureValid("other", "17", '{"a":1}', sig)).toBe(false);
    expect(ctiSignatureValid("s3cret", "17", '{"a":1}', "sha256=zz")).toBe(false);
  });

  it("maps the IVR keys to each line's categories", () => {
    expect(ivrTopicOf("1")).toBe("delivery");
    expect(ivrTopicOf("9")).toBeNull();
    expect(categoryForTopic("food_delivery", "food")).toBe("food");
    expect(categoryForTopic("ecommerce", "delivery")).toBe("logistics");
    expect(categoryForTopic("b2b_food_supply", "delivery")).toBe("delivery_delay");
    expect(categoryForTopic("fresh_food", "complaint")).toBeNull();
  });

  it("folds events: waiting starts at the key, a call is answered or abandoned, never both", () => {
    expect(foldCallEvent(idle, { type: "ivr_key", at: t(5), key: "2" }, t(0))).toEqual({
      ivr_key: "2",
      ivr_topic: "food",
      queued_at: t(5),
    });
    const abandoned = { ...idle, queuedAt: t(5), abandonedAt: t(60) };
    expect(foldCallEvent(abandoned, { type: "agent_answered", at: t(70) }, t(0))).toEqual({});
    expect(foldCallEvent(idle, { type: "agent_answered", at: t(9), agent: "a1" }, t(0))).toEqual({
      answered_at: t(9),
      agent: "a1",
      queued_at: t(0),
    });
  });

  it("computes the human answer rate over the calls offered to agents", () => {
    expect(hotlineFigures({ calls: 12, answered: 9, abandoned: 1, answeredWaitSeconds: 270 })).toMatchObject({
      offeredToAgents: 10,
      humanAnswerRate: 0.9,
      averageWaitSeconds: 30,
    });
    expect(
      hotlineFigures({ calls: 0, answered: 0, abandoned: 0, answeredWaitSeconds: 0 }).humanAnswerRate,
    ).toBeNull();
  });
});
