import { createHmac, timingSafeEqual } from "node:crypto";
import type { BusinessLine } from "../../../policy-packs/schema.ts";

/**
 * The phone hotline as the CTI reports it: signed events, the IVR menu (1 配送问题, 2 食品问题,
 * 3 投诉建议), a call's life folded from its events, and the hotline's figures. Pure.
 */

/** `X-Cti-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Cti-Timestamp>.<raw body>")>`, compared in constant time. */
export function ctiSignatureValid(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
): boolean {
  if (!timestamp || !signature?.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(signature.slice(7), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const CALL_EVENTS = [
  "call_started",
  "ivr_key",
  "agent_answered",
  "abandoned",
  "recording",
  "call_ended",
] as const;
export type CallEventType = (typeof CALL_EVENTS)[number];

export type IvrTopic = "delivery" | "food" | "complaint";

/** The IVR menu, the same on every line's hotline. */
export const IVR_MENU: Record<string, { topic: IvrTopic; label: string }> = {
  "1": { topic: "delivery", label: "配送问题" },
  "2": { topic: "food", label: "食品问题" },
  "3": { topic: "complaint", label: "投诉建议" },
};

/**
 * The category each IVR topic opens a ticket in, per line. A complaint or suggestion has no category of
 * its own in most lines: there the text decides (triage), hence null.
 */
const TOPIC_CATEGORIES: Record<BusinessLine, Record<IvrTopic, string | null>> = {
  food_delivery: { delivery: "delivery", food: "food", complaint: "service_attitude" },
  fresh_food: { delivery: "delivery", food: "quality", complaint: null },
  b2b_food_supply: { delivery: "delivery_delay", food: "quality", complaint: null },
  ecommerce: { delivery: "logistics", food: "quality", complaint: null },
};

export const ivrTopicOf = (key: string): IvrTopic | null => IVR_MENU[key.trim()]?.topic ?? null;

export const categoryForTopic = (line: BusinessLine, topic: IvrTopic | null): string | null =>
  topic ? (TOPIC_CATEGORIES[line]?.[topic] ?? null) : null;

export interface CallEvent {
  type: CallEventType;
  at: Date;
  key?: string;
  agent?: string;
  recordingUrl?: string;
}

export interface CallState {
  queuedAt: Date | null;
  answeredAt: Date | null;
  abandonedAt: Date | null;
  endedAt: Date | null;
  ivrKey: string | null;
}

export type CallPatch = Partial<{
  ivr_key: string;
  ivr_topic: IvrTopic | null;
  queued_at: Date;
  answered_at: Date;
  agent: string | null;
  abandoned_at: Date;
  ended_at: Date;
  recording_url: string;
}>;

/**
 * What one event changes on its call. Events may come late or twice: the first answer, abandonment and
 * end stand; a call answered is never counted abandoned, nor the other way round.
 */
export function foldCallEvent(call: CallState, e: CallEvent, startedAt: Date): CallPatch {
  switch (e.type) {
    case "ivr_key":
      // The caller leaves the menu for the queue when they choose: waiting starts here.
      return call.queuedAt
        ? {}
        : { ivr_key: e.key ?? "", ivr_topic: ivrTopicOf(e.key ?? ""), queued_at: e.at };
    case "agent_answered":
      return call.answeredAt || call.abandonedAt
        ? {}
        : { answered_at: e.at, agent: e.agent ?? null, ...(call.queuedAt ? {} : { queued_at: startedAt }) };
    case "abandoned":
      return call.answeredAt || call.abandonedAt
        ? {}
        : { abandoned_at: e.at, ...(call.queuedAt ? {} : { queued_at: startedAt }) };
    case "recording":
      return e.recordingUrl ? { recording_url: e.recordingUrl } : {};
    case "call_ended":
      return call.endedAt ? {} : { ended_at: e.at };
    default:
      return {};
  }
}

export interface HotlineCounts {
  calls: number;
  answered: number;
  abandoned: number;
  /** Sum of waits of the answered calls, queue to agent, in seconds. */
  answeredWaitSeconds: number;
}

/** The hotline's figures: the human answer rate counts the calls that asked for a person (target ≥ 90%). */
export function hotlineFigures(c: HotlineCounts) {
  const offered = c.answered + c.abandoned;
  return {
    calls: c.calls,
    offeredToAgents: offered,
    answered: c.answered,
    abandoned: c.abandoned,
    humanAnswerRate: offered ? Math.round((c.answered / offered) * 10_000) / 10_000 : null,
    averageWaitSeconds: c.answered ? Math.round((c.answeredWaitSeconds / c.answered) * 10) / 10 : null,
  };
}
