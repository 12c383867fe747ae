import { describe, expect, it } from "vitest";
import { parseWechatXml, wechatSignature } from "../src/modules/channels/wechat/wechat.domain.ts";
import { served } from "./helpers/served.ts";

/** The official account's server URL, called as WeChat calls it: signed query, XML body, 5-second limit. */

const TOKEN = "aftersaleWechat2026";
const app = served({ env: { WECHAT_TOKEN: TOKEN } });

function signed(extra: Record<string, string> = {}, token = TOKEN) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const q = new URLSearchParams({
    signature: wechatSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    ...extra,
  });
  return `${app.url}/api/v1/channels/wechat?${q}`;
}

const message = (fields: Record<string, string>) =>
  `<xml><ToUserName><![CDATA[gh_aftersale]]></ToUserName><FromUserName><![CDATA[o_user_1]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>${Object.entries(
    fields,
  )
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join("")}</xml>`;

async function post(url: string, xml: string) {
  const started = Date.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "text/xml" }, body: xml });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    text: await res.text(),
    ms: Date.now() - started,
  };
}

describe("WeChat official account", () => {
  it("verifies the server URL by echoing echostr, and refuses a wrong signature", async () => {
    const ok = await fetch(signed({ echostr: "8734562871" }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("8734562871");
    const bad = await fetch(signed({ echostr: "8734562871" }, "someoneelse"));
    expect(bad.status).toBe(401);
  });

  it("answers a text with the FAQ's answer in a passive XML reply within 5 seconds", async () => {
    const r = await post(signed(), message({ MsgType: "text", Content: "餐没到怎么办", MsgId: "1001" }));
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(5000);
    expect(r.type).toContain("xml");
    const reply = parseWechatXml(r.text)!;
    expect(reply).toMatchObject({ ToUserName: "o_user_1", FromUserName: "gh_aftersale", MsgType: "text" });
    expect(reply.Content).toMatch(/送达|退款|骑手/);
    expect(reply.Content).not.toContain("/h5/new");
  });

  it("hands over with the form link when the bot is not confident, and a menu click gets the form", async () => {
    const unsure = parseWechatXml(
      (await post(signed(), message({ MsgType: "text", Content: "量子纠缠的哲学意义", MsgId: "1002" }))).text,
    )!;
    expect(unsure.Content).toContain("人工客服");
    expect(unsure.Content).toContain(`${app.server.app.ctx.config.publicUrl}/h5/new?channel=wechat`);
    const click = parseWechatXml(
      (await post(signed(), message({ MsgType: "event", Event: "CLICK", EventKey: "AFTERSALE_FORM" }))).text,
    )!;
    expect(click.Content).toContain("/h5/new?channel=wechat");
  });

  it("points a customer asking for their requests to my requests", async () => {
    const asked = parseWechatXml(
      (await post(signed(), message({ MsgType: "text", Content: "我的售后", MsgId: "1003" }))).text,
    )!;
    expect(asked.Content).toContain(`${app.server.app.ctx.config.publicUrl}/h5/mine`);
  });

  it("refuses a message with a bad or missing signature", async () => {
    const forged = await post(signed({}, "forged-token"), message({ MsgType: "text", Content: "你好" }));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text).error.code).toBe("INVALID_SIGNATURE");
    const unsigned = await post(
      `${app.url}/api/v1/channels/wechat`,
      message({ MsgType: "text", Content: "你好" }),
    );
    expect(unsigned.status).toBe(401);
  });
});
