import type { ErrorDetail, Locale } from "../../../platform/errors.ts";
import { MAX_ATTACHMENTS, MAX_DESCRIPTION, normalisePhone } from "../../intake/intake.domain.ts";

/**
 * Reading a customer's e-mail as an after-sales request: which order and phone it names, whether it
 * answers one of our mails (and so belongs to an existing ticket), whether a machine sent it, and the
 * words of our automatic replies. Pure: the caller parses the MIME, looks things up and sends.
 */

/** "FD" + yyyymmdd + six digits: our service numbers, never mistaken for an order number. */
const TICKET_NO = /(?<![A-Za-z0-9])([A-Z]{2}\d{14})(?![A-Za-z0-9])/g;
/** Order systems number orders as a few capitals and digits (FDO000001, EC2026112500123). */
const ORDER_NO = /(?<![A-Za-z0-9])([A-Z]{1,4}\d{6,20})(?![A-Za-z0-9])/g;
const LABELLED_ORDER =
  /(?:订单编号|订单号码|订单号|订单|order\s*(?:no\.?|number|id|#))\s*[:：#]?\s*([A-Za-z0-9][A-Za-z0-9-]{4,39})/gi;
const PHONE = /(?<![A-Za-z0-9])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d{4}){2})(?![0-9])/g;
const LABELLED_PHONE =
  /(?:手机号码|手机号|手机|电话|联系方式|phone|mobile|tel)\s*[:：]?\s*((?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2})(?!\d)/gi;

const unique = (xs: string[]) => [...new Set(xs)];
const isTicketNo = (s: string) => /^[A-Z]{2}\d{14}$/.test(s);

/** Order numbers a mail names, the labelled ones ("订单号：…") first; service numbers are left out. */
export function findOrderNumbers(text: string): string[] {
  const labelled = [...text.matchAll(LABELLED_ORDER)].map((m) => m[1]!.toUpperCase());
  const bare = [...text.matchAll(ORDER_NO)].map((m) => m[1]!);
  return unique([...labelled, ...bare]).filter((s) => !isTicketNo(s) && /\d{4}/.test(s));
}

/** Mainland mobile numbers a mail names, normalised; the labelled ones ("手机：…") first. */
export function findPhones(text: string): string[] {
  const labelled = [...text.matchAll(LABELLED_PHONE)].map((m) => normalisePhone(m[1]!));
  const bare = [...text.matchAll(PHONE)].map((m) => normalisePhone(m[1]!));
  return unique([...labelled, ...bare]);
}

/** Service numbers in a subject ("Re: 【FD20261125000001】…"). */
export const ticketNumbersIn = (subject: string): string[] =>
  unique([...subject.matchAll(TICKET_NO)].map((m) => m[1]!));

/**
 * What the Message-IDs a reply refers to tell: our notices and automatic replies carry the ticket number
 * (`<notice-<id>.<ticketNo>@…>`); a reply to a request for missing details names the mail it asked about
 * (`<notice-mail-<n>@…>`). Other ids may be the customer's own earlier mails, looked up by the caller.
 */
export function threadReferences(ids: readonly string[]): { ticketNos: string[]; askedMailIds: string[] } {
  const ticketNos: string[] = [];
  const askedMailIds: string[] = [];
  for (const id of ids) {
    const ticket = /^<?notice-[^.@\s]+\.([A-Z]{2}\d{14})@/.exec(id);
    if (ticket) ticketNos.push(ticket[1]!);
    const asked = /^<?notice-mail-(\d+)@/.exec(id);
    if (asked) askedMailIds.push(asked[1]!);
  }
  return { ticketNos: unique(ticketNos), askedMailIds: unique(askedMailIds) };
}

/** The Message-ID header of a raw message, read before the message is parsed (to store it once). */
export function rawHeader(raw: string, name: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const wanted = name.toLowerCase();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted)
      return line.slice(colon + 1).trim();
  }
  return null;
}

/**
 * Bounces, out-of-office notices and list mail are never answered: answering them is how two robots
 * mail each other forever (RFC 3834).
 */
export function isAutomated(sender: string, header: (name: string) => string | null): boolean {
  const auto = header("auto-submitted");
  if (auto && auto.toLowerCase() !== "no") return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(header("precedence") ?? "")) return true;
  if (header("list-id") || header("x-autoreply") || header("x-autorespond")) return true;
  return /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@/i.test(sender);
}

const QUOTE_STARTS = [
  /^On .+ wrote:\s*$/,
  /^在.+写道[:：]\s*$/,
  /^-{2,}\s*(Original Message|原始邮件|Forwarded message)\s*-{2,}/i,
  /^-{5,}\s*原始邮件\s*-{5,}/,
  /^(From|发件人)\s*[:：]/,
];

