import { type Text, text } from "../../platform/errors.ts";
import { checkTransition, type Status, type TransitionProblem } from "../tickets/tickets.domain.ts";
import { SUGGESTION_DEPARTMENTS, type SuggestionDepartment } from "./suggestions.domain.ts";

/**
 * A merchant's own request to the merchant-service team (商家工单): its kinds, its deadlines, where it goes
 * and when it escalates. It lives the ticket's life (the same table of legal moves) with the deadlines of
 * the merchant-service rules (003): greet within seconds on chat and phone, answer a written message
 * within minutes, and a resolution promise per kind. The source leaves the numbers as "[X]"; the defaults
 * below are the ones this platform promises and are stated in the README.
 */
export const REQUEST_CATEGORIES = [
  "platform_rules",
  "order_processing",
  "delivery_problem",
  "refund_return",
  "store_setup",
  "menu_listing",
  "campaign_signup",
  "platform_complaint",
] as const;
export type RequestCategory = (typeof REQUEST_CATEGORIES)[number];

export const REQUEST_CHANNELS = ["chat", "message", "phone"] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

/** The statuses a merchant request uses: a subset of the ticket's, moved by the ticket's own table. */
export const REQUEST_STATUSES = [
  "new",
  "in_progress",
  "awaiting_merchant",
  "resolved",
  "closed",
  "reopened",
] as const satisfies readonly Status[];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Seconds until the first answer: someone greets a chat or a call at once; a message waits minutes. */
export const FIRST_RESPONSE_SECONDS: Record<RequestChannel, number> = {
  chat: 30,
  phone: 30,
  message: 10 * 60,
};

/** Minutes until the matter is settled: a question within two hours, a complaint within a day. */
export const RESOLUTION_MINUTES: Record<RequestCategory, number> = {
  platform_rules: 120,
  order_processing: 120,
  store_setup: 120,
  menu_listing: 120,
  campaign_signup: 120,
  delivery_problem: 240,
  refund_return: 240,
  platform_complaint: 24 * 60,
};

/** A resolved request the merchant never rates closes itself after three days. */
export const AUTO_CLOSE_HOURS = 72;

/** Earlier rules win: "投诉配送" is a complaint about the platform before it is a delivery question. */
const RULES: readonly (readonly [RequestCategory, readonly string[]])[] = [
  ["platform_complaint", ["投诉", "不满", "太差", "不公平", "乱扣", "欺负"]],
  ["refund_return", ["退款", "退货", "退单", "部分退"]],
  ["delivery_problem", ["配送", "骑手", "送餐", "超时", "洒", "损坏", "送达"]],
  ["campaign_signup", ["活动", "报名", "满减", "促销", "补贴"]],
  ["menu_listing", ["菜品", "上架", "下架", "菜单", "商品", "规格", "图片"]],
  ["store_setup", ["店铺", "营业时间", "门店", "资质", "开店", "装修", "店名"]],
  ["order_processing", ["订单", "接单", "出餐", "打印", "异常"]],
  ["platform_rules", ["规则", "处罚", "申诉", "考核", "评分", "判责"]],
];

export function classifyRequest(subject: string, body: string): RequestCategory {
  const words = `${subject} ${body}`;
  return RULES.find(([, keys]) => keys.some((k) => words.includes(k)))?.[0] ?? "platform_rules";
}

/** The department that owns each kind of matter; the agent may route elsewhere. */
const DEPARTMENT_OF: Record<RequestCategory, SuggestionDepartment> = {
  platform_rules: "operations",
  order_processing: "operations",
  delivery_problem: "logistics",
  refund_return: "finance",
  store_setup: "merchant_service",
  menu_listing: "merchant_service",
  campaign_signup: "marketing",
  platform_complaint: "operations",
};
export const departmentFor = (category: RequestCategory): SuggestionDepartment => DEPARTMENT_OF[category];
export const REQUEST_DEPARTMENTS = SUGGESTION_DEPARTMENTS;

export interface Deadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

