import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  parseWechatXml,
  signatureValid,
  textReplyXml,
  timestampFresh,
  wechatAnswer,
  wechatSignature,
} from "./wechat.domain.ts";

const links = {
  formUrl: "https://s.example/h5/new?channel=wechat",
  mineUrl: "https://s.example/h5/mine",
  serviceHours: "工作日 09:00–21:00",
};

describe("WeChat server protocol", () => {
  it("signs as WeChat documents it: sha1 of the sorted token, timestamp and nonce", () => {
    const expected = createHash("sha1")
      .update(["1409304348", "xxxxxx", "token"].sort().join(""))
      .digest("hex");
    expect(wechatSignature("token", "1409304348", "xxxxxx")).toBe(expected);
    expect(signatureValid("token", { signature: expected, timestamp: "1409304348", nonce: "xxxxxx" })).toBe(
      true,
    );
    expect(signatureValid("token", { signature: expected, timestamp: "1409304349", nonce: "xxxxxx" })).toBe(
      false,
    );
    expect(signatureValid("token", { timestamp: "1", nonce: "2" })).toBe(false);
    expect(timestampFresh("1000", 1200)).toBe(true);
    expect(timestampFresh("1000", 2000)).toBe(false);
  });

  it("reads flat CDATA XML and refuses DTDs", () => {
    const xml =
      "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime><Content><![CDATA[a < b & c]]></Content><MsgId>1</MsgId></xml>";
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: "gh_1",
      CreateTime: "1348831860",
      Content: "a < b & c",
      MsgId: "1",
    });
    expect(
      parseWechatXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>'),
    ).toBeNull();
    expect(parseWechatXml("not xml")).toBeNull();
  });

  it("writes a passive reply that survives ]]> in the text", () => {
    const xml = textReplyXml("o_1", "gh_1", 1, "x]]>y");
    expect(parseWechatXml(xml)?.Content).toBe("x]]>y");
  });

  it("answers from the FAQ when confident, else hands over with the form link", () => {
    const text = { MsgType: "text", Content: "餐没到怎么办" };
    expect(wechatAnswer(text, { answered: true, text: "预计送达", wantsPerson: false }, links)).toBe(
      "预计送达",
    );
    expect(wechatAnswer(text, { answered: false, text: null, wantsPerson: false }, links)).toContain(
      links.formUrl,
    );
    expect(wechatAnswer(text, { answered: true, text: "转人工", wantsPerson: true }, links)).toContain(
      "人工客服",
    );
    expect(wechatAnswer({ MsgType: "event", Event: "CLICK" }, null, links)).toContain(links.formUrl);
  });

  it("gives the my-requests link to a customer asking where their requests are, by text or the menu", () => {
    const confident = { answered: true, text: "预计送达", wantsPerson: false };
    for (const Content of ["我的售后", "查进度？", " 查询进度 ", "处理进度"])
      expect(wechatAnswer({ MsgType: "text", Content }, confident, links)).toContain(links.mineUrl);
    expect(
      wechatAnswer({ MsgType: "event", Event: "CLICK", EventKey: "MY_REQUESTS" }, null, links),
    ).toContain(links.mineUrl);
    // A question that merely mentions progress is the bot's.
    expect(wechatAnswer({ MsgType: "text", Content: "退款进度怎么这么慢，餐没到" }, confident, links)).toBe(
      "预计送达",
    );
  });
});
