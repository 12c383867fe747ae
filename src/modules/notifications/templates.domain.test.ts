import { describe, expect, it } from "vitest";
import { SHIPPED_TEMPLATES } from "./shipped-templates.ts";
import {
  LOCALES,
  NOTICE_KINDS,
  pickTemplate,
  render,
  templateId,
  templateProblems,
} from "./templates.domain.ts";

describe("rendering", () => {
  it("fills every placeholder, spaces inside the braces allowed, and blanks a missing value", () => {
    expect(
      render("单号 {{ticketNo}}，状态：{{ status }}。{{reason}}", { ticketNo: "FD1", status: "已解决" }),
    ).toBe("单号 FD1，状态：已解决。");
  });
});

describe("an admin's template", () => {
  it("may use only the variables its kind offers, and says which one is unknown", () => {
    expect(
      templateProblems("reply", "sms", { subject: null, body: "{{ticketNo}}: {{reply}} {{refundAmount}}" }),
    ).toEqual([{ field: "body", code: "UNKNOWN_VARIABLE", variable: "refundAmount" }]);
    expect(templateProblems("reply", "sms", { subject: null, body: "{{ticketNo}}: {{reply}}" })).toEqual([]);
  });

  it("is refused with a malformed placeholder or no text", () => {
    expect(templateProblems("reply", "sms", { subject: null, body: "{{ticket No}} {{reply" })).toEqual([
      { field: "body", code: "MALFORMED_PLACEHOLDER" },
    ]);
    expect(templateProblems("reply", "sms", { subject: null, body: "  " })).toEqual([
      { field: "body", code: "REQUIRED" },
    ]);
  });

  it("needs the ticket number in the subject when e-mail may use it", () => {
    const t = { subject: "客服回复了您", body: "{{reply}}" };
    expect(templateProblems("reply", "email", t)).toEqual([{ field: "subject", code: "TICKET_NO_REQUIRED" }]);
    expect(templateProblems("reply", "*", t)).toEqual([{ field: "subject", code: "TICKET_NO_REQUIRED" }]);
    expect(templateProblems("reply", "sms", t)).toEqual([]);
  });
});

describe("the shipped templates", () => {
  it("cover every kind in both languages and pass the admins' own rules", () => {
    for (const kind of NOTICE_KINDS)
      for (const locale of LOCALES) {
        const t = SHIPPED_TEMPLATES.get(templateId({ businessLine: "*", channel: "*", locale, kind }));
        expect(t, `${kind} ${locale}`).toBeDefined();
        expect(templateProblems(kind, "*", t!), `${kind} ${locale}`).toEqual([]);
      }
  });
});

describe("which template applies", () => {
  const key = { businessLine: "fresh_food", channel: "sms", locale: "zh-CN", kind: "reply" as const };
  const shipped = new Map([
    [templateId({ ...key, businessLine: "*", channel: "*" }), { subject: null, body: "shipped" }],
  ]);

  it("is the most specific one, an admin's edit before the shipped default", () => {
    expect(pickTemplate(key, new Map(), shipped)?.template.body).toBe("shipped");
    const custom = new Map([
      [templateId({ ...key, businessLine: "*", channel: "*" }), { subject: null, body: "every line" }],
      [templateId({ ...key, channel: "*" }), { subject: null, body: "fresh food" }],
    ]);
    expect(pickTemplate(key, custom, shipped)).toMatchObject({
      template: { body: "fresh food" },
      source: "custom",
      key: { businessLine: "fresh_food", channel: "*" },
    });
    custom.set(templateId(key), { subject: null, body: "fresh food SMS" });
    expect(pickTemplate(key, custom, shipped)?.template.body).toBe("fresh food SMS");
  });
});
