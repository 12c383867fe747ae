import { describe, expect, it } from "vitest";
import { loadPacks } from "../../policy-packs/load.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { normalise } from "./normalise.ts";
import { readSeverity } from "./severity.domain.ts";
import { clausesOf, moodAt } from "./text.domain.ts";

const packs = loadPacks();
const read = (line: BusinessLine, text: string) =>
  readSeverity(normalise(text), line, packs.get(line)!.severityRules);
const severity = (line: BusinessLine, text: string) => read(line, text).severity;

describe("mood of a signal", () => {
  const mood = (text: string, term: string) => {
    const clause = clausesOf(normalise(text)).find((c) => c.includes(term))!;
    return moodAt(clause, clause.indexOf(term));
  };

  it.each([
    ["没有异物", "异物"],
    ["检查了一下没发现异物", "异物"],
    ["没有发现任何异物", "异物"],
    ["并没有拉肚子", "拉肚子"],
    ["无异物", "异物"],
    ["不是变质", "变质"],
    ["闻着不臭", "臭"],
    ["放了一个月都不生虫", "虫"],
    ["木有异物", "异物"],
  ])("denied: %s", (text, term) => {
    expect(mood(text, term)).toBe("negated");
  });

  it.each([
    ["如果有虫怎么办", "虫"],
    ["会不会变质", "变质"],
    ["夏天放常温会变质吗", "变质"],
    ["万一吃了拉肚子呢", "拉肚子"],
    ["怎么保存才不会发霉", "发霉"],
    ["面粉怎么存放防止生虫", "虫"],
    ["如果收到的时候已经变质了能退吗", "变质"],
    ["要是变质了怎么办", "变质"],
  ])("supposed, not said: %s", (text, term) => {
    expect(mood(text, term)).toBe("hypothetical");
  });

  it.each([
    ["没想到菜里有根头发", "头发"],
    ["不知道是不是变质了 闻着酸酸的", "变质"],
    ["里面有没有虫啊 好多黑点", "虫"],
    ["有不明异物", "异物"],
    ["有不少虫子", "虫"],
    ["没有异物但是有头发", "头发"],
    ["吃出一只虫 我一会儿就拉肚子了", "拉肚子"],
    ["不停地拉肚子", "拉肚子"],
  ])("said: %s", (text, term) => {
    expect(mood(text, term)).toBe("asserted");
  });
});

describe("severity reader", () => {
  it("reads food-safety and health signals as serious", () => {
    expect(severity("food_delivery", "菜里吃出一根头发")).toBe("serious");
    expect(severity("fresh_food", "收到的牛排一股怪味")).toBe("serious");
    expect(severity("food_delivery", "吃完上吐下泻")).toBe("serious");
    expect(severity("b2b_food_supply", "这批土豆发芽了")).toBe("serious");
    expect(severity("ecommerce", "充电宝充电时冒烟了")).toBe("serious");
    expect(severity("ecommerce", "面霜擦了过敏")).toBe("serious");
  });

  it("does not count a denied signal: 没有异物，就是有点凉", () => {
    const r = read("food_delivery", "没有异物，就是有点凉");
    expect(r.severity).toBe("general");
    expect(r.cancelled).toBe(true);
    expect(r.signals).toContainEqual({ term: "异物", kind: "food_safety", mood: "negated" });
  });

  it("does not count a hypothetical: 如果有虫怎么办, 会不会变质", () => {
    expect(severity("fresh_food", "如果有虫怎么办")).toBe("general");
    expect(severity("fresh_food", "榴莲放冰箱会不会变质")).toBe("general");
    expect(read("fresh_food", "会不会变质").cancelled).toBe(true);
  });

  it("counts a signal said anywhere, even after a denied one", () => {
    expect(severity("food_delivery", "商家说没有异物，可我明明吃出了头发")).toBe("serious");
    expect(severity("fresh_food", "收到就发霉了，如果吃了会不会拉肚子")).toBe("serious");
  });

  it("reads traditional characters and typos", () => {
    expect(severity("food_delivery", "飯菜變質了")).toBe("serious");
    expect(severity("food_delivery", "拉肚纸了")).toBe("serious");
    expect(severity("food_delivery", "饭里有只苍绳")).toBe("serious");
  });

  it("sees many people affected: 我们单位好几个人都拉肚子", () => {
    const r = read("b2b_food_supply", "我们单位好几个人都拉肚子");
    expect(r.severity).toBe("serious");
    expect(r.massAffected).toBe(true);
    expect(r.serious).toContain("拉肚子");
    expect(read("food_delivery", "宿舍四个人一起点的 全都拉肚子了").massAffected).toBe(true);
    expect(read("food_delivery", "吃完全家都拉肚子").massAffected).toBe(true);
    expect(read("food_delivery", "我1个人在家等外卖").massAffected).toBe(false);
  });

  it("ignores words that only look like signals", () => {
    expect(severity("food_delivery", "等外卖等得饿坏了")).toBe("general");
    expect(severity("food_delivery", "点了毛肚和臭豆腐，送得太慢")).toBe("general");
    expect(severity("fresh_food", "快递暴力运输 箱子压坏了")).toBe("general");
    expect(severity("food_delivery", "真倒霉 又超时了")).toBe("general");
    expect(severity("food_delivery", "骑手讲脏话")).toBe("general");
  });

  it("reads the pack's minor signals as minor", () => {
    expect(severity("food_delivery", "包装盒有点瘪，饭菜都还好")).toBe("minor");
    expect(severity("ecommerce", "屏幕上有一道小划痕，不影响使用")).toBe("minor");
  });

  it("counts every serious keyword of the pack, so it is never less sensitive than the pack's rules", () => {
    for (const [line, pack] of packs)
      for (const keyword of pack.severityRules.seriousKeywords)
        expect(severity(line, `这次${keyword}了`), `${line}: ${keyword}`).toBe("serious");
  });
});
