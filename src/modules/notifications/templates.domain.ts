/**
 * Notice templates: text with `{{variables}}`, per business line, channel, locale and kind of notice.
 * Which variables a kind offers is fixed here, so an admin's edit naming anything else is refused when
 * saved rather than sent as a blank to a customer.
 */

export const CUSTOMER_KINDS = [
  "received",
  "status_changed",
  "reply",
  "remedy_decided",
  "refund_paid",
  "execution_done",
  "survey_invited",
  "result_feedback",
] as const;
export const STAFF_KINDS = ["assigned", "sla_reminder", "escalated"] as const;
export const NOTICE_KINDS = [...CUSTOMER_KINDS, ...STAFF_KINDS] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_CHANNELS = ["in_app", "email", "sms", "wechat"] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];
export const LOCALES = ["zh-CN", "en"] as const;
export type NoticeLocale = (typeof LOCALES)[number];

/** `*` in a template key: for every business line, or for every channel without its own template. */
export const ANY = "*";

const COMMON = ["ticketNo", "trackingUrl", "businessLine"] as const;
export const VARIABLES: Record<NoticeKind, readonly string[]> = {
  received: [...COMMON, "category", "firstResponseDueAt"],
  status_changed: [...COMMON, "status", "reason"],
  reply: [...COMMON, "reply"],
  remedy_decided: [...COMMON, "remedy"],
  refund_paid: [...COMMON, "amount", "paymentKind", "reference"],
  execution_done: [...COMMON, "action"],
  survey_invited: [...COMMON, "surveyUrl", "expiresAt"],
  result_feedback: [...COMMON, "text"],
  assigned: [...COMMON, "assignedBy"],
  sla_reminder: [...COMMON, "clock", "dueAt"],
  escalated: [...COMMON, "clock", "level", "dueAt"],
};

export interface Template {
  subject: string | null;
  body: string;
}

export interface TemplateKey {
  businessLine: string;
  channel: string;
  locale: string;
  kind: NoticeKind;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Fills the placeholders; a variable without a value becomes empty rather than the raw `{{name}}`. */
export function render(text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
}

export interface TemplateProblem {
  field: "subject" | "body";
  code: "REQUIRED" | "UNKNOWN_VARIABLE" | "MALFORMED_PLACEHOLDER" | "TICKET_NO_REQUIRED" | "TOO_LONG";
  /** The variable at fault, when there is one. */
  variable?: string;
}

/** Whether a template sent over `channel` may be used by e-mail, whose subject must carry the ticket number. */
const servesEmail = (channel: string) => channel === "email" || channel === ANY;

/** Everything wrong with a template an admin wants to save, each naming its field. */
export function templateProblems(kind: NoticeKind, channel: string, t: Template): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const allowed = new Set(VARIABLES[kind]);
  const check = (field: "subject" | "body", text: string, maxLength: number) => {
    if (text.length > maxLength) problems.push({ field, code: "TOO_LONG" });
    for (const [, name] of text.matchAll(PLACEHOLDER))
      if (!allowed.has(name!)) problems.push({ field, code: "UNKNOWN_VARIABLE", variable: name });
    // Braces left after the well-formed placeholders are removed: `{{ticket no}}`, `{{name`, `}}`.
    if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, "")))
      problems.push({ field, code: "MALFORMED_PLACEHOLDER" });
  };
  if (!t.body.trim()) problems.push({ field: "body", code: "REQUIRED" });
  else check("body", t.body, 2000);
  if (t.subject?.trim()) check("subject", t.subject, 200);
  if (servesEmail(channel) && !/\{\{\s*ticketNo\s*\}\}/.test(t.subject ?? ""))
    problems.push({ field: "subject", code: "TICKET_NO_REQUIRED" });
  return problems;
}

/**
 * The template that applies: the most specific key wins (this line and channel, then this line, then
 * every line and this channel, then every line and channel); at one key an admin's edit wins over the
 * shipped default.
 */
export function pickTemplate(
  key: TemplateKey,
  custom: ReadonlyMap<string, Template>,
  shipped: ReadonlyMap<string, Template>,
): { template: Template; source: "custom" | "shipped"; key: TemplateKey } | undefined {
  for (const [businessLine, channel] of [
    [key.businessLine, key.channel],
    [key.businessLine, ANY],
    [ANY, key.channel],
    [ANY, ANY],
  ] as const) {
    const k = { ...key, businessLine, channel };
    const id = templateId(k);
    const mine = custom.get(id);
    if (mine) return { template: mine, source: "custom", key: k };
    const shippedOne = shipped.get(id);
    if (shippedOne) return { template: shippedOne, source: "shipped", key: k };
  }
  return undefined;
}

export const templateId = (k: TemplateKey): string => `${k.businessLine}|${k.channel}|${k.locale}|${k.kind}`;

export const isNoticeKind = (v: string): v is NoticeKind => (NOTICE_KINDS as readonly string[]).includes(v);
