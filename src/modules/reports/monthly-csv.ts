import type { Locale } from "../../platform/errors.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import type { MonthlyReport } from "./monthly.ts";
import type { Kpis, TargetCheck } from "./reports.domain.ts";

/**
 * The monthly report as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads Chinese as
 * GBK and shows mojibake), CRLF line ends, every field quoted. The XLSX and PDF exports share its words.
 */
const BOM = "\uFEFF";

type Cell = string | number | boolean | null;
const field = (v: Cell) => `"${v === null ? "" : String(v).replace(/"/g, '""')}"`;
const line = (cells: Cell[]) => cells.map(field).join(",");
const pct = (v: number | null) => (v === null ? null : `${(v * 100).toFixed(2)}%`);

export const WORDS = {
  "zh-CN": {
    title: "月度售后服务报告",
    metric: "指标",
    thisMonth: "本月",
    lastMonth: "上月",
    lastYear: "去年同月",
    target: "目标",
    met: "达标",
    tickets: "工单量",
    resolutionRate: "投诉解决率",
    avgResolutionMinutes: "平均解决时长（分钟）",
    satisfactionAvg: "满意度（5分制）",
    secondRoundRate: "二次处理率",
    escalationRate: "升级率",
    withdrawalRate: "撤销率",
    avgFirstResponseMinutes: "平均首次响应（分钟）",
    slaAttainment: "时效达成率",
    complaintRate: "投诉率（工单/订单）",
    category: "问题类型",
    subType: "细分类型",
    count: "数量",
    share: "占比",
    merchant: "商家",
    region: "区域",
    incidents: "本月事件",
    kind: "类型",
    status: "状态",
    openedAt: "发生时间",
    reason: "原因",
    summary: "概要",
    yes: "是",
    no: "否",
  },
  en: {
    title: "Monthly after-sales service report",
    metric: "Metric",
    thisMonth: "This month",
    lastMonth: "Last month",
    lastYear: "Same month last year",
    target: "Target",
    met: "Met",
    tickets: "Tickets",
    resolutionRate: "Resolution rate",
    avgResolutionMinutes: "Average resolution time (min)",
    satisfactionAvg: "Satisfaction (of 5)",
    secondRoundRate: "Second-round rate",
    escalationRate: "Escalation rate",
    withdrawalRate: "Withdrawal rate",
    avgFirstResponseMinutes: "Average first response (min)",
    slaAttainment: "SLA attainment",
    complaintRate: "Complaint rate (tickets / orders)",
    category: "Category",
    subType: "Sub-type",
    count: "Count",
    share: "Share",
    merchant: "Merchant",
    region: "Region",
    incidents: "Incidents of the month",
    kind: "Kind",
    status: "Status",
    openedAt: "Opened at",
    reason: "Reason",
    summary: "Summary",
    yes: "yes",
    no: "no",
  },
} as const;

/** The pack's names of a category and a sub-type in the reader's language; the code when it has none. */
export function labelsOf(pack: PolicyPack | undefined, locale: Locale) {
  return {
    category: (code: string) => pack?.categories.find((c) => c.code === code)?.labels[locale] ?? code,
    subType: (category: string, code: string) =>
      pack?.categories.find((c) => c.code === category)?.subTypes.find((s) => s.code === code)?.labels[
        locale
      ] ?? code,
  };
}

export function monthlyCsv(r: MonthlyReport, pack: PolicyPack | undefined, locale: Locale): string {
  const w = WORDS[locale];
  const { category: categoryLabel, subType: subTypeLabel } = labelsOf(pack, locale);
  const yesNo = (met: boolean | null) => (met === null ? null : met ? w.yes : w.no);
  const same = (v: number | null) => v;
  /** One KPI this month, last month, a year ago, and beside its target when the pack sets one. */
  const kpiRow = (
    label: string,
    kpi: keyof Kpis,
    format: (v: number | null) => Cell,
    check?: TargetCheck,
  ) => [
    label,
    format(r.kpis[kpi]),
    format(r.lastMonth[kpi]),
    format(r.lastYear[kpi]),
    check ? format(check.target) : null,
    check ? yesNo(check.met) : null,
  ];
  const rows: Cell[][] = [
    [w.title, pack?.labels[locale] ?? r.businessLine, r.month],
    [],
    [w.metric, w.thisMonth, w.lastMonth, w.lastYear, w.target, w.met],
    kpiRow(w.tickets, "tickets", same),
    kpiRow(w.resolutionRate, "resolutionRate", pct, r.targets.resolutionRate),
    kpiRow(w.avgResolutionMinutes, "avgResolutionMinutes", same, r.targets.handlingMinutes),
    kpiRow(w.satisfactionAvg, "satisfactionAvg", same, r.targets.satisfaction),
    kpiRow(w.secondRoundRate, "secondRoundRate", pct),
    kpiRow(w.escalationRate, "escalationRate", pct),
    kpiRow(w.withdrawalRate, "withdrawalRate", pct),
    kpiRow(w.avgFirstResponseMinutes, "avgFirstResponseMinutes", same),
    kpiRow(w.slaAttainment, "slaAttainment", pct),
    [w.complaintRate, pct(r.complaintRate)],
    [],
    [w.category, w.count, w.share],
    ...r.categoryShares.map((c) => [categoryLabel(c.category), c.count, pct(c.share)]),
    [],
    [w.category, w.subType, w.count, w.share],
    ...r.topSubTypes.map((s) => [
      categoryLabel(s.category),
      subTypeLabel(s.category, s.subType),
      s.count,
      pct(s.share),
    ]),
    [],
    [w.merchant, w.count, w.share],
    ...r.topMerchants.map((m) => [
      m.name ? `${m.name} (${m.merchantId})` : m.merchantId,
      m.count,
      pct(m.share),
    ]),
    [],
    [w.region, w.count, w.share],
    ...r.topRegions.map((g) => [g.region, g.count, pct(g.share)]),
  ];
  return `${BOM}${rows.map(line).join("\r\n")}\r\n`;
}
