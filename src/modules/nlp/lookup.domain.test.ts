import { describe, expect, it } from "vitest";
import { charClass, FirstUnitIndex } from "./lookup.domain.ts";
import { ClauseMoods, moodAt } from "./text.domain.ts";

describe("precompiled lookups", () => {
  it("tests a character class per character, inside and outside the basic plane", () => {
    const han = charClass(/\p{Script=Han}/u);
    expect([han("虫"), han("虫"), han("a"), han("𠀀"), han("😀")]).toEqual([true, true, false, true, false]);
  });

  it("lists the words that may start at a character, in the order given", () => {
    const index = new FirstUnitIndex(["没有", "不", "没", ""]);
    expect(index.candidates("没".charCodeAt(0))).toEqual([0, 2]);
    expect(index.candidates("a".charCodeAt(0))).toEqual([]);
    expect([index.foundIn("有没"), index.foundIn("有虫"), index.foundIn("")]).toEqual([true, false, false]);
  });
});

describe("moods of a clause", () => {
  it("reads only what lies before the position, as clause.slice(0, at) would", () => {
    const clause = "没有异物";
    expect(moodAt(clause, 2)).toBe("negated");
    expect(moodAt(clause, 0)).toBe("asserted");
    expect(moodAt(clause, 99)).toBe(moodAt(clause, clause.length));
    expect(moodAt(clause, -2)).toBe(moodAt(clause, 2));
  });

  it("answers every position from one reading of the clause as a fresh reading would", () => {
    const clause = "如果不是没有发现异物但是有头发会员一会儿会坏";
    const moods = new ClauseMoods(clause);
    for (let at = 0; at <= clause.length; at++) expect(moods.at(at)).toBe(moodAt(clause, at));
  });
});
