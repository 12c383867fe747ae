import type { Locale } from "../../i18n/locale.tsx";

/** The notification screens' words, kept beside them (zh-CN first, English second). */
const WORDS = {
  log: ["通知记录", "Notifications"],
  empty: ["暂无通知", "No notices yet"],
  kind: ["类型", "Kind"],
  channel: ["渠道", "Channel"],
  recipient: ["接收人", "Recipient"],
  status: ["状态", "Status"],
  attempts: ["尝试", "Attempts"],
  created: ["时间", "Created"],
  heldUntil: ["静默至", "Held until"],
  lastError: ["最近错误", "Last error"],
  retry: ["重新发送", "Send again"],
  retried: ["已重新排队", "Queued again"],
  deadLetters: ["发送失败（死信）", "Dead letters"],
  templates: ["通知模板", "Templates"],
  menu: ["通知管理", "Notifications"],
  ticket: ["服务单", "Ticket"],
  subject: ["标题（邮件主题）", "Subject (e-mail)"],
  body: ["正文", "Text"],
  variables: ["可用变量", "Variables"],
  save: ["保存", "Save"],
  saved: ["模板已保存", "Template saved"],
  custom: ["已自定义", "Custom"],
  shipped: ["默认", "Default"],
  allLines: ["全部业务线", "All lines"],
  allChannels: ["全部渠道", "All channels"],
  messages: ["站内信", "Messages"],
} satisfies Record<string, [string, string]>;

export type WordKey = keyof typeof WORDS;
export const word = (key: WordKey, locale: Locale): string => WORDS[key][locale === "en" ? 1 : 0];

const KIND_WORDS: Record<string, [string, string]> = {
  received: ["受理回执", "Receipt"],
  status_changed: ["状态变更", "Status change"],
  reply: ["客服回复", "Reply"],
  remedy_decided: ["方案确定", "Remedy decided"],
  refund_paid: ["款项到账", "Money paid"],
  execution_done: ["执行完成", "Carried out"],
  survey_invited: ["满意度邀请", "Survey"],
  result_feedback: ["结果告知", "Result"],
  assigned: ["指派", "Assigned"],
  sla_reminder: ["时效提醒", "Deadline reminder"],
  escalated: ["升级", "Escalated"],
};
const CHANNEL_WORDS: Record<string, [string, string]> = {
  in_app: ["站内信", "In-app"],
  email: ["邮件", "E-mail"],
  sms: ["短信", "SMS"],
  wechat: ["微信", "WeChat"],
  "*": ["全部渠道", "All channels"],
};
const STATUS_WORDS: Record<string, [string, string]> = {
  pending: ["待发送", "Pending"],
  sent: ["已发送", "Sent"],
  dead: ["失败", "Failed"],
};
const pick = (table: Record<string, [string, string]>, key: string, locale: Locale) =>
  table[key]?.[locale === "en" ? 1 : 0] ?? key;
export const kindWord = (k: string, l: Locale) => pick(KIND_WORDS, k, l);
export const channelWord = (c: string, l: Locale) => pick(CHANNEL_WORDS, c, l);
export const statusWord = (s: string, l: Locale) => pick(STATUS_WORDS, s, l);
export const STATUS_COLOURS: Record<string, string> = { pending: "gold", sent: "green", dead: "red" };
