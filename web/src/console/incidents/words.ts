import type { Locale } from "../../i18n/locale.tsx";
import { nameWithId } from "../../shared/format.ts";

/** The incident screens' words, kept beside them (zh-CN first, English second). */
const WORDS = {
  menu: ["批量事件", "Incidents"],
  board: ["批量投诉与食品安全事件", "Batch complaints and food-safety emergencies"],
  empty: ["暂无进行中的事件", "No open incidents"],
  id: ["事件编号", "Incident"],
  kind: ["类型", "Kind"],
  key: ["涉及", "Affected"],
  tickets: ["服务单数", "Tickets"],
  openedAt: ["发现时间", "Opened"],
  status: ["状态", "Status"],
  open: ["进行中", "Open"],
  closed: ["已结案", "Closed"],
  showClosed: ["含已结案", "Include closed"],
  batch: ["批量投诉", "Batch complaints"],
  emergency: ["食品安全紧急事件", "Food-safety emergency"],
  region: ["地区", "Region"],
  productId: ["商品", "Product"],
  batchNo: ["批次", "Batch"],
  merchantId: ["商家", "Merchant"],
  linked: ["关联服务单", "Linked tickets"],
  timeline: ["处理记录", "Timeline"],
  calls: ["订单系统调用", "Order-system calls"],
  progressDue: ["进展公布截止", "Progress due"],
  findings: ["调查结论", "Findings"],
  notifyTeam: ["通知联合调查组", "Notify investigation team"],
  sampling: ["创建抽检任务", "Create sampling task"],
  suspendBatch: ["暂停批次销售", "Suspend batch sales"],
  notice: ["起草公告", "Draft public notice"],
  compensate: ["全部额外补偿", "Extra compensation for all"],
  progress: ["公布进展", "Publish progress"],
  close: ["结案", "Close"],
  confirmCompensate: [
    "为所有关联服务单发放额外补偿（默认再退一次订单金额）？",
    "Pay extra compensation on every linked ticket (default: the order's price again)?",
  ],
  done: ["已完成", "Done"],
  progressText: ["进展说明", "Progress text"],
  findingsText: ["请填写调查结论", "Write the findings"],
  back: ["返回事件列表", "Back to incidents"],
} satisfies Record<string, [string, string]>;

/** What each step of an incident's timeline was, in words (the API gives its code). */
const STEPS: Record<string, [string, string]> = {
  opened: ["发现事件", "Incident opened"],
  tickets_linked: ["关联服务单", "Tickets linked"],
  team_notified: ["已通知联合调查组", "Investigation team notified"],
  sampling_task_created: ["已创建抽检任务", "Sampling task created"],
  batch_suspension_requested: ["已申请暂停批次销售", "Batch sales suspension requested"],
  merchant_suspension_requested: ["已申请暂停商家营业", "Merchant suspension requested"],
  public_notice_drafted: ["已起草公告", "Public notice drafted"],
  extra_compensation: ["已发放额外补偿", "Extra compensation paid"],
  progress_published: ["已公布进展", "Progress published"],
  progress_overdue: ["进展公布超时", "Progress overdue"],
  order_system_called: ["已通知订单系统", "Order system called"],
  order_system_call_failed: ["订单系统调用失败", "Order-system call failed"],
  closed: ["结案", "Closed"],
};

/** A step's words; a step this page does not know yet shows its code rather than nothing. */
export const stepText = (type: string, locale: Locale): string =>
  STEPS[type]?.[locale === "en" ? 1 : 0] ?? type;

export type IncidentWord = keyof typeof WORDS;
export const incidentWord = (key: IncidentWord, locale: Locale): string =>
  WORDS[key][locale === "en" ? 1 : 0];

/** "批次 B1 · 商品 三文鱼刺身（P1）": the key's fields in words, the product and merchant by name when known. */
export function keyText(
  key: Partial<Record<"region" | "productId" | "batchNo" | "merchantId", string>>,
  locale: Locale,
  names: { product?: string | null; merchant?: string | null } = {},
) {
  const named = { productId: names.product, merchantId: names.merchant } as Record<string, string | null>;
  return (["batchNo", "productId", "region", "merchantId"] as const)
    .filter((k) => key[k])
    .map((k) => `${incidentWord(k, locale)} ${nameWithId(named[k], key[k]!)}`)
    .join(" · ");
}
