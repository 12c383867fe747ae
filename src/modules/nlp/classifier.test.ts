import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { classify, classifyReading, severityOf } from "../triage/triage.domain.ts";
import { bestCategory, featuresOf } from "./classifier.domain.ts";
import { corpusDigest, isHeldOut, loadCorpus, split } from "./corpus.ts";
import { evaluate } from "./evaluate.ts";
import { labelsOf, trainLineModel } from "./train.ts";
import { analyseText, textUnderstanding } from "./understanding.ts";

const packs = loadPacks();
const corpus = loadCorpus();
const understanding = textUnderstanding();

/** What triage v2 makes of a text: category, sub-type, severity, confidence. */
function triage(line: BusinessLine, text: string) {
  const pack = packs.get(line)!;
  const reading = understanding.read(pack, text)!;
  const c = classifyReading(pack, reading);
  return {
    category: c.category.code,
    subType: c.subType?.code ?? null,
    severity: severityOf(pack, {
      description: text,
      urgent: false,
      subType: c.subType,
      reading: reading.severity,
    }),
    confidence: c.confidence,
  };
}

describe("the labelled corpus", () => {
  it("has several hundred examples for every business line, each labelled with a category the pack knows", () => {
    for (const [line, pack] of packs) {
      const examples = corpus.filter((e) => e.line === line);
      expect(examples.length, line).toBeGreaterThanOrEqual(250);
      for (const e of examples)
        expect(labelsOf(pack), `${line}: ${e.text}`).toContain(`${e.category}/${e.subType}`);
    }
  });

  it("holds no text twice within a line", () => {
    const keys = corpus.map((e) => `${e.line}\t${e.text}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("splits deterministically, about a fifth held out", () => {
    const { heldOut } = split(corpus);
    expect(heldOut.length / corpus.length).toBeGreaterThan(0.15);
    expect(heldOut.length / corpus.length).toBeLessThan(0.25);
    expect(isHeldOut("菜里吃出一根头发")).toBe(isHeldOut("菜里吃出一根头发"));
    expect(split(corpus).heldOut.map((e) => e.text)).toEqual(heldOut.map((e) => e.text));
  });

  it("is the corpus the shipped model was trained on (else run `npm run train:nlp`)", () => {
    expect(understanding.model.corpusDigest).toBe(corpusDigest(corpus));
  });
});

describe("on the held-out split", () => {
  const result = evaluate(split(corpus).heldOut, packs, understanding);

  it("finds the right category at least 90% of the time", () => {
    expect(result.categoryAccuracy).toBeGreaterThanOrEqual(0.9);
    for (const [line, l] of Object.entries(result.lines))
      expect(l.categoryAccuracy, line).toBeGreaterThanOrEqual(0.85);
  });

  it("calls at least 98% of food-safety cases serious", () => {
    expect(result.severity.foodSafety).toBeGreaterThan(50);
    expect(result.severity.foodSafetyRecall).toBeGreaterThanOrEqual(0.98);
  });

  it("beats the keyword rules of the packs on category and on serious recall", () => {
    expect(result.categoryAccuracy).toBeGreaterThan(result.rules.categoryAccuracy);
    expect(result.severity.seriousRecall).toBeGreaterThan(result.rules.severity.seriousRecall);
  });
});

describe("sensitivity", () => {
  it("calls serious every real serious complaint of the corpus that the keyword rules call serious", () => {
    const missed: string[] = [];
    for (const e of corpus) {
      if (e.severity !== "serious") continue;
      const pack = packs.get(e.line)!;
      const v1 = classify(pack, e.text);
      const rules = severityOf(pack, { description: e.text, urgent: false, subType: v1.subType });
      if (rules === "serious" && triage(e.line, e.text).severity !== "serious")
        missed.push(`${e.line}: ${e.text}`);
    }
    expect(missed).toEqual([]);
  });
});

describe("complaints as people write them", () => {
  it.each([
    ["food_delivery", "等了一个多小时还没到，饭都凉了", "delivery", "late", "general"],
    ["food_delivery", "菜里吃出一根头发", "food", "foreign_object", "serious"],
    ["food_delivery", "吃完之后全家拉肚子", "food", "food_safety", "serious"],
    ["food_delivery", "汤洒了一半，袋子里全是汤", "packaging", "leaking", "general"],
    ["food_delivery", "骑手态度很差，还骂人", "service_attitude", "rider_attitude", "general"],
    ["fresh_food", "收到的牛排一股怪味", "quality", "odour", "serious"],
    ["fresh_food", "冷冻的牛肉怎么解冻比较好", "usage_question", "storage", "general"],
    ["fresh_food", "买的虾少发了一盒", "delivery", "missing_item", "general"],
    ["b2b_food_supply", "周一那批蔬菜送货晚了，影响营业", "delivery_delay", "late", "general"],
    ["b2b_food_supply", "送来的猪肉有股酸臭味 已经变质了", "quality", "spoiled", "serious"],
    ["ecommerce", "手机收到三天就开不了机了，充电也充不进电", "quality", "malfunction", "general"],
    ["ecommerce", "快递显示已签收，但是我根本没收到", "logistics", "lost", "general"],
    ["ecommerce", "买的是正品，收到的明显是假货", "not_as_described", "counterfeit", "serious"],
  ] as const)("%s: %s", (line, text, category, subType, severity) => {
    expect(triage(line, text)).toMatchObject({ category, subType, severity });
  });

  it("understands negation: 没有异物，就是有点凉 is not a foreign object and not serious", () => {
    const t = triage("food_delivery", "没有异物，就是有点凉");
    expect(t.subType).not.toBe("foreign_object");
    expect(t.severity).toBe("general");
    expect(triage("food_delivery", "没吃出异物，但是真的难吃")).toMatchObject({
      subType: "taste",
      severity: "general",
    });
  });

  it("understands hypotheticals: a question about bugs or spoiling is a usage question", () => {
    expect(triage("fresh_food", "如果有虫怎么办")).toMatchObject({
      category: "usage_question",
      severity: "general",
    });
    expect(triage("fresh_food", "榴莲放冰箱会不会变质")).toMatchObject({
      category: "usage_question",
      severity: "general",
    });
  });

  it.each([
    ["food_delivery", "菜裡吃出頭髮", "food", "serious"],
    ["food_delivery", "外賣員遲到快一小時，飯都涼了", "delivery", "general"],
    ["fresh_food", "草莓全爛了", "quality", "serious"],
    ["ecommerce", "顯示簽收但沒收到", "logistics", "general"],
    ["b2b_food_supply", "豬肉變質了", "quality", "serious"],
  ] as const)("reads traditional characters: %s", (line, text, category, severity) => {
    expect(triage(line, text)).toMatchObject({ category, severity });
  });

  it.each([
    ["food_delivery", "吃出一根头法", "food", "serious"],
    ["food_delivery", "饭里有只苍绳", "food", "serious"],
    ["food_delivery", "拉肚纸了", "food", "serious"],
    ["food_delivery", "骑首态度差", "service_attitude", "general"],
    ["fresh_food", "发酶了", "quality", "serious"],
  ] as const)("survives typos: %s", (line, text, category, severity) => {
    expect(triage(line, text)).toMatchObject({ category, severity });
  });

  it.each([
    ["food_delivery", "没到", "delivery", "late"],
    ["food_delivery", "有虫", "food", "foreign_object"],
    ["food_delivery", "洒了", "packaging", "leaking"],
    ["food_delivery", "太咸", "food", "taste"],
    ["food_delivery", "送错了", "delivery", "wrong_address"],
    ["fresh_food", "少一盒", "delivery", "missing_item"],
    ["fresh_food", "长毛了", "quality", "mouldy"],
    ["b2b_food_supply", "发票", "other", "other"],
    ["ecommerce", "丢件", "logistics", "lost"],
    ["ecommerce", "假货", "not_as_described", "counterfeit"],
  ] as const)("understands very short texts: %s", (line, text, category, subType) => {
    expect(triage(line, text)).toMatchObject({ category, subType });
  });

  it("gives a confidence between 0 and 1, high for a clear complaint", () => {
    const clear = triage("food_delivery", "菜里吃出一根头发");
    expect(clear.confidence).toBeGreaterThan(0.8);
    expect(clear.confidence).toBeLessThanOrEqual(1);
  });
});

describe("features and training", () => {
  it("keeps a denied word apart from a said one", () => {
    const said = featuresOf(analyseText("菜里有异物"));
    const denied = featuresOf(analyseText("菜里没有异物"));
    expect(said).toContain("w:异物");
    expect(denied).toContain("w!:异物");
    expect(denied).not.toContain("w:异物");
  });

  it("trains the same model twice from the same examples", () => {
    const pack = packs.get("food_delivery")!;
    const labels = labelsOf(pack);
    const rows = corpus
      .filter((e) => e.line === "food_delivery")
      .slice(0, 120)
      .map((e) => ({
        features: featuresOf(analyseText(e.text)),
        label: labels.indexOf(`${e.category}/${e.subType}`),
      }));
    const options = { epochs: 5, learningRate: 0.4, l2: 1e-4, seed: 7, minWeight: 0.02 };
    expect(trainLineModel(rows, labels, options)).toEqual(trainLineModel(rows, labels, options));
  });

  it("sums sub-type probabilities into the category", () => {
    const best = bestCategory([
      { category: "a", subType: "x", probability: 0.4 },
      { category: "b", subType: "y", probability: 0.35 },
      { category: "b", subType: "z", probability: 0.25 },
    ]);
    expect(best).toEqual({ category: "b", subType: "y", confidence: 0.6 });
  });
});