export function deadlinesOf(channel: RequestChannel, category: RequestCategory, from: Date): Deadlines {
  return {
    firstResponseDueAt: new Date(from.getTime() + FIRST_RESPONSE_SECONDS[channel] * 1000),
    resolutionDueAt: new Date(from.getTime() + RESOLUTION_MINUTES[category] * 60_000),
  };
}

/**
 * A complaint about the platform starts with an apology and a record of what happened (source 003: apologise,
 * record order, time and problem), written into the request as the team's first words to the merchant.
 */
export function complaintAcknowledgement(c: { orderNo: string | null; occurredAt: Date | null }): Text {
  const order = c.orderNo ? `订单 ${c.orderNo}，` : "";
  const orderEn = c.orderNo ? `order ${c.orderNo}, ` : "";
  const at = c.occurredAt ? `发生于 ${beijing(c.occurredAt)}，` : "";
  const atEn = c.occurredAt ? `at ${beijing(c.occurredAt)} (Beijing), ` : "";
  return text(
    `非常抱歉给您带来不便。我们已记录您的投诉（${order}${at}问题如您所述），将转交责任部门处理，并跟进到您满意为止。`,
    `We are sorry for the trouble. We have recorded your complaint (${orderEn}${atEn}the problem as you described) and will pass it to the department responsible and follow it up until you are satisfied.`,
  );
}

const beijing = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");

export interface RequestState {
  status: RequestStatus;
  escalationLevel: number;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

/**
 * The escalation a request has earned by now: a supervisor when the first answer is late, the operations
 * manager when the resolution promise is broken. Never lowers a level already reached.
 */
export function escalationDue(r: RequestState, now: Date): { level: 1 | 2; clock: string } | null {
  if (r.resolvedAt === null && r.escalationLevel < 2 && r.resolutionDueAt <= now && r.status !== "closed")
    return { level: 2, clock: "resolution" };
  if (r.firstRespondedAt === null && r.escalationLevel < 1 && r.firstResponseDueAt <= now)
    return { level: 1, clock: "firstResponse" };
  return null;
}

export type MoveProblem = TransitionProblem | "RESULT_REQUIRED";

/** Staff moves: the ticket's table, and a resolution always tells the merchant what was done. */
export function checkRequestMove(
  from: RequestStatus,
  to: RequestStatus,
  note: string | undefined,
): MoveProblem | null {
  if (!(REQUEST_STATUSES as readonly string[]).includes(to) || to === "closed" || to === "reopened")
    return "ILLEGAL_TRANSITION";
  if (to === "resolved" && !note?.trim()) return "RESULT_REQUIRED";
  // A simple question is answered on the spot (003): resolving a new request takes it into work first.
  return checkTransition(from === "new" && to === "resolved" ? "in_progress" : from, to, note);
}

export type Feedback =
  | { satisfied: true; rating: number; comment?: string }
  | { satisfied: false; reason: string };

/**
 * The merchant's answer to a resolution: satisfied closes it with a rating; not satisfied reopens it with a
 * fresh resolution promise, back with the department, until the merchant is satisfied.
 */
export function afterFeedback(
  r: { status: RequestStatus; category: RequestCategory },
  f: Feedback,
  now: Date,
): { status: "closed" | "reopened"; resolutionDueAt?: Date } | null {
  if (r.status !== "resolved") return null;
  if (f.satisfied) return { status: "closed" };
  return {
    status: "reopened",
    resolutionDueAt: new Date(now.getTime() + RESOLUTION_MINUTES[r.category] * 60_000),
  };
}

export const MOVE_MESSAGES: Record<MoveProblem | "NOT_RESOLVED", Text> = {
  ILLEGAL_TRANSITION: text("当前状态不能这样处理", "The request cannot move that way from its status"),
  REASON_REQUIRED: text("请填写原因", "A reason is required"),
  RESULT_REQUIRED: text("请写明处理结果，商家会看到", "Write the result; the merchant will read it"),
  NOT_RESOLVED: text("工单尚未处理完毕，暂不能评价", "The request is not resolved yet; feedback comes after"),
};
