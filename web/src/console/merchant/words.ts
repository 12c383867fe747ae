import type { Locale } from "../../i18n/locale.tsx";

/** The merchant-service screens' words (zh-CN first, English second). */
const WORDS = {
  verifyTitle: ["商家核实", "Merchant verification"],
  verifyHint: [
    "请在时限内核实此投诉：确认责任，或提出异议并说明理由。逾期未核实将由平台判定。",
    "Verify this complaint before the deadline: accept liability, or dispute it with your statement. Past the deadline the platform decides.",
  ],
  statement: ["核实说明", "Statement"],
  statementPlaceholder: [
    "说明核实情况（出餐记录、封签、监控等）",
    "What you found (kitchen log, seal, CCTV…)",
  ],
  accept: ["确认责任", "Accept liability"],
  dispute: ["提出异议", "Dispute"],
  needStatement: ["请填写核实说明", "Give a statement"],
  answered: ["已提交核实结果", "Your answer was recorded"],
  status_pending: ["待核实", "Awaiting your answer"],
  status_accepted: ["已确认责任", "Liability accepted"],
  status_disputed: ["已提出异议，平台调解中", "Disputed; the platform mediates"],
  status_missed: ["逾期未核实，平台已判定", "Missed; the platform decided"],
  status_withdrawn: ["已撤回", "Withdrawn"],
  suggestionsMenu: ["我的建议", "My suggestions"],
  boardMenu: ["商家建议", "Merchant suggestions"],
  fileTitle: ["提交建议", "File a suggestion"],
  topic: ["主题", "Topic"],
  details: ["详细内容", "Details"],
  submit: ["提交", "Submit"],
  filed: ["建议已提交", "Suggestion filed"],
  category: ["分类", "Category"],
  statusCol: ["状态", "Status"],
  result: ["处理结果", "Result"],
  department: ["转交部门", "Department"],
  filedAt: ["提交时间", "Filed"],
  merchant: ["商家", "Merchant"],
  assess: ["评估", "Assess"],
  forward: ["转交", "Forward"],
  report: ["反馈结果", "Report result"],
  feasibility: ["可行性", "Feasibility"],
  value: ["价值", "Value"],
  note: ["说明", "Note"],
  adopted: ["采纳", "Adopted"],
  notAdopted: ["未采纳", "Not adopted"],
  s_submitted: ["已提交", "Submitted"],
  s_assessed: ["已评估", "Assessed"],
  s_forwarded: ["已转交", "Forwarded"],
  s_reported: ["已反馈", "Result reported"],
  r_high: ["高", "High"],
  r_medium: ["中", "Medium"],
  r_low: ["低", "Low"],
  c_platform_rules: ["平台规则", "Platform rules"],
  c_order_processing: ["订单处理", "Order processing"],
  c_delivery: ["配送", "Delivery"],
  c_settlement: ["结算费用", "Settlement"],
  c_campaigns: ["营销活动", "Campaigns"],
  c_app_features: ["系统功能", "App features"],
  c_other: ["其他", "Other"],
  d_product: ["产品部", "Product"],
  d_operations: ["运营部", "Operations"],
  d_logistics: ["配送部", "Logistics"],
  d_finance: ["财务部", "Finance"],
  d_marketing: ["市场部", "Marketing"],
  d_merchant_service: ["商家服务部", "Merchant service"],
} as const;

export type MerchantWord = keyof typeof WORDS;
export const merchantWord = (key: string, locale: Locale): string =>
  key in WORDS ? WORDS[key as MerchantWord][locale === "en" ? 1 : 0] : key;

/** The codes that have words under a prefix, in the table's order: `wordKeys("d_")` → the departments. */
export const wordKeys = (prefix: string): string[] =>
  Object.keys(WORDS)
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length));
