/**
 * The malicious-complaint score (恶意投诉评分): what is known about a request and its complainant in, a
 * score 0–100 and its reasons out. A score never refuses anything by itself: it tells the agent why to look
 * closer, and a supervisor decides. The weights below are the whole policy; each reason says how many
 * points it gave, so an agent can see why a score is what it is.
 */

export interface ComplainantSignals {
  /** Requests from this phone in the look-back window, this one included. */
  phoneComplaints: number;
  /** Requests from this device in the window, this one included; null when the request named no device. */
  deviceComplaints: number | null;
  /** Requests naming this address in the window, this one included; null when the request named none. */
  addressComplaints: number | null;
  /** All requests ever filed from this phone (capped by the reader) and all its orders. */
  ticketsOfPhone: number;
  ordersOfPhone: number;
  /** Refunds and compensations paid or on their way to this phone's tickets before this one. */
  refundsPaid: number;
  refundFen: number;
  /** The customer chose a category and the classifier reads the description as another. */
  claimedCategory: string | null;
  classifiedCategory: string | null;
  /** Earlier requests of this phone already scored with an excessive demand. */
  earlierExcessiveDemands: number;
  description: string;
}

export type ReasonCode =
  | "FREQUENT_PHONE"
  | "FREQUENT_DEVICE"
  | "FREQUENT_ADDRESS"
  | "CLAIMS_EXCEED_ORDERS"
  | "REFUND_HISTORY"
  | "CATEGORY_CONTRADICTS_EVIDENCE"
  | "EXCESSIVE_DEMAND"
  | "REPEATED_EXCESSIVE_DEMANDS"
  | "THREAT";

export interface ScoreReason {
  code: ReasonCode;
  points: number;
  "zh-CN": string;
  en: string;
}

export interface AbuseScore {
  score: number;
  reasons: ScoreReason[];
  /** This request itself makes an excessive demand (counted by the complainant's later requests). */
  excessiveDemand: boolean;
}

/** Days a complainant's requests are counted over. */
export const LOOKBACK_DAYS = 30;
/** Readers stop counting here: beyond it the score is already at its cap. */
export const COUNT_CAP = 50;

/**
 * Demands far beyond any pack's remedy (the packs cap compensation at a few times the price). Read as
 * written; a customer asking for "a refund" or "compensation" is never flagged by them.
 */
const EXCESSIVE_DEMANDS = [
  "十倍",
  "10倍",
  "二十倍",
  "一百倍",
  "精神损失",
  "精神赔偿",
  "赔一万",
  "赔我一万",
  "赔十万",
  "一万块",
  "十万块",
  "终身免单",
  "免单一年",
  "ten times",
  "emotional damages",
  "free for life",
];

/**
 * Threats against people or the business. A complaint to the market regulator (12315), a lawyer or the
 * press is the customer's right and is deliberately not here.
 */
const THREATS = [
  "弄死",
  "砍死",
  "打死你",
  "杀了你",
  "砸了你",
  "砸店",
  "烧了你",
  "找人收拾",
  "找人弄",
  "让你倒闭",
  "刷差评",
  "差评轰炸",
  "不赔就",
  "不给钱就",
  "走着瞧",
  "kill you",
  "burn your",
  "smash your",
];

const found = (text: string, words: readonly string[]): string[] => {
  const lower = text.toLowerCase();
  return words.filter((w) => lower.includes(w.toLowerCase()));
};

/** Points for one complaint more than the usual in the window: the first two are anyone's bad luck. */
function frequencyPoints(count: number | null, free: number, perExtra: number, cap: number): number {
  if (count === null || count <= free) return 0;
  return Math.min(cap, (count - free) * perExtra);
}

export function scoreComplaint(s: ComplainantSignals): AbuseScore {
  const reasons: ScoreReason[] = [];
  const add = (code: ReasonCode, points: number, zh: string, en: string) => {
    if (points > 0) reasons.push({ code, points, "zh-CN": zh, en });
  };

  add(
    "FREQUENT_PHONE",
    frequencyPoints(s.phoneComplaints, 2, 10, 35),
    `该手机号${LOOKBACK_DAYS}天内已提交${s.phoneComplaints}次售后申请`,
    `${s.phoneComplaints} requests from this phone in ${LOOKBACK_DAYS} days`,
  );
  add(
    "FREQUENT_DEVICE",
    frequencyPoints(s.deviceComplaints, 2, 8, 20),
    `同一设备${LOOKBACK_DAYS}天内提交${s.deviceComplaints}次申请`,
    `${s.deviceComplaints} requests from this device in ${LOOKBACK_DAYS} days`,
  );
  add(
    "FREQUENT_ADDRESS",
    frequencyPoints(s.addressComplaints, 3, 6, 15),
    `同一地址${LOOKBACK_DAYS}天内提交${s.addressComplaints}次申请`,
    `${s.addressComplaints} requests for this address in ${LOOKBACK_DAYS} days`,
  );

  // Several claims on one order are normal; claims on most orders are not.
  const ratio = s.ticketsOfPhone / Math.max(1, s.ordersOfPhone);
  if (s.ticketsOfPhone >= 3 && ratio > 0.5)
    add(
      "CLAIMS_EXCEED_ORDERS",
      Math.min(20, Math.round((ratio - 0.5) * 20)),
      `申请${s.ticketsOfPhone}次，订单仅${s.ordersOfPhone}笔`,
      `${s.ticketsOfPhone} claims against ${s.ordersOfPhone} orders`,
    );

  if (s.refundsPaid >= 2)
    add(
      "REFUND_HISTORY",
      Math.min(15, (s.refundsPaid - 1) * 5),
      `此前已获退款/赔付${s.refundsPaid}次，共${(s.refundFen / 100).toFixed(2)}元`,
      `${s.refundsPaid} earlier refunds or compensations, ${(s.refundFen / 100).toFixed(2)} yuan in all`,
    );

  if (s.claimedCategory && s.classifiedCategory && s.claimedCategory !== s.classifiedCategory)
    add(
      "CATEGORY_CONTRADICTS_EVIDENCE",
      10,
      `所选类别“${s.claimedCategory}”与描述内容（判断为“${s.classifiedCategory}”）不符`,
      `claimed category "${s.claimedCategory}" but the description reads as "${s.classifiedCategory}"`,
    );

  const demands = found(s.description, EXCESSIVE_DEMANDS);
  add(
    "EXCESSIVE_DEMAND",
    demands.length ? 15 : 0,
    `诉求明显超出合理范围：${demands.join("、")}`,
    `demand far beyond any remedy: ${demands.join(", ")}`,
  );
  add(
    "REPEATED_EXCESSIVE_DEMANDS",
    Math.min(20, s.earlierExcessiveDemands * 10),
    `此前已有${s.earlierExcessiveDemands}次过度诉求`,
    `${s.earlierExcessiveDemands} earlier excessive demands`,
  );

  const threats = found(s.description, THREATS);
  add(
    "THREAT",
    threats.length ? 25 : 0,
    `含威胁性言辞：${threats.join("、")}`,
    `threatening words: ${threats.join(", ")}`,
  );

  reasons.sort((a, b) => b.points - a.points);
  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + r.points, 0),
  );
  return { score, reasons, excessiveDemand: demands.length > 0 };
}

/** What identifies a complainant beyond the phone, normalised so that spacing and case do not split counts. */
export function markValue(raw: unknown, max = 200): string | null {
  if (typeof raw !== "string") return null;
  const v = raw.normalize("NFKC").replace(/\s+/g, "").toLowerCase().slice(0, max);
  return v.length >= 4 ? v : null;
}
