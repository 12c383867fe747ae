import { describe, expect, it } from "vitest";
import { nulFields, withoutNul } from "./nul.ts";

describe("nulFields", () => {
  it("names each string holding a NUL by its dotted path, at any depth", () => {
    expect(
      nulFields(
        { phone: "138\u0000", ok: "fine", answers: [{ text: "a" }, { text: "\u0000b" }], n: 1, no: null },
        "",
      ),
    ).toEqual(["phone", "answers.1.text"]);
  });

  it("names a key that holds one, and a whole string under the name it is given", () => {
    expect(nulFields({ "k\u0000": "v" }, "")).toEqual(["k\u0000"]);
    expect(nulFields("<xml>\u0000</xml>", "body")).toEqual(["body"]);
  });

  it("finds nothing in clean input, numbers, null or bytes", () => {
    expect(nulFields({ a: "x", b: [1, true, null], c: Buffer.from([0, 0]) }, "")).toEqual([]);
    expect(nulFields(undefined, "")).toEqual([]);
  });
});

describe("withoutNul", () => {
  it("drops NUL characters and keeps the rest", () => {
    expect(withoutNul("退\u0000款\u0000")).toBe("退款");
    expect(withoutNul("clean")).toBe("clean");
  });
});
