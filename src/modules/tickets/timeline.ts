import type { Locale } from "../../platform/errors.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";

/**
 * The customer's timeline in plain words. Only customer-visible events reach here; the words are
 * chosen for someone on a phone, not for an auditor.
 */
const STATUS_WORDS: Record<string, { "zh-CN": string; en: string }> = {
  new: { "zh-CN": "待处理", en: "waiting to be handled" },
  in_progress: { "zh-CN": "处理中", en: "being handled" },
  awaiting_customer: { "zh-CN": "等待您的确认", en: "waiting for your reply" },
  awaiting_merchant: { "zh-CN": "商家核实中", en: "being checked with the merchant" },
  awaiting_execution: { "zh-CN": "处理方案执行中", en: "the remedy is being carried out" },
  needs_info: { "zh-CN": "需要您补充材料", en: "we need more information from you" },
  not_applicable: { "zh-CN": "不适用售后处理", en: "not eligible for after-sales handling" },
  resolved: { "zh-CN": "已解决", en: "resolved" },
  closed: { "zh-CN": "已关闭", en: "closed" },
  reopened: { "zh-CN": "已重新受理", en: "reopened" },
};

export const statusWords = (status: string, locale: Locale): string =>
  STATUS_WORDS[status]?.[locale] ?? status;

export function timelineText(
  event: { type: string; data: Record<string, unknown> },
  pack: PolicyPack | undefined,
  locale: Locale,
): string {
  const d = event.data;
  const zh = locale === "zh-CN";
  switch (event.type) {
    case "received": {
      const category = pack?.categories.find((c) => c.code === d.category);
      const label = category ? category.labels[locale] : String(d.category);
      return zh ? `已受理您的售后申请（${label}）` : `Your request was received (${label})`;
    }
    case "assigned":
      return zh
        ? `客服 ${String(d.assigneeName)} 正在为您处理`
        : `${String(d.assigneeName)} is handling your request`;
    case "reply":
      return zh ? `客服回复：${String(d.body)}` : `Reply from customer service: ${String(d.body)}`;
    case "status_changed": {
      const words = statusWords(String(d.to), locale);
      const reason = d.reason ? (zh ? `（${String(d.reason)}）` : ` (${String(d.reason)})`) : "";
      return zh ? `状态更新为：${words}${reason}` : `Status: ${words}${reason}`;
    }
    case "merged_into":
      return zh
        ? `您的申请已与服务单 ${String(d.into)} 合并处理`
        : `Your request is now handled together with ${String(d.into)}`;
    case "evidence_added":
      return zh ? "已收到您补充的材料" : "We received your additional evidence";
    default:
      return zh ? "处理进度已更新" : "Progress updated";
  }
}
