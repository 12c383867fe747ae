import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBm25, coverage, rank } from "./bm25.domain.ts";
import { FAQ_THRESHOLD, KnowledgeIndex } from "./faq.ts";
import { KNOWLEDGE_DIR, shippedKnowledge, shippedSynonyms } from "./knowledge.ts";

const entries = shippedKnowledge();
const index = new KnowledgeIndex(entries, shippedSynonyms());

interface Query {
  businessLine: string;
  question: string;
  expected: string | null;
}
const queries: Query[] = readFileSync(join(KNOWLEDGE_DIR, "faq-queries.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Query);

describe("the shipped knowledge base", () => {
  it("has FAQ intents, usage guides, typical cases and canned replies with unique ids", () => {
    const kinds = new Set(entries.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(["case", "faq", "guide", "macro"]);
    expect(entries.filter((e) => e.kind === "faq").length).toBeGreaterThanOrEqual(30);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });

  it("answers 餐没到怎么办 with the estimated time and the refund promise", () => {
    const m = index.matchFaq("餐没到怎么办", "food_delivery");
    expect(m.answered).toBe(true);
    expect(m.entry?.data.intent).toBe("delivery_eta");
    expect(m.entry?.body).toContain("超过预计送达时间");
  });
});

describe("FAQ matcher", () => {
  it.each([
    ["food_delivery", "外卖怎么还没送到啊 都一个小时了", "delivery_eta"],
    ["food_delivery", "菜里有根头发怎么办", "foreign_object"],
    ["food_delivery", "吃完拉肚子怎么办", "food_safety_illness"],
    ["food_delivery", "外賣還沒到怎麼辦", "delivery_eta"],
    ["fresh_food", "冻肉咋解冻", "thaw"],
    ["fresh_food", "生鲜可以七天无理由退吗", "seven_day_return"],
    ["ecommerce", "快递显示签收了但我没拿到", "signed_not_received"],
    ["ecommerce", "买到假货了", "counterfeit"],
    ["b2b_food_supply", "对账单金额不对", "invoice_reconcile"],
    ["ecommerce", "转人工", "human_agent"],
  ])("%s: %s → %s", (line, question, intent) => {
    const m = index.matchFaq(question, line);
    expect(m.answered).toBe(true);
    expect(m.entry?.data.intent).toBe(intent);
    expect(m.confidence).toBeGreaterThanOrEqual(FAQ_THRESHOLD);
  });

  it.each(["你们老板叫什么名字", "推荐一家好吃的火锅", "帮我查一下明天的航班", "在吗", "哈哈哈"])(
    "has no confident answer to %s, so the bot hands over",
    (question) => {
      const m = index.matchFaq(question, "food_delivery");
      expect(m.answered).toBe(false);
      expect(m.entry).toBeNull();
    },
  );

  it("answers only with entries of the customer's business line", () => {
    const m = index.matchFaq("七天无理由退货", "ecommerce");
    expect(m.entry?.businessLines).toContain("ecommerce");
    expect(index.matchFaq("对账单有问题", "food_delivery").entry?.id).not.toBe("faq.b2b.invoice");
  });

  it("gets at least 90% of the labelled question set right, answers and hand-overs alike", () => {
    const right = queries.filter((q) => {
      const m = index.matchFaq(q.question, q.businessLine);
      return (m.answered ? m.entry!.id : null) === q.expected;
    });
    expect(queries.length).toBeGreaterThanOrEqual(80);
    expect(right.length / queries.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe("knowledge search", () => {
  it("finds usage guides by product", () => {
    const hits = index.search("牛排怎么解冻", { kinds: ["guide"] });
    expect(hits[0]?.entry.id).toBe("guide.steak");
  });

  it("keeps to the kinds and the business line asked for", () => {
    const hits = index.search("退款", { kinds: ["faq", "guide"], businessLine: "ecommerce", limit: 20 });
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      expect(["faq", "guide"]).toContain(h.entry.kind);
      expect(h.entry.businessLines.some((l) => l === "*" || l === "ecommerce")).toBe(true);
    }
  });

  it("finds typical cases and canned replies for staff", () => {
    expect(index.search("多人腹泻 应急", { kinds: ["case"] })[0]?.entry.id).toBe("case.fd.mass_illness");
    expect(index.search("超时 致歉 优惠券", { kinds: ["macro"] })[0]?.entry.id).toBe("macro.apology_late");
  });
});

describe("BM25", () => {
  const bm = buildBm25([
    { key: "a", tokens: ["退款", "多久", "到账"] },
    { key: "a", tokens: ["钱", "什么时候", "到"] },
    { key: "b", tokens: ["怎么", "退货"] },
  ]);

  it("scores a key by its best document and ranks best first", () => {
    const r = rank(bm, ["退款", "到账"]);
    expect(r[0]?.key).toBe("a");
    expect(r.find((x) => x.key === "b")).toBeUndefined();
  });

  it("measures how much of the query the best match explains", () => {
    const full = rank(bm, ["退款", "到账"])[0]!;
    expect(coverage(bm, ["退款", "到账"], full.score)).toBeGreaterThan(0.8);
    const partial = rank(bm, ["退款", "火锅", "推荐"])[0]!;
    expect(coverage(bm, ["退款", "火锅", "推荐"], partial.score)).toBeLessThan(0.5);
  });
});
