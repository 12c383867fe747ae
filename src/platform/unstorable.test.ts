import { describe, expect, it } from "vitest";
import { storable, unstorableFields } from "./unstorable.ts";

const fields = (value: unknown, path = "") => unstorableFields(value, path).map((u) => u.field);

describe("unstorableFields", () => {
  it("names each string holding a NUL or a lone surrogate by its dotted path, in the order sent", () => {
    expect(
      fields({
        phone: "138\u0000",
        ok: "fine 🧨",
        answers: [{ text: "a" }, { text: "\ud83db" }],
        n: 1,
        no: null,
      }),
    ).toEqual(["phone", "answers.1.text"]);
  });

  it("names each number past 2^53 or infinite (as `1e309` parses to), with its own problem", () => {
    const sent = {
      offset: JSON.parse("1e309"),
      level: -Infinity,
      big: 1e300,
      nan: Number.NaN,
      ok: 2 ** 53 - 1,
    };
    expect(unstorableFields(sent, "")).toEqual([
      { field: "offset", problem: "OUT_OF_RANGE" },
      { field: "level", problem: "OUT_OF_RANGE" },
      { field: "big", problem: "OUT_OF_RANGE" },
      { field: "nan", problem: "OUT_OF_RANGE" },
    ]);
  });

  it("names a key that holds one, and a whole string under the name it is given", () => {
    expect(fields({ "k\u0000": { deep: "v" } })).toEqual(["k\u0000"]);
    expect(fields("<xml>\u0000</xml>", "body")).toEqual(["body"]);
  });

  it("finds nothing in clean text (paired surrogates included), numbers, null or bytes", () => {
    expect(
      fields({ a: "退款🙏", b: [1, -0, 0.5, -(2 ** 53) + 1, true, null], c: Buffer.from([0, 0]) }),
    ).toEqual([]);
    expect(fields(undefined)).toEqual([]);
  });

  it("walks a body nested far deeper than the call stack would allow", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(fields(deep)).toHaveLength(1);
  });
});

describe("storable", () => {
  it("drops NUL characters, mends lone surrogates and keeps the rest", () => {
    expect(storable("退\u0000款\u0000")).toBe("退款");
    expect(storable("a\ud800b")).toBe("a\ufffdb");
    expect(storable("clean 🧨")).toBe("clean 🧨");
  });
});
