import { describe, expect, it } from "vitest";
import { arabicNumerals, chineseNumeral, normalise, stripEmoji, toSimplified } from "./normalise.ts";
import { segment } from "./segment.ts";

describe("normalise", () => {
  it("turns full-width letters, digits and punctuation into half width and lower case", () => {
    expect(normalise("ＡＢＣ１２３，ＯＫ！")).toBe("abc123,ok!");
  });

  it.each([
    ["菜裡吃出一根頭髮", "菜里吃出一根头发"],
    ["外賣員遲到快一小時，飯都涼了", "外卖员迟到快1小时,饭都凉了"],
    ["肉變質了", "肉变质了"],
    ["豬肉有異味", "猪肉有异味"],
    ["騎手態度很差還罵人", "骑手态度很差还骂人"],
    ["螢幕裂了", "萤幕裂了"],
    ["湯灑了", "汤洒了"],
  ])("reads traditional characters as simplified: %s", (traditional, simplified) => {
    expect(normalise(traditional)).toBe(simplified);
  });

  it("leaves simplified text and other scripts alone", () => {
    expect(toSimplified("等了一个多小时还没到 iPhone")).toBe("等了一个多小时还没到 iPhone");
  });

  it("removes emoji, skin tones, joined emoji and typed WeChat stickers", () => {
    expect(normalise("饭凉了😡😡👍🏻 [捂脸][流泪] 👨‍👩‍👧")).toBe("饭凉了");
    expect(stripEmoji("还没到❤️")).toBe("还没到 ");
  });

  it("writes Chinese numerals before a unit as digits", () => {
    expect(arabicNumerals("等了两个小时")).toBe("等了2个小时");
    expect(arabicNumerals("超时三十分钟")).toBe("超时30分钟");
    expect(arabicNumerals("一个多小时")).toBe("1个多小时");
    expect(arabicNumerals("两百五十元")).toBe("250元");
    // Not a quantity: left as written.
    expect(arabicNumerals("一点点")).toBe("一点点");
    expect(arabicNumerals("一股怪味")).toBe("一股怪味");
  });

  it.each([
    ["三十", 30],
    ["十五", 15],
    ["两百五", 250],
    ["一百零五", 105],
    ["一万二千", 12000],
    ["零", 0],
  ])("reads the numeral %s as %i", (numeral, value) => {
    expect(chineseNumeral(numeral)).toBe(value);
  });

  it("maps internet spellings and common typos to the word meant", () => {
    expect(normalise("木有异物")).toBe("没有异物");
    expect(normalise("拉肚纸了")).toBe("拉肚子了");
    expect(normalise("饭里有只苍绳")).toBe("饭里有只苍蝇");
    expect(normalise("菜里有个蟑郎")).toBe("菜里有个蟑螂");
    // "大米有霉味" must not become "大没有霉味".
    expect(normalise("大米有霉味")).toBe("大米有霉味");
  });

  it("collapses repeated punctuation and spaces", () => {
    expect(normalise("  还没到！！！！   怎么回事？？？ ")).toBe("还没到! 怎么回事?");
  });
});

describe("segment", () => {
  it("keeps the domain's words whole thanks to the domain dictionary", () => {
    expect(segment(normalise("快递显示已签收但我没收到"))).toContain("没收到");
    expect(segment(normalise("充电宝充不进电"))).toEqual(["充电宝", "充不进电"]);
    expect(segment(normalise("我们单位好几个人都拉肚子"))).toContain("拉肚子");
  });

  it("drops punctuation and spaces", () => {
    expect(segment("汤洒了, 没有异物")).toEqual(["汤", "洒了", "没有", "异物"]);
  });
});
