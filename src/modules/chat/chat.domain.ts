/**
 * What the chat bot does with one customer line, and the limits a chat socket keeps. Pure: the FAQ match
 * and the clock come in as arguments.
 */

export type ChatState = "bot" | "waiting" | "active" | "closed";

/** The longest line a customer or an agent may send; longer ones are refused, not cut. */
export const MAX_MESSAGE_CHARS = 1000;

/** Two unsure answers in a row: the bot has not understood, a person takes over. */
export const UNSURE_TURNS_BEFORE_HANDOVER = 2;

const ASKS_FOR_PERSON = /转人工|人工客服|找人工|真人|人工服务|^人工$|human|agent|real person/i;
const YES = /^(是|是的|好|好的|要|需要|可以|嗯|行|yes|ok|okay|y)[!！。.]?$/i;

export interface FaqAnswer {
  answered: boolean;
  confidence: number;
  text: string | null;
  entryId: string | null;
  /** The matched intent is itself a wish to talk to a person. */
  wantsPerson: boolean;
}

export type BotTurn =
  | { kind: "answer"; text: string; confidence: number; entryId: string | null; unsureTurns: number }
  | { kind: "offer"; confidence: number; unsureTurns: number }
  | { kind: "handover"; reason: "asked" | "unsure" | "accepted_offer" };

/**
 * "转人工" (or yes to our offer) hands over at once; a confident FAQ answer is given; an unsure one is
 * offered a person, and the second unsure turn in a row hands over without asking again.
 */
export function botTurn(
  line: string,
  faq: FaqAnswer | null,
  chat: { unsureTurns: number; offeredPerson: boolean },
): BotTurn {
  const said = line.trim();
  if (ASKS_FOR_PERSON.test(said) || faq?.wantsPerson) return { kind: "handover", reason: "asked" };
  if (chat.offeredPerson && YES.test(said)) return { kind: "handover", reason: "accepted_offer" };
  if (faq?.answered && faq.text)
    return {
      kind: "answer",
      text: faq.text,
      confidence: faq.confidence,
      entryId: faq.entryId,
      unsureTurns: 0,
    };
  const unsureTurns = chat.unsureTurns + 1;
  if (unsureTurns >= UNSURE_TURNS_BEFORE_HANDOVER) return { kind: "handover", reason: "unsure" };
  return { kind: "offer", confidence: faq?.confidence ?? 0, unsureTurns };
}

/** What a line must be before it is stored: text, not blank, not too long. */
export function lineProblem(body: unknown): "EMPTY_MESSAGE" | "MESSAGE_TOO_LONG" | null {
  if (typeof body !== "string" || !body.trim()) return "EMPTY_MESSAGE";
  if ([...body].length > MAX_MESSAGE_CHARS) return "MESSAGE_TOO_LONG";
  return null;
}

/**
 * A token bucket per socket: `burst` lines at once, then one every `refillMs`. Kept as plain numbers so the
 * caller owns the clock.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface Rate {
  burst: number;
  refillMs: number;
}

/** A person types a line a second at most; eight at once covers a paste of several short lines. */
export const CUSTOMER_RATE: Rate = { burst: 8, refillMs: 1000 };
/** An agent accepts a burst of hand-overs after a break and answers several chats at once. */
export const AGENT_RATE: Rate = { burst: 100, refillMs: 20 };

export function takeToken(bucket: Bucket, nowMs: number, rate: Rate) {
  const refilled = Math.min(rate.burst, bucket.tokens + (nowMs - bucket.at) / rate.refillMs);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, at: nowMs } };
  return { allowed: true, bucket: { tokens: refilled - 1, at: nowMs } };
}

/** "138****8000": lists show the agent who waits, not whose number it is. */
export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****";

export interface TranscriptLine {
  sender: "customer" | "bot" | "agent" | "system";
  author: string | null;
  body: string;
  at: Date;
}

const SPEAKER = {
  "zh-CN": { customer: "客户", bot: "机器人", agent: "客服", system: "系统" },
  en: { customer: "Customer", bot: "Bot", agent: "Agent", system: "System" },
} as const;

/** The transcript as text a ticket's description and an agent can read. */
export function transcriptText(lines: readonly TranscriptLine[], locale: "zh-CN" | "en" = "zh-CN"): string {
  return lines
    .map((l) => {
      const who = SPEAKER[locale][l.sender];
      return `${who}${l.author && l.sender === "agent" ? `(${l.author})` : ""}：${l.body}`;
    })
    .join("\n");
}

/** Milliseconds from the customer's request for a person to an agent's acceptance. */
export const handoverMs = (requestedAt: Date | null, acceptedAt: Date | null): number | null =>
  requestedAt && acceptedAt ? Math.max(0, acceptedAt.getTime() - requestedAt.getTime()) : null;

/**
 * What the ticket says the problem is: the customer's own lines (triage reads them, not the bot's
 * answers); when they are too short for the line's form rule, the whole conversation. Capped at `maxChars`.
 */
export function ticketDescription(
  lines: readonly TranscriptLine[],
  minChars: number,
  maxChars: number,
): string {
  const own = lines
    .filter((l) => l.sender === "customer")
    .map((l) => l.body.trim())
    .join("；");
  const text = [...own].length >= minChars ? own : transcriptText(lines);
  return [...text].slice(0, maxChars).join("");
}
