import type { Locale } from "../../i18n/locale.tsx";

/** The report screens' words, kept beside them (zh-CN first, English second). */
const WORDS = {
  menu: ["服务报表", "Reports"],
  title: ["月度售后服务报告", "Monthly service report"],
  month: ["月份", "Month"],
  line: ["业务线", "Business line"],
  csv: ["下载 CSV", "Download CSV"],
  tickets: ["工单量", "Tickets"],
  resolutionRate: ["投诉解决率", "Resolution rate"],
  satisfaction: ["满意度", "Satisfaction"],
  handling: ["平均解决时长（分钟）", "Avg resolution (min)"],
  firstResponse: ["平均首次响应（分钟）", "Avg first response (min)"],
  secondRound: ["二次处理率", "Second-round rate"],
  escalation: ["升级率", "Escalation rate"],
  complaintRate: ["投诉率（工单/订单）", "Complaint rate (tickets/orders)"],
  target: ["目标", "Target"],
  met: ["达标", "On target"],
  missed: ["未达标", "Below target"],
  vsLastMonth: ["较上月", "vs last month"],
  categories: ["问题类型占比", "Share of problem types"],
  scorecard: ["商家评分卡", "Merchant scorecard"],
  merchant: ["商家", "Merchant"],
  orders: ["订单数", "Orders"],
  foodComplaints: ["食品问题投诉", "Food complaints"],
  foodRate: ["食品问题投诉率", "Food complaint rate"],
  talk: ["约谈", "Talk"],
  talkYes: ["需约谈", "Call in"],
} as const;

export type ReportWord = keyof typeof WORDS;
export const reportWord = (key: ReportWord, locale: Locale): string => WORDS[key][locale === "en" ? 1 : 0];
