import type { Locale } from "../../platform/errors.ts";
import { fen, formatYuan } from "../../platform/money.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import { REMEDY_KIND_WORDS, type RemedyItem } from "../remedies/remedies.domain.ts";

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

/** What a department did, told as the customer sees it happen. */
const DONE_WORDS: Record<string, { "zh-CN": string; en: string }> = {
  resend: { "zh-CN": "补发的商品已发出，请留意收货", en: "The replacement has been shipped" },
  redeliver: { "zh-CN": "已为您重新配送", en: "Your order has been delivered again" },
  pickup: { "zh-CN": "退回的商品已上门取件", en: "The goods were picked up for return" },
  inspection: { "zh-CN": "退回的商品已验收", en: "The returned goods have been checked" },
  repair: { "zh-CN": "维修已完成", en: "The repair is done" },
};

/** "退款 ¥28.00、优惠券 ¥10.00": amounts in yuan, from integer fen. */
function itemsText(items: unknown, locale: Locale): string {
  const list = Array.isArray(items) ? (items as RemedyItem[]) : [];
  return list
    .map((i) => {
      const kind = REMEDY_KIND_WORDS[i.kind]?.[locale] ?? i.kind;
      return i.amountFen ? `${kind} ${formatYuan(fen(i.amountFen))}` : kind;
    })
    .join(locale === "zh-CN" ? "、" : ", ");
}

function paymentText(kind: string, amountFen: number, zh: boolean): string {
  const amount = formatYuan(fen(amountFen));
  if (kind === "refund" || kind === "price_difference")
    return zh
      ? `退款 ${amount} 已原路退回您的支付账户，请留意到账`
      : `A refund of ${amount} was paid back to your original payment account`;
  if (kind === "coupon")
    return zh ? `${amount} 优惠券已发放到您的账户` : `A coupon worth ${amount} was added to your account`;
  return zh ? `赔偿款 ${amount} 已支付给您` : `Compensation of ${amount} was paid to you`;
}

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
    case "assigned": {
      // A display name such as 客服小王 already says who they are; a bare name gets "客服" before it.
      const name = String(d.assigneeName);
      return zh
        ? `${name.startsWith("客服") ? name : `客服 ${name}`} 正在为您处理`
        : `${name} is handling your request`;
    }
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
    case "customer_message": {
      // The customer wrote it: repeat the start so they recognise it, not the whole mail.
      const said = [...String(d.body ?? d.subject ?? "").trim()];
      const excerpt = said.length > 60 ? `${said.slice(0, 60).join("")}…` : said.join("");
      return zh
        ? `我们已收到您的留言${excerpt ? `：“${excerpt}”` : ""}，客服会尽快回复您`
        : `We received your message${excerpt ? `: "${excerpt}"` : ""}. Customer service will reply soon`;
    }
    case "chat_transcript":
      return zh
        ? "您与在线客服的对话记录已附到本服务单"
        : "Your live chat with customer service was added to this request";
    case "evidence_added":
      return zh ? "已收到您补充的材料" : "We received your additional evidence";
    case "remedy_decided":
      return zh
        ? `处理方案已拟定（${itemsText(d.items, locale)}），正在等待主管审批`
        : `A remedy was proposed (${itemsText(d.items, locale)}) and is waiting for a supervisor's approval`;
    case "remedy_approved":
      return zh
        ? `处理方案已确定：${itemsText(d.items, locale)}`
        : `Your remedy is confirmed: ${itemsText(d.items, locale)}`;
    case "remedy_rejected":
      return zh
        ? "处理方案需要调整，客服会与您重新确认"
        : "The remedy is being reconsidered; customer service will get back to you";
    case "payment_succeeded":
      return paymentText(String(d.kind), Number(d.amountFen), zh);
    case "execution_done": {
      const words = DONE_WORDS[String(d.action)];
      return words ? words[locale] : zh ? "处理方案的一个步骤已完成" : "A step of your remedy is done";
    }
    case "remedy_accepted":
      return zh ? "您已接受处理方案" : "You accepted the remedy";
    case "remedy_disputed":
      return zh
        ? "您对处理方案提出了异议，我们将安排专人协调"
        : "You disputed the remedy; a specialist will mediate";
    case "result_feedback":
    case "medical_guidance":
      return String((zh ? d.text : (d.textEn ?? d.text)) ?? "");
    case "survey_invited":
      return zh
        ? `请为本次服务评价：${String(d.surveyUrl)}`
        : `Please rate our service: ${String(d.surveyUrl)}`;
    case "survey_answered":
      return zh
        ? `感谢您的评价（${String(d.score)} 分）`
        : `Thank you for your rating (${String(d.score)}/5)`;
    default:
      return zh ? "处理进度已更新" : "Progress updated";
  }
}
