import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";

/**
 * The official account in safe mode (安全模式), with the test playing WeChat: it encrypts each message with
 * the account's EncodingAESKey and AppID as WeChat documents it (written here from the protocol, not from
 * the server's code), signs the ciphertext, and checks the encrypted passive reply the same way.
 */
const TOKEN = "aftersaleSafe2026";
const APP_ID = "wx1234567890abcdef";
const AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const app = served({ env: { WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, WECHAT_AES_KEY: AES_KEY } });

const sha1 = (...parts: string[]) => createHash("sha1").update(parts.sort().join("")).digest("hex");

/** WeChat's side: random(16) + length(4, big-endian) + message + AppID, PKCS#7 to 32 bytes, AES-256-CBC. */
function weChatEncrypt(xml: string, aesKey = AES_KEY, appId = APP_ID): string {
  const key = Buffer.from(`${aesKey}=`, "base64");
  const msg = Buffer.from(xml);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString("base64");
}

function weChatDecrypt(encrypted: string): { xml: string; appId: string } {
  const key = Buffer.from(`${AES_KEY}=`, "base64");
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, "base64")), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const len = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + len).toString(), appId: plain.subarray(20 + len).toString() };
}

const field = (xml: string, name: string) =>
  new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</${name}>`).exec(xml)?.[1];

async function deliver(content: string, opts: { aesKey?: string; badSignature?: boolean } = {}) {
  const inner = `<xml><ToUserName><![CDATA[gh_aftersale]]></ToUserName><FromUserName><![CDATA[o_safe_user]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>1234567890</MsgId></xml>`;
  const encrypted = weChatEncrypt(inner, opts.aesKey);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const q = new URLSearchParams({
    signature: sha1(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    openid: "o_safe_user",
    encrypt_type: "aes",
    msg_signature: opts.badSignature ? "0".repeat(40) : sha1(TOKEN, timestamp, nonce, encrypted),
  });
  const res = await fetch(`${app.url}/api/v1/channels/wechat?${q}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: `<xml><ToUserName><![CDATA[gh_aftersale]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  });
  return { status: res.status, text: await res.text() };
}

describe("WeChat official account in safe mode", () => {
  it("decrypts the customer's message and answers with a reply WeChat can verify and decrypt", async () => {
    const r = await deliver("转人工");
    expect(r.status).toBe(200);
    const encrypted = field(r.text, "Encrypt")!;
    const timestamp = field(r.text, "TimeStamp")!;
    const nonce = field(r.text, "Nonce")!;
    expect(field(r.text, "MsgSignature")).toBe(sha1(TOKEN, timestamp, nonce, encrypted));
    const reply = weChatDecrypt(encrypted);
    expect(reply.appId).toBe(APP_ID);
    expect(field(reply.xml, "ToUserName")).toBe("o_safe_user");
    expect(field(reply.xml, "FromUserName")).toBe("gh_aftersale");
    // The hand-over answer: a person will take it, with the H5 form link.
    expect(field(reply.xml, "Content")).toContain("/h5/new?channel=wechat");
  });

  it("refuses a ciphertext whose msg_signature does not match, naming it", async () => {
    const r = await deliver("你好", { badSignature: true });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text).error.details[0].field).toBe("msg_signature");
  });

  it("refuses a message encrypted for another account's key", async () => {
    const r = await deliver("你好", { aesKey: "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut" });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.details[0].code).toBe("UNDECRYPTABLE");
  });
});
