import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { classify, mentions, queueOf, severityOf, subTypeOf } from "./triage.domain.ts";

const packs = loadPacks();
const pack = (line: BusinessLine): PolicyPack => packs.get(line)!;
const category = (line: BusinessLine, code: string) => pack(line).categories.find((c) => c.code === code)!;

/** What an agent sees after triage: category, sub-type, severity and queue of one complaint. */
function triage(line: BusinessLine, description: string, urgent = false, previousComplaints = 0) {
  const p = pack(line);
  const c = classify(p, description);
  return {
    category: c.category.code,
    subType: c.subType?.code ?? null,
    severity: severityOf(p, { description, urgent, subType: c.subType }),
    queue: queueOf(p, c.category, previousComplaints),
    confidence: c.confidence,
  };
}

const NEGATIONS = ["没有", "没", "不是", "无", "并非"];

describe("mentions", () => {
  it("finds a keyword anywhere in the text", () => {
    expect(mentions("菜里有异物", "异物", NEGATIONS)).toBe(true);
    expect(mentions("异物！", "异物", NEGATIONS)).toBe(true);
    expect(mentions("菜里有头发", "异物", NEGATIONS)).toBe(false);
  });

  it.each(["没有异物", "没异物", "不是异物", "无异物", "并非异物"])(
    "does not count a keyword right after a negation: %s",
    (text) => {
      expect(mentions(`检查过了，${text}，就是有点凉`, "异物", NEGATIONS)).toBe(false);
    },
  );

  it("counts a later, un-negated mention of the same keyword", () => {
    expect(mentions("商家说没有异物，可我明明吃出了异物", "异物", NEGATIONS)).toBe(true);
  });

  it("only looks at the words right before the keyword", () => {
    // The negation belongs to another verb: "没想到" then a real foreign object.
    expect(mentions("没想到饭里居然有异物", "异物", NEGATIONS)).toBe(true);
  });

  it("ignores negations when the pack names none", () => {
    expect(mentions("没有异物", "异物", [])).toBe(true);
  });
});

describe("triage of real complaints", () => {
  it.each([
    // line, complaint, category, subType, severity, queue
    ["food_delivery", "等了一个多小时还没到，饭都凉了", "delivery", "late", "general", "rider_logistics"],
    [
      "food_delivery",
      "送错地址了，送到别人家去了",
      "delivery",
      "wrong_address",
      "general",
      "rider_logistics",
    ],
    ["food_delivery", "菜里吃出一根头发", "food", "foreign_object", "serious", "merchant_verification"],
    ["food_delivery", "吃完之后全家拉肚子", "food", "food_safety", "serious", "merchant_verification"],
    ["food_delivery", "味道太咸了，根本吃不下", "food", "taste", "general", "merchant_verification"],
    ["food_delivery", "汤洒了一半，袋子里全是汤", "packaging", "leaking", "general", "merchant_verification"],
    [
      "food_delivery",
      "包装盒有点瘪，饭菜都还好",
      "packaging",
      "slight_damage",
      "minor",
      "merchant_verification",
    ],
    [
      "food_delivery",
      "骑手态度很差，还骂人",
      "service_attitude",
      "rider_attitude",
      "general",
      "customer_service",
    ],
    ["fresh_food", "收到的牛排一股怪味", "quality", "odour", "serious", "merchant_verification"],
    ["fresh_food", "草莓收到的时候已经烂了好几个", "quality", "spoiled", "serious", "merchant_verification"],
    ["fresh_food", "买的虾少发了一盒", "delivery", "missing_item", "general", "rider_logistics"],
    ["fresh_food", "冷冻的牛肉怎么解冻比较好", "usage_question", "storage", "general", "customer_service"],
    [
      "fresh_food",
      "标签有点模糊，但生产日期还能看清",
      "quality",
      "label_problem",
      "minor",
      "merchant_verification",
    ],
    [
      "b2b_food_supply",
      "周一那批蔬菜送货晚了，影响营业",
      "delivery_delay",
      "late",
      "general",
      "rider_logistics",
    ],
    [
      "b2b_food_supply",
      "这批土豆有一箱包装轻微破损",
      "packaging",
      "broken",
      "minor",
      "merchant_verification",
    ],
    [
      "ecommerce",
      "手机收到三天就开不了机了，充电也充不进电",
      "quality",
      "malfunction",
      "general",
      "merchant_verification",
    ],
    [
      "ecommerce",
      "屏幕上有一道小划痕，不影响使用",
      "quality",
      "slight_flaw",
      "minor",
      "merchant_verification",
    ],
    ["ecommerce", "快递显示已签收，但是我根本没收到", "logistics", "lost", "general", "rider_logistics"],
    [
      "ecommerce",
      "买的是正品，收到的明显是假货",
      "not_as_described",
      "counterfeit",
      "serious",
      "merchant_verification",
    ],
    [
      "ecommerce",
      "衣服颜色和图片描述不符，有色差",
      "not_as_described",
      "mismatch",
      "general",
      "merchant_verification",
    ],
  ] as const)("%s: %s → %s/%s, %s, %s", (line, text, categoryCode, subType, severity, queue) => {
    expect(triage(line, text)).toMatchObject({ category: categoryCode, subType, severity, queue });
  });
});