/** The customer's own words: quoted history and the signature cut off. */
export function ownWords(body: string): string {
  const kept: string[] = [];
  for (const line of body.replace(/\r\n/g, "\n").split("\n")) {
    if (QUOTE_STARTS.some((q) => q.test(line.trim())) || line === "-- ") break;
    if (!line.startsWith(">")) kept.push(line);
  }
  return kept
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The description an e-mail gives: its subject and its own words, cut to what intake accepts. */
export function describe(subject: string, words: string): string {
  const topic = subject.replace(/^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+/i, "").trim();
  const full = [topic, words].filter(Boolean).join("\n");
  return [...full].slice(0, MAX_DESCRIPTION).join("");
}

/** A mail with no Chinese in it is answered in English. */
export const localeOfMail = (text: string): Locale => (/\p{Script=Han}/u.test(text) ? "zh-CN" : "en");

export interface RefusedFile {
  name: string;
  reason: "UNSUPPORTED_FILE_TYPE" | "EMPTY_FILE" | "FILE_TOO_LARGE" | "CORRUPT_IMAGE" | "TOO_MANY";
}

const REFUSAL_WORDS: Record<RefusedFile["reason"], Record<Locale, string>> = {
  UNSUPPORTED_FILE_TYPE: {
    "zh-CN": "只接受 JPEG、PNG、WebP 图片和 MP4 视频",
    en: "only JPEG, PNG, WebP images and MP4 videos are accepted",
  },
  EMPTY_FILE: { "zh-CN": "文件是空的", en: "the file is empty" },
  FILE_TOO_LARGE: { "zh-CN": "文件太大", en: "the file is too large" },
  CORRUPT_IMAGE: { "zh-CN": "图片已损坏", en: "the image is damaged" },
  TOO_MANY: {
    "zh-CN": `每次最多 ${MAX_ATTACHMENTS} 个附件`,
    en: `at most ${MAX_ATTACHMENTS} attachments per request`,
  },
};

function refusedText(files: readonly RefusedFile[], locale: Locale): string {
  if (!files.length) return "";
  const lines = files.map((f) => `- ${f.name}: ${REFUSAL_WORDS[f.reason][locale]}`);
  return locale === "en"
    ? `\n\nThese attachments could not be accepted:\n${lines.join("\n")}`
    : `\n\n以下附件未能接收：\n${lines.join("\n")}`;
}

const FIELD_WORDS: Record<string, Record<Locale, string>> = {
  phone: { "zh-CN": "手机号", en: "mobile phone number" },
  orderNo: { "zh-CN": "订单号", en: "order number" },
  description: { "zh-CN": "问题描述", en: "description of the problem" },
  attachmentIds: { "zh-CN": "照片", en: "photos" },
  foreignObject: { "zh-CN": "异物的颜色、形状和大小", en: "the foreign object's colour, shape and size" },
};

export interface MailReply {
  subject: string;
  body: string;
}

/** The answer to a mail that cannot become a request yet: every missing or wrong field, named. */
export function missingDetailsReply(
  subject: string,
  details: readonly ErrorDetail[],
  refused: readonly RefusedFile[],
  locale: Locale,
): MailReply {
  const lines = details.map((d) => {
    const field = FIELD_WORDS[d.field]?.[locale] ?? d.field;
    return `- ${field}: ${d.message[locale]}`;
  });
  const topic = subject.trim() || (locale === "en" ? "your message" : "您的来信");
  return locale === "en"
    ? {
        subject: `Re: ${topic} — a few details are missing`,
        body: `Thank you for writing to us. To register your after-sales request we still need:\n${lines.join("\n")}\n\nPlease reply to this e-mail with them (for example "Order number: FDO000001, phone: 13800138000"); your earlier message is kept.${refusedText(refused, locale)}`,
      }
    : {
        subject: `回复：${topic}（请补充信息）`,
        body: `感谢您的来信。为了受理您的售后申请，还需要以下信息：\n${lines.join("\n")}\n\n请直接回复本邮件补充（例如“订单号：FDO000001，手机号：13800138000”），您之前的邮件内容会一并保留。${refusedText(refused, locale)}`,
      };
}

/** The automatic reply to a registered request: the acknowledgement the web form shows, by mail. */
export function acknowledgementReply(
  ticketNo: string,
  acknowledgement: string,
  refused: readonly RefusedFile[],
  locale: Locale,
): MailReply {
  return {
    subject:
      locale === "en" ? `[${ticketNo}] Your request was received` : `【${ticketNo}】您的售后申请已受理`,
    body: `${acknowledgement}${
      locale === "en"
        ? "\n\nReply to this e-mail to add anything; keep the service number in the subject."
        : "\n\n如需补充，请直接回复本邮件（请保留标题中的服务单号）。"
    }${refusedText(refused, locale)}`,
  };
}
