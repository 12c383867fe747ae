import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The WeChat official account's server protocol (plaintext mode): the token signature on every call,
 * the flat XML of messages and passive replies, and what the bot answers. Pure.
 */

/** sha1 of token, timestamp and nonce sorted and joined: how WeChat signs each call to our server. */
export const wechatSignature = (token: string, timestamp: string, nonce: string): string =>
  createHash("sha1").update([token, timestamp, nonce].sort().join("")).digest("hex");

/** Compared in constant time, so the signature cannot be guessed a character at a time. */
export function signatureValid(token: string, q: { signature?: string; timestamp?: string; nonce?: string }) {
  if (!q.signature || !q.timestamp || !q.nonce) return false;
  const expected = Buffer.from(wechatSignature(token, q.timestamp, q.nonce));
  const given = Buffer.from(q.signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** WeChat retries a call for about 15 s; an older timestamp is a replay. */
export const timestampFresh = (timestamp: string, nowSeconds: number, windowSeconds = 300) =>
  /^\d{1,12}$/.test(timestamp) && Math.abs(nowSeconds - Number(timestamp)) <= windowSeconds;

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * WeChat's messages are one level of elements under <xml>, values in CDATA or plain text. That is all this
 * reads: no DTD, no entity definitions (a DOCTYPE is refused outright), no nesting kept.
 */
export function parseWechatXml(xml: string): Record<string, string> | null {
  if (xml.length > 64 * 1024 || /<!DOCTYPE|<!ENTITY/i.test(xml)) return null;
  const body = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml)?.[1];
  if (body === undefined) return null;
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/<([A-Za-z][A-Za-z0-9_]*)>([\s\S]*?)<\/\1>/g)) {
    const raw = m[2]!.trim();
    // A value may be split over several CDATA sections (how "]]>" itself is written).
    out[m[1]!] = raw.startsWith("<![CDATA[")
      ? raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
      : raw.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);
  }
  return out;
}

/** CDATA cannot hold "]]>": split it across two sections. */
const cdata = (value: string) => `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

/** A passive text reply: from our account to the user who wrote, within the same HTTP answer. */
export function textReplyXml(
  toUser: string,
  fromAccount: string,
  nowSeconds: number,
  content: string,
): string {
  return `<xml><ToUserName>${cdata(toUser)}</ToUserName><FromUserName>${cdata(fromAccount)}</FromUserName><CreateTime>${nowSeconds}</CreateTime><MsgType>${cdata("text")}</MsgType><Content>${cdata(content)}</Content></xml>`;
}

export interface BotAnswer {
  answered: boolean;
  text: string | null;
  /** The customer asked for a person ("转人工"). */
  wantsPerson: boolean;
}

/** "Where is my request?" in the words customers type, or the account menu's button for it. */
const ASKS_FOR_REQUESTS =
  /^(我的售后|我的申请|我的售后申请|查进度|查询进度|进度查询|售后进度|处理进度)[？?。.!！\s]*$/;
export const MY_REQUESTS_MENU_KEY = "MY_REQUESTS";

/**
 * What the account answers: asking for one's requests gets the "my requests" link; a text gets the
 * FAQ's answer when the bot is confident, else the hand-over with the form link; a menu click, a follow
 * or anything else (a photo, a voice note) gets the form link.
 */
export function wechatAnswer(
  message: Record<string, string>,
  bot: BotAnswer | null,
  links: { formUrl: string; mineUrl: string; serviceHours: string },
): string {
  const { formUrl, mineUrl, serviceHours } = links;
  const form = `请点击填写售后申请，上传照片，我们将尽快处理：${formUrl}`;
  const asksForRequests =
    (message.MsgType === "text" && ASKS_FOR_REQUESTS.test((message.Content ?? "").trim())) ||
    (message.MsgType === "event" && message.Event === "CLICK" && message.EventKey === MY_REQUESTS_MENU_KEY);
  if (asksForRequests)
    return `凭提交申请时的手机号和短信验证码，即可查看您的全部售后申请及处理进度：${mineUrl}`;
  if (message.MsgType === "event") {
    if (message.Event === "subscribe") return `欢迎关注！遇到售后问题可直接留言，或${form}`;
    return form;
  }
  if (message.MsgType === "text" && bot?.answered && bot.text && !bot.wantsPerson) return bot.text;
  if (message.MsgType === "text") return `这个问题需要人工客服为您处理（服务时间：${serviceHours}）。${form}`;
  return `已收到您的消息。${form}`;
}
