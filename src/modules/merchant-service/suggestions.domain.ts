import { type Text, text } from "../../platform/errors.ts";

/**
 * A merchant's suggestion (建议): filed with a topic and details, classified, assessed for feasibility
 * and value, forwarded to the department that owns the matter, and its result reported back to the
 * merchant. Pure: the classification is keyword rules over the merchant's own words.
 */
export const SUGGESTION_CATEGORIES = [
  "platform_rules",
  "order_processing",
  "delivery",
  "settlement",
  "campaigns",
  "app_features",
  "other",
] as const;
export type SuggestionCategory = (typeof SUGGESTION_CATEGORIES)[number];

/** Earlier rules win: "配送费结算" is about settlement, not delivery. */
const RULES: readonly (readonly [SuggestionCategory, readonly string[]])[] = [
  ["settlement", ["结算", "佣金", "抽成", "费率", "账期", "提现", "对账", "扣款"]],
  ["campaigns", ["活动", "满减", "优惠券", "促销", "报名", "补贴"]],
  ["delivery", ["配送", "骑手", "送达", "出餐", "取餐"]],
  ["order_processing", ["订单", "接单", "退款", "退货", "售后", "打印"]],
  ["platform_rules", ["规则", "处罚", "申诉", "判责", "考核", "评分", "差评"]],
  ["app_features", ["功能", "后台", "app", "系统", "页面", "界面", "报表"]],
];

export function classifySuggestion(topic: string, details: string): SuggestionCategory {
  const words = `${topic} ${details}`.toLowerCase();
  return RULES.find(([, keys]) => keys.some((k) => words.includes(k)))?.[0] ?? "other";
}

/** The departments a suggestion can go to; the merchant sees their names with the result. */
export const SUGGESTION_DEPARTMENTS = [
  "product",
  "operations",
  "logistics",
  "finance",
  "marketing",
  "merchant_service",
] as const;
export type SuggestionDepartment = (typeof SUGGESTION_DEPARTMENTS)[number];

export const RATINGS = ["high", "medium", "low"] as const;
export type Rating = (typeof RATINGS)[number];

export const SUGGESTION_STATUSES = ["submitted", "assessed", "forwarded", "reported"] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];
export type SuggestionStep = "assess" | "forward" | "report";

/** Each step needs the one before it; assessing again before forwarding corrects the assessment. */
const FROM: Record<SuggestionStep, readonly SuggestionStatus[]> = {
  assess: ["submitted", "assessed"],
  forward: ["assessed"],
  report: ["forwarded"],
};
const TO: Record<SuggestionStep, SuggestionStatus> = {
  assess: "assessed",
  forward: "forwarded",
  report: "reported",
};

export function nextSuggestionStatus(from: SuggestionStatus, step: SuggestionStep): SuggestionStatus | null {
  return FROM[step].includes(from) ? TO[step] : null;
}

export const STEP_NEEDS: Record<SuggestionStep, Text> = {
  assess: text(
    "建议已转交部门，不能再评估",
    "The suggestion was already forwarded; it cannot be re-assessed",
  ),
  forward: text("请先评估可行性和价值", "Assess feasibility and value first"),
  report: text("请先转交部门，再反馈结果", "Forward it to a department before reporting a result"),
};
