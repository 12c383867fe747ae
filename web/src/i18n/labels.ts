import type { Locale } from "./locale.tsx";

/** Names of the API's codes in both languages. Codes the table does not know are shown as they are. */
type Table = Record<string, [zh: string, en: string]>;

const STATUS: Table = {
  new: ["新建", "New"],
  in_progress: ["处理中", "In progress"],
  awaiting_customer: ["待客户确认", "Awaiting customer"],
  awaiting_merchant: ["待商家核实", "Awaiting merchant"],
  awaiting_execution: ["方案执行中", "Awaiting execution"],
  needs_info: ["待补充材料", "Needs information"],
  not_applicable: ["不适用", "Not applicable"],
  resolved: ["已解决", "Resolved"],
  closed: ["已关闭", "Closed"],
  reopened: ["已重开", "Reopened"],
};

/** The customer's words for a status: what it means for them, not for the workflow. */
const CUSTOMER_STATUS: Table = {
  new: ["已受理，等待处理", "Received, waiting to be handled"],
  in_progress: ["客服处理中", "Being handled"],
  awaiting_customer: ["等待您的确认", "Waiting for your reply"],
  awaiting_merchant: ["商家核实中", "Being checked with the merchant"],
  awaiting_execution: ["处理方案执行中", "The remedy is being carried out"],
  needs_info: ["需要您补充材料", "We need more information"],
  not_applicable: ["不适用售后处理", "Not eligible for after-sales"],
  resolved: ["已解决", "Resolved"],
  closed: ["已关闭", "Closed"],
  reopened: ["已重新受理", "Reopened"],
};

const SEVERITY: Table = {
  serious: ["严重", "Serious"],
  general: ["一般", "General"],
  minor: ["轻微", "Minor"],
};

const CHANNEL: Table = {
  app: ["App", "App"],
  web: ["网页", "Web"],
  wechat: ["微信", "WeChat"],
  phone: ["电话", "Phone"],
  email: ["邮件", "E-mail"],
  onsite: ["现场", "On site"],
  merchant: ["商家", "Merchant"],
  api: ["接口", "API"],
};

const QUEUE: Table = {
  customer_service: ["客服", "Customer service"],
  rider_logistics: ["骑手/物流", "Rider & logistics"],
  merchant_verification: ["商家核实", "Merchant verification"],
  supervisor: ["主管", "Supervisor"],
  manager: ["运营经理", "Manager"],
};

const RESOLUTION: Table = {
  refund: ["退款", "Refund"],
  remake: ["重做/补送", "Remake"],
  compensation: ["赔偿", "Compensation"],
  exchange: ["换货", "Exchange"],
  return: ["退货", "Return"],
  repair: ["维修", "Repair"],
  other: ["其他", "Other"],
};

const ROLE: Table = {
  admin: ["管理员", "Administrator"],
  agent: ["客服", "Agent"],
  supervisor: ["主管", "Supervisor"],
  manager: ["运营经理", "Operations manager"],
  qa: ["质检", "Quality"],
  merchant: ["商家", "Merchant"],
  rider: ["骑手", "Rider"],
  warehouse: ["仓库", "Warehouse"],
  finance: ["财务", "Finance"],
  integration: ["集成", "Integration"],
};

const PERMISSION: Table = {
  "tickets.read": ["查看服务单", "Read tickets"],
  "tickets.work": ["处理服务单", "Work tickets"],
  "tickets.assign": ["指派服务单", "Assign tickets"],
  "tickets.register": ["代客登记", "Register for customers"],
  "orders.write": ["写入订单", "Write orders"],
  "users.manage": ["管理用户", "Manage users"],
};

const EVENT: Table = {
  received: ["受理", "Received"],
  assigned: ["指派", "Assigned"],
  reply: ["回复客户", "Reply"],
  note: ["内部备注", "Internal note"],
  status_changed: ["状态变更", "Status changed"],
  reclassified: ["调整分类", "Reclassified"],
  merged_into: ["合并到", "Merged into"],
  merged_from: ["合并自", "Merged from"],
  first_response: ["首次响应", "First response"],
  evidence_added: ["补充材料", "Evidence added"],
  escalated: ["升级", "Escalated"],
  sla_breached: ["时限超时", "Deadline missed"],
  merchant_verification_requested: ["请商家核实", "Sent to the merchant to verify"],
  merchant_verification_answered: ["商家核实答复", "Merchant's verification"],
  merchant_verification_missed: ["商家逾期未核实", "Merchant missed the verification deadline"],
  mediation_opened: ["发起调解", "Mediation opened"],
  mediation_decided: ["调解裁定", "Mediation decided"],
};

const REMEDY: Table = {
  refund: ["退款", "Refund"],
  coupon: ["优惠券", "Coupon"],
  compensation: ["赔偿", "Compensation"],
  resend: ["补发", "Resend"],
  exchange: ["换货", "Exchange"],
  repair: ["维修", "Repair"],
  return: ["退货", "Return"],
  price_difference: ["补差价", "Price difference"],
  redeliver: ["重新配送", "Redeliver"],
  explanation: ["解释说明", "Explanation"],
};

const PAYER: Table = {
  platform: ["平台承担", "Platform"],
  merchant: ["商家承担", "Merchant"],
  rider: ["骑手承担", "Rider"],
  logistics: ["物流承担", "Logistics"],
  customer: ["客户承担", "Customer"],
  seller: ["卖家承担", "Seller"],
};

const pick = (table: Table) => (code: string | null | undefined, locale: Locale) =>
  code ? (table[code]?.[locale === "en" ? 1 : 0] ?? code) : "";

export const statusLabel = pick(STATUS);
export const customerStatusLabel = pick(CUSTOMER_STATUS);
export const severityLabel = pick(SEVERITY);
export const channelLabel = pick(CHANNEL);
export const queueLabel = pick(QUEUE);
export const resolutionLabel = pick(RESOLUTION);
export const roleLabel = pick(ROLE);
export const permissionLabel = pick(PERMISSION);
export const eventLabel = pick(EVENT);
export const remedyLabel = pick(REMEDY);
export const payerLabel = pick(PAYER);

export const STATUS_COLOURS: Record<string, string> = {
  new: "blue",
  in_progress: "processing",
  awaiting_customer: "gold",
  awaiting_merchant: "orange",
  awaiting_execution: "cyan",
  needs_info: "warning",
  not_applicable: "default",
  resolved: "success",
  closed: "default",
  reopened: "magenta",
};

export const SEVERITY_COLOURS: Record<string, string> = { serious: "red", general: "blue", minor: "default" };
