import { describe, expect, it } from "vitest";
import {
  describe as describeMail,
  findOrderNumbers,
  findPhones,
  isAutomated,
  missingDetailsReply,
  ownWords,
  rawHeader,
  threadReferences,
  ticketNumbersIn,
} from "./email.domain.ts";

describe("reading a customer's mail", () => {
  it("finds order numbers, labelled ones first, never a service number", () => {
    expect(findOrderNumbers("服务单 FD20261125000001 还没处理，订单号：ecO000123 另一个 FDO000001")).toEqual([
      "ECO000123",
      "FDO000001",
    ]);
    expect(findOrderNumbers("Order number: FFO000042.")).toEqual(["FFO000042"]);
    expect(findOrderNumbers("订单没到，等了很久")).toEqual([]);
  });

  it("finds mobile numbers in the ways people write them, not digits inside an order number", () => {
    expect(findPhones("电话 +86 138-0013-8000，备用 139 0000 1111")).toEqual(["13800138000", "13900001111"]);
    expect(findPhones("订单 T13800138000123")).toEqual([]);
    expect(findPhones("座机 010-12345678")).toEqual([]);
  });

  it("threads by the service number in the subject or our Message-IDs in the references", () => {
    expect(ticketNumbersIn("Re: 【FD20261125000001】您的售后申请已受理")).toEqual(["FD20261125000001"]);
    expect(
      threadReferences([
        "<notice-mail-12.FF20261125000003@aftersale.test>",
        "<notice-mail-7@aftersale.test>",
        "<x@y>",
      ]),
    ).toEqual({ ticketNos: ["FF20261125000003"], askedMailIds: ["7"] });
  });

  it("keeps the customer's own words, without the quoted history or the signature", () => {
    const body = "补充：电话打不通\n\n在 2026年11月25日 写道：\n> 您的售后申请已受理\n";
    expect(ownWords(body)).toBe("补充：电话打不通");
    expect(ownWords("hello\n> quoted\nthere\n-- \nLi Lei")).toBe("hello\nthere");
    expect(describeMail("Re: 回复：外卖没到", "等了两个小时")).toBe("外卖没到\n等了两个小时");
  });

  it("reads the Message-ID of a raw message, folded lines included", () => {
    expect(rawHeader("Subject: a\r\nMessage-ID:\r\n <abc@x>\r\n\r\nMessage-ID: <body@x>", "message-id")).toBe(
      "<abc@x>",
    );
    expect(rawHeader("Subject: a\r\n\r\nbody", "message-id")).toBeNull();
  });

  it("never answers robots: bounces, auto-replies, lists", () => {
    const none = () => null;
    expect(isAutomated("mailer-daemon@mx.example", none)).toBe(true);
    expect(isAutomated("li@example.com", (h) => (h === "auto-submitted" ? "auto-replied" : null))).toBe(true);
    expect(isAutomated("li@example.com", (h) => (h === "precedence" ? "bulk" : null))).toBe(true);
    expect(isAutomated("li@example.com", (h) => (h === "auto-submitted" ? "no" : null))).toBe(false);
  });

  it("names each missing field and each refused attachment in the reply", () => {
    const reply = missingDetailsReply(
      "饭里有头发",
      [
        {
          field: "orderNo",
          code: "REQUIRED",
          message: { "zh-CN": "请填写订单号", en: "Please enter the order number" },
        },
      ],
      [{ name: "a.exe", reason: "UNSUPPORTED_FILE_TYPE" }],
      "zh-CN",
    );
    expect(reply.subject).toContain("饭里有头发");
    expect(reply.body).toContain("订单号: 请填写订单号");
    expect(reply.body).toContain("a.exe");
  });
});
