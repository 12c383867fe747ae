import type { Locale } from "../../i18n/locale.tsx";

/** The chat workspace's own words; kept here so the shared dictionaries stay untouched by this page. */
const WORDS = {
  menu: { "zh-CN": "在线客服", en: "Live chat" },
  title: { "zh-CN": "在线客服工作台", en: "Live chat workspace" },
  connected: { "zh-CN": "已连接", en: "Connected" },
  disconnected: { "zh-CN": "连接中断，正在重连…", en: "Disconnected, reconnecting…" },
  waiting: { "zh-CN": "等待接入", en: "Waiting" },
  active: { "zh-CN": "进行中", en: "Active" },
  accept: { "zh-CN": "接入", en: "Accept" },
  nothingWaiting: { "zh-CN": "暂无等待的会话", en: "Nobody is waiting" },
  noActive: { "zh-CN": "暂无进行中的会话", en: "No active chats" },
  pick: { "zh-CN": "请从左侧选择或接入一个会话", en: "Pick or accept a chat on the left" },
  reply: { "zh-CN": "输入回复，回车发送", en: "Type a reply, Enter to send" },
  send: { "zh-CN": "发送", en: "Send" },
  createTicket: { "zh-CN": "创建服务单", en: "Create ticket" },
  attach: { "zh-CN": "附到服务单", en: "Attach to ticket" },
  attachPlaceholder: { "zh-CN": "已有服务单号", en: "Existing ticket no." },
  end: { "zh-CN": "结束会话", en: "End chat" },
  ticketMade: { "zh-CN": "已关联服务单", en: "Linked to ticket" },
  customerLeft: { "zh-CN": "客户已离开", en: "Customer left" },
  closed: { "zh-CN": "已结束", en: "Ended" },
  handover: { "zh-CN": "转接用时", en: "Hand-over" },
  customer: { "zh-CN": "客户", en: "Customer" },
  bot: { "zh-CN": "机器人", en: "Bot" },
  agent: { "zh-CN": "客服", en: "Agent" },
  system: { "zh-CN": "系统", en: "System" },
  reason_asked: { "zh-CN": "客户要求人工", en: "asked for a person" },
  reason_unsure: { "zh-CN": "机器人无法回答", en: "bot was unsure" },
  reason_accepted_offer: { "zh-CN": "接受转人工提示", en: "accepted the offer" },
} as const;

export type ChatWord = keyof typeof WORDS;

export const chatWord = (key: ChatWord, locale: Locale): string => WORDS[key][locale];

export const reasonWord = (reason: string | null, locale: Locale): string =>
  reason && `reason_${reason}` in WORDS ? WORDS[`reason_${reason}` as ChatWord][locale] : (reason ?? "");
