import { describe, expect, it } from "vitest";
import { queueSearch } from "./search.domain.ts";

describe("a queue search", () => {
  it("reads a mobile number written the ways callers say it as that customer's phone", () => {
    for (const q of ["13800138000", " 138 0013 8000 ", "+86 138-0013-8000", "8613800138000"])
      expect(queueSearch(q, true)).toEqual({ term: q.trim(), phone: "13800138000" });
  });

  it("leaves anything else to ticket numbers, order numbers and descriptions", () => {
    for (const q of ["FD2026120700001", "1380013800", "23800138000", "骑手 13800138000", "FDO000123"])
      expect(queueSearch(q, true).phone).toBeNull();
  });

  it("gives no phone match to staff who see phones masked", () => {
    expect(queueSearch("13800138000", false)).toEqual({ term: "13800138000", phone: null });
  });
});
