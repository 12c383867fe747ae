import { describe, expect, it } from "vitest";
import { botTurn, CUSTOMER_RATE, type FaqAnswer, takeToken, ticketDescription } from "./chat.domain.ts";

const sure: FaqAnswer = {
  answered: true,
  confidence: 0.8,
  text: "预计30分钟送达",
  entryId: "faq.1",
  wantsPerson: false,
};
const unsure: FaqAnswer = { answered: false, confidence: 0.1, text: null, entryId: null, wantsPerson: false };
const fresh = { unsureTurns: 0, offeredPerson: false };

describe("the bot's turn", () => {
  it("answers a confident match and forgets earlier unsure turns", () => {
    expect(botTurn("餐没到", sure, { unsureTurns: 1, offeredPerson: true })).toMatchObject({
      kind: "answer",
      unsureTurns: 0,
    });
  });

  it("hands over on 转人工 whatever the FAQ says, and on yes to its own offer", () => {
    expect(botTurn("我要转人工", sure, fresh)).toEqual({ kind: "handover", reason: "asked" });
    expect(botTurn("好的", unsure, { unsureTurns: 1, offeredPerson: true })).toEqual({
      kind: "handover",
      reason: "accepted_offer",
    });
    expect(botTurn("好的", unsure, fresh)).toMatchObject({ kind: "offer" });
  });

  it("offers a person on the first unsure answer and hands over on the second", () => {
    const first = botTurn("???", unsure, fresh);
    expect(first).toMatchObject({ kind: "offer", unsureTurns: 1 });
    expect(botTurn("!!!", unsure, { unsureTurns: 1, offeredPerson: true })).toEqual({
      kind: "handover",
      reason: "unsure",
    });
  });
});

describe("limits", () => {
  it("lets a burst through, then refuses until the bucket refills", () => {
    let bucket = { tokens: CUSTOMER_RATE.burst, at: 0 };
    const allowed = Array.from({ length: CUSTOMER_RATE.burst + 1 }, () => {
      const turn = takeToken(bucket, 0, CUSTOMER_RATE);
      bucket = turn.bucket;
      return turn.allowed;
    });
    expect(allowed.filter(Boolean)).toHaveLength(CUSTOMER_RATE.burst);
    expect(takeToken(bucket, CUSTOMER_RATE.refillMs, CUSTOMER_RATE).allowed).toBe(true);
  });
});

describe("the ticket's description", () => {
  const at = new Date(0);
  const lines = [
    { sender: "customer" as const, author: null, body: "外卖超时了", at },
    { sender: "bot" as const, author: null, body: "预计30分钟送达，超时将为您退款", at },
  ];
  it("is the customer's own words when they are long enough, else the whole conversation", () => {
    expect(ticketDescription(lines, 3, 2000)).toBe("外卖超时了");
    expect(ticketDescription(lines, 100, 2000)).toBe(
      "客户：外卖超时了\n机器人：预计30分钟送达，超时将为您退款",
    );
    expect([...ticketDescription(lines, 100, 10)]).toHaveLength(10);
  });
});
