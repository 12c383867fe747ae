import type { Locale } from "../../platform/errors.ts";
import { localTime } from "../../platform/format.ts";
import { fen, formatYuan, isFen } from "../../platform/money.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import { ACTION_WORDS } from "../execution/execution.domain.ts";
import { REMEDY_KIND_WORDS, type RemedyKind } from "../remedies/remedies.domain.ts";
import { statusWords } from "../tickets/timeline.ts";
import type { QuietHours } from "./delivery.domain.ts";
import type { NoticeChannel, NoticeKind } from "./templates.domain.ts";

/**
 * Which notices an event of a ticket gives, to whom and on which channels. The customer hears on the
 * channel they came from (app and web read in-app messages, WeChat gets a template message, phone an
 * SMS, e-mail an e-mail); every customer notice is also kept as an in-app message for the progress
 * page. Staff hear of assignments, reminders and escalations in their console.
 */

export interface OutboxEvent {
  id: string;
  type: string;
  actor: string;
  visibility: "customer" | "internal";
  data: Record<string, unknown>;
}

export interface TicketFacts {
  ticketNo: string;
  businessLine: string;
  channel: string;
  customerPhone: string;
  contactEmail: string | null;
  wechatOpenId: string | null;
  urgent: boolean;
  category: string;
  firstResponseDueAt: Date;
}

/** A pack's notification settings; a pack without them has no quiet hours and no extra SMS. */
export interface NoticeSettings {
  quietHours?: QuietHours;
  /** Send an SMS as well when the customer came by another channel (the phone is always known). */
  smsWhenPhoneKnown: boolean;
}

export interface PlannedNotice {
  kind: NoticeKind;
  audience: "customer" | "staff";
  channel: NoticeChannel;
  /** Phone, e-mail address, WeChat openid, or `user:<username>` / `queue:<name>` for staff. */
  recipient: string;
  locale: Locale;
  values: Record<string, string>;
  /** Goes at once even in the quiet hours: an urgent ticket, or the receipt of a request. */
  urgent: boolean;
}

type Intent =
  | { kind: NoticeKind; audience: "customer" }
  | { kind: NoticeKind; audience: "staff"; to: string };

/** The notice an event means, if any. */
export function intentOf(e: OutboxEvent): Intent | undefined {
  const d = e.data;
  const customer = (kind: NoticeKind): Intent => ({ kind, audience: "customer" });
  switch (e.type) {
    case "received":
      return customer("received");
    case "status_changed":
      return e.visibility === "customer" ? customer("status_changed") : undefined;
    case "reply":
      return e.visibility === "customer" ? customer("reply") : undefined;
    case "remedy_approved":
      return customer("remedy_decided");
    // A payout or a finished action that has its result feedback is told by that feedback alone: the
    // event itself is then internal.
    case "payment_succeeded":
      return e.visibility === "customer" ? customer("refund_paid") : undefined;
    case "execution_done":
      return e.visibility === "customer" ? customer("execution_done") : undefined;
    case "survey_invited":
      return customer("survey_invited");
    case "result_feedback":
      return customer("result_feedback");
    case "assigned":
      // Taking a ticket oneself needs no notice; being given one does.
      return typeof d.assignee === "string" && d.assignee !== e.actor
        ? { kind: "assigned", audience: "staff", to: `user:${d.assignee}` }
        : undefined;
    case "sla_reminder": {
      const owner = (d.owner ?? {}) as { userId?: string; queue?: string };
      const to = owner.userId ? `user:${owner.userId}` : `queue:${owner.queue ?? "customer_service"}`;
      return { kind: "sla_reminder", audience: "staff", to };
    }
    case "escalated": {
      const to = (d.to ?? {}) as { queue?: string };
      return { kind: "escalated", audience: "staff", to: `queue:${to.queue ?? "supervisor"}` };
    }
    default:
      return undefined;
  }
}

/** The customer's channels for a ticket: always in-app, plus the channel they came from. */
export function customerChannels(
  t: TicketFacts,
  settings: NoticeSettings,
): { channel: NoticeChannel; recipient: string }[] {
  const out: { channel: NoticeChannel; recipient: string }[] = [
    { channel: "in_app", recipient: t.customerPhone },
  ];
  if (t.channel === "wechat") out.push({ channel: "wechat", recipient: t.wechatOpenId ?? t.customerPhone });
  else if (t.channel === "email" && t.contactEmail) out.push({ channel: "email", recipient: t.contactEmail });
  // Phone, on-site, merchant and API requests have no screen of ours the customer looks at: SMS.
  else if (!["app", "web", "email"].includes(t.channel))
    out.push({ channel: "sms", recipient: t.customerPhone });
  if (settings.smsWhenPhoneKnown && !out.some((c) => c.channel === "sms"))
    out.push({ channel: "sms", recipient: t.customerPhone });
  return out;
}