describe("classify", () => {
  it("is fully confident when only one category speaks", () => {
    expect(triage("food_delivery", "等了一个多小时还没到，饭都凉了").confidence).toBe(1);
  });

  it("weighs keywords by length and reports the winner's share", () => {
    // delivery: 骑手 + 送餐 + 太慢 = 6 characters; food: 头发 = 2 → delivery with 6 / 8.
    const c = classify(pack("food_delivery"), "骑手送餐太慢，而且菜里有头发");
    expect(c.category.code).toBe("delivery");
    expect(c.confidence).toBe(0.75);
  });

  it("falls back to the pack's first category with no confidence when nothing matches", () => {
    const c = classify(pack("food_delivery"), "你好，我想问一下");
    expect(c).toEqual({ category: pack("food_delivery").categories[0], subType: null, confidence: 0 });
  });

  it("does not take a negated keyword as the subject of the complaint", () => {
    const c = classify(pack("food_delivery"), "没有异物，就是有点凉");
    expect(c.category.code).not.toBe("food");
    expect(c.subType).toBeNull();
    expect(c.confidence).toBe(0);
  });

  it("classifies the same words differently per business line", () => {
    expect(triage("food_delivery", "送错了，不是我点的").category).toBe("delivery");
    expect(triage("fresh_food", "发错了，不是我买的").subType).toBe("wrong_item");
    expect(triage("ecommerce", "快递一直不更新").subType).toBe("late");
  });
});

describe("subTypeOf", () => {
  it("picks the sub-type with the longest keyword cover inside the given category", () => {
    // 划痕 (damaged, 2) vs 小划痕 (slight_flaw, 3).
    expect(subTypeOf(pack("ecommerce"), category("ecommerce", "quality"), "有一道小划痕")?.code).toBe(
      "slight_flaw",
    );
    expect(subTypeOf(pack("ecommerce"), category("ecommerce", "quality"), "屏幕有划痕")?.code).toBe(
      "damaged",
    );
  });

  it("answers null when the text matches no sub-type of the category", () => {
    expect(subTypeOf(pack("food_delivery"), category("food_delivery", "food"), "等了两个小时")).toBeNull();
  });

  it("honours negations", () => {
    expect(
      subTypeOf(pack("food_delivery"), category("food_delivery", "food"), "没有异物，只是不太好吃"),
    ).toBeNull();
  });

  it("follows a category the customer chose, not the one the text suggests", () => {
    const sub = subTypeOf(
      pack("food_delivery"),
      category("food_delivery", "packaging"),
      "盖子没盖好，汤洒了",
    );
    expect(sub?.code).toBe("leaking");
  });
});

