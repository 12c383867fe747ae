import { describe, expect, it } from "vitest";
import { checkEntry, renderMacro, variablesOf } from "./knowledge.domain.ts";

describe("canned replies", () => {
  it("fills variables and lists the ones without a value", () => {
    const template =
      "{{customerName}}您好，已为您退款{{amount}}元，服务单{{ticketNo}}。{{customerName}}请查收。";
    expect(variablesOf(template)).toEqual(["customerName", "amount", "ticketNo"]);
    expect(renderMacro(template, { customerName: "王女士", amount: 25.5 })).toEqual({
      text: "王女士您好，已为您退款25.5元，服务单{{ticketNo}}。王女士请查收。",
      missing: ["ticketNo"],
    });
  });
});

describe("a knowledge entry", () => {
  const faq = {
    kind: "faq" as const,
    businessLines: ["food_delivery"],
    title: "餐没到怎么办？",
    body: "预计{{eta}}送达，请耐心等待",
    tags: [],
    data: { intent: "delivery_eta", variants: ["还没到"] },
  };

  it("is accepted when complete", () => {
    const checked = checkEntry(faq);
    expect(checked.ok).toBe(true);
  });

  it("reports every problem at once", () => {
    const checked = checkEntry({ kind: "faq", businessLines: ["moon"], title: "", body: "", data: {} });
    expect(checked.ok).toBe(false);
    if (!checked.ok)
      expect(checked.details.map((d) => d.field).sort()).toEqual([
        "body",
        "businessLines",
        "data.intent",
        "title",
      ]);
  });

  it("cannot change its kind", () => {
    const checked = checkEntry({ ...faq, kind: "guide" }, { kind: "faq" });
    expect(checked.ok).toBe(false);
  });

  it("as a macro lists the variables its template names", () => {
    const checked = checkEntry({
      kind: "macro",
      businessLines: ["*"],
      title: "退款完成",
      body: "{{customerName}}您好，退款{{amount}}元已到账",
      data: { variables: ["wrong"] },
    });
    expect(checked.ok && checked.entry.data.variables).toEqual(["customerName", "amount"]);
  });
});