/** Everything one event gives: zero, one or several notices. */
export function planNotices(
  e: OutboxEvent,
  t: TicketFacts,
  pack: PolicyPack | undefined,
  settings: NoticeSettings,
  links: { trackingUrl: string },
  locale: Locale = "zh-CN",
): PlannedNotice[] {
  const intent = intentOf(e);
  if (!intent) return [];
  const values = valuesOf(intent.kind, e, t, pack, links, locale);
  if (intent.audience === "staff")
    return [
      {
        kind: intent.kind,
        audience: "staff",
        channel: "in_app",
        recipient: intent.to,
        locale,
        values,
        urgent: true,
      },
    ];
  const urgent = t.urgent || intent.kind === "received";
  // A channel that answered the request itself (the e-mail listener's threaded auto-reply) gets no second receipt.
  const answered = intent.kind === "received" ? e.data.autoReplied : undefined;
  return customerChannels(t, settings)
    .filter((c) => c.channel !== answered)
    .map((c) => ({
      kind: intent.kind,
      audience: "customer",
      ...c,
      locale,
      values,
      urgent,
    }));
}

const yuan = (v: unknown) => (isFen(v) ? formatYuan(fen(v)) : "");

function remedyText(items: unknown, locale: Locale): string {
  const list = Array.isArray(items) ? (items as { kind: RemedyKind; amountFen?: number }[]) : [];
  return list
    .map((i) => {
      const kind = REMEDY_KIND_WORDS[i.kind]?.[locale] ?? i.kind;
      return i.amountFen ? `${kind} ${yuan(i.amountFen)}` : kind;
    })
    .join(locale === "zh-CN" ? "、" : ", ");
}

const CLOCK_WORDS: Record<string, Record<Locale, string>> = {
  firstResponse: { "zh-CN": "首次响应", en: "first response" },
  resolution: { "zh-CN": "解决", en: "resolution" },
  review: { "zh-CN": "审核", en: "review" },
  progressUpdate: { "zh-CN": "进度更新", en: "progress update" },
};

/** The template variables of a notice, in the notice's language. */
export function valuesOf(
  kind: NoticeKind,
  e: OutboxEvent,
  t: TicketFacts,
  pack: PolicyPack | undefined,
  links: { trackingUrl: string },
  locale: Locale,
): Record<string, string> {
  const d = e.data;
  const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
  const at = (v: unknown) => (typeof v === "string" && v ? localTime(new Date(v), locale) : "");
  const common = {
    ticketNo: t.ticketNo,
    trackingUrl: links.trackingUrl,
    businessLine: pack?.labels?.[locale] ?? t.businessLine,
  };
  switch (kind) {
    case "received": {
      const category = pack?.categories.find((c) => c.code === t.category);
      return {
        ...common,
        category: category?.labels[locale] ?? t.category,
        firstResponseDueAt: localTime(t.firstResponseDueAt, locale),
      };
    }
    case "status_changed":
      return {
        ...common,
        status: statusWords(str(d.to), locale),
        reason: str(locale === "en" && d.reasonEn ? d.reasonEn : d.reason),
      };
    case "reply":
      return { ...common, reply: str(d.body) };
    case "remedy_decided":
      return { ...common, remedy: remedyText(d.items, locale) };
    case "refund_paid":
      return {
        ...common,
        amount: yuan(d.amountFen),
        paymentKind: REMEDY_KIND_WORDS[d.kind as RemedyKind]?.[locale] ?? str(d.kind),
        reference: str(d.reference),
      };
    case "execution_done":
      return {
        ...common,
        action: ACTION_WORDS[d.action as keyof typeof ACTION_WORDS]?.[locale] ?? str(d.action),
      };
    case "survey_invited":
      return { ...common, surveyUrl: str(d.surveyUrl), expiresAt: at(d.expiresAt) };
    case "result_feedback":
      return { ...common, text: str(d.text) };
    case "assigned":
      return { ...common, assignedBy: e.actor };
    case "sla_reminder":
      return { ...common, clock: CLOCK_WORDS[str(d.clock)]?.[locale] ?? str(d.clock), dueAt: at(d.dueAt) };
    case "escalated":
      return {
        ...common,
        clock: CLOCK_WORDS[str(d.clock)]?.[locale] ?? str(d.clock),
        level: str(d.level),
        dueAt: at(d.dueAt),
      };
  }
}