describe("severityOf", () => {
  const severity = (
    line: BusinessLine,
    description: string,
    urgent = false,
    subType: string | null = null,
  ) => {
    const p = pack(line);
    const sub =
      subType === null
        ? null
        : (p.categories.flatMap((c) => c.subTypes).find((s) => s.code === subType) ?? null);
    return severityOf(p, { description, urgent, subType: sub });
  };

  it("makes a negated foreign object not serious", () => {
    expect(severity("food_delivery", "没有异物，就是有点凉")).not.toBe("serious");
    expect(triage("food_delivery", "没有异物，就是有点凉").severity).toBe("general");
  });

  it("takes any serious keyword as serious, whatever the sub-type", () => {
    expect(severity("food_delivery", "骑手送餐太慢，而且菜里有头发", false, "late")).toBe("serious");
    expect(severity("food_delivery", "饭里有玻璃碴", false, null)).toBe("serious");
  });

  it("lets a serious signal win over a minor one", () => {
    expect(triage("food_delivery", "轻微破损，但是里面有虫子").severity).toBe("serious");
    expect(severity("food_delivery", "包装有点瘪，饭里有苍蝇", false, "slight_damage")).toBe("serious");
  });

  it("takes the severity of a sub-type that is serious by its nature", () => {
    expect(severity("food_delivery", "饭菜", false, "contaminated")).toBe("serious");
    expect(severity("ecommerce", "这个东西", false, "counterfeit")).toBe("serious");
  });

  it("makes urgent b2b requests serious (urgentIsSerious) but not urgent food-delivery ones", () => {
    expect(pack("b2b_food_supply").severityRules.urgentIsSerious).toBe(true);
    expect(triage("b2b_food_supply", "周一那批蔬菜送货晚了，影响营业", true).severity).toBe("serious");
    expect(triage("b2b_food_supply", "周一那批蔬菜送货晚了，影响营业", false).severity).toBe("general");
    expect(pack("food_delivery").severityRules.urgentIsSerious).toBe(false);
    expect(triage("food_delivery", "等了一个多小时还没到，饭都凉了", true).severity).toBe("general");
  });

  it("knows the minor cases by sub-type or by keyword", () => {
    expect(severity("food_delivery", "盒子", false, "slight_damage")).toBe("minor");
    expect(severity("food_delivery", "汤洒了一点点", false, "leaking")).toBe("minor");
    expect(severity("fresh_food", "标签有点模糊", false, "label_problem")).toBe("minor");
  });

  it("does not count a negated minor keyword", () => {
    expect(severity("food_delivery", "汤洒了，不是一点点，是一大半", false, "leaking")).toBe("general");
  });

  it("is general otherwise", () => {
    expect(severity("fresh_food", "买的虾少发了一盒", false, "missing_item")).toBe("general");
  });
});

describe("queueOf", () => {
  it.each(
    [...packs.values()].map((p) => [p.businessLine, p.thresholds.repeatComplainant.minPrevious] as const),
  )(
    "%s: a customer with %i previous complaints goes to a supervisor, one fewer does not",
    (line, minPrevious) => {
      for (const c of pack(line).categories) {
        expect(queueOf(pack(line), c, minPrevious)).toBe("supervisor");
        expect(queueOf(pack(line), c, minPrevious + 4)).toBe("supervisor");
        expect(queueOf(pack(line), c, minPrevious - 1)).toBe(c.queue);
        expect(queueOf(pack(line), c, 0)).toBe(c.queue);
      }
    },
  );

  it("uses each pack's own threshold (3 in food delivery, 5 in b2b)", () => {
    expect(triage("food_delivery", "等了一个多小时还没到，饭都凉了", false, 3).queue).toBe("supervisor");
    expect(triage("food_delivery", "等了一个多小时还没到，饭都凉了", false, 2).queue).toBe("rider_logistics");
    expect(triage("b2b_food_supply", "周一那批蔬菜送货晚了，影响营业", false, 4).queue).toBe(
      "rider_logistics",
    );
    expect(triage("b2b_food_supply", "周一那批蔬菜送货晚了，影响营业", false, 5).queue).toBe("supervisor");
  });

  it("sends delivery to riders, food and packaging to the merchant, attitude to customer service", () => {
    expect(category("food_delivery", "delivery").queue).toBe("rider_logistics");
    expect(category("food_delivery", "food").queue).toBe("merchant_verification");
    expect(category("food_delivery", "packaging").queue).toBe("merchant_verification");
    expect(category("food_delivery", "service_attitude").queue).toBe("customer_service");
  });
});
