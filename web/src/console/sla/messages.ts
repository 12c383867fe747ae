/** As in i18n/locale.tsx, restated so this pure module (and its tests under Node) need no JSX. */
type Locale = "zh-CN" | "en";

/**
 * The words of the SLA pages (countdowns, escalation queue, calendar admin) in both languages, kept
 * beside them rather than in the shared message files: `{name}` placeholders as in the i18n files.
 */
const MESSAGES = {
  left: ["剩 {time}", "{time} left"],
  overdue: ["已超时 {time}", "{time} overdue"],
  paused: ["已暂停", "Paused"],
  pausedLeft: ["已暂停 · 剩 {time}", "Paused · {time} left"],
  pausedOverdue: ["已暂停 · 超时 {time}", "Paused · {time} overdue"],
  met: ["已完成", "Met"],
  metLate: ["超时完成", "Met late"],
  seconds: ["{n} 秒", "{n} s"],
  minutes: ["{n} 分钟", "{n} min"],
  hoursMinutes: ["{h} 小时 {m} 分钟", "{h} h {m} min"],
  hours: ["{n} 小时", "{n} h"],
  daysHours: ["{d} 天 {h} 小时", "{d} d {h} h"],
  noClock: ["—", "—"],
  slaClocks: ["服务时限", "Deadlines"],
  dueAt: ["截止 {at}", "due {at}"],
  stoppedAt: ["完成于 {at}", "met at {at}"],
  levelFired: ["已升级 {n} 级", "escalated {n} level(s)"],
  // Escalation queue
  escalations: ["升级队列", "Escalations"],
  levelFilter: ["升级级别", "Level"],
  allLevels: ["全部级别", "All levels"],
  colLevel: ["级别", "Level"],
  colWhy: ["升级原因", "Why"],
  colEscalatedAt: ["升级时间", "Escalated at"],
  colBrokenClock: ["超时的时限", "Broken promise"],
  colOwner: ["处理人 / 队列", "Owner / queue"],
  whyText: ["{clock}超时（截止 {due}）→ {role}", "{clock} missed (due {due}) → {role}"],
  emptyEscalations: ["没有升级中的服务单", "No escalated tickets"],
  // Calendar admin
  calendar: ["工作日历", "Business calendar"],
  year: ["年份", "Year"],
  holiday: ["节假日", "Holiday"],
  workday: ["调休上班", "Adjusted working day"],
  weekend: ["周末", "Weekend"],
  date: ["日期", "Date"],
  kind: ["类型", "Kind"],
  dayName: ["名称", "Name"],
  source: ["依据", "Source"],
  sourceAdmin: ["管理员修改", "Changed by an admin"],
  changeReason: ["变更原因", "Reason"],
  updatedBy: ["修改人", "Changed by"],
  addDay: ["添加或修改日期", "Add or change a day"],
  editDay: ["修改 {date}", "Change {date}"],
  editAction: ["修改", "Edit"],
  removeDay: ["移除", "Remove"],
  removeTitle: ["移除 {date}（恢复按星期计算）", "Remove {date} (the weekday rule applies again)"],
  saved: [
    "已保存，{n} 个进行中的时限已按新日历调整",
    "Saved; {n} running deadline(s) moved to the new calendar",
  ],
  removed: ["已移除，{n} 个进行中的时限已按新日历调整", "Removed; {n} running deadline(s) moved"],
  summary: [
    "工作日 {workdays} 天，休息日 {restDays} 天（其中节假日 {holidays} 天，调休上班 {adjusted} 天）",
    "{workdays} working days, {restDays} rest days ({holidays} holidays, {adjusted} adjusted working days)",
  ],
  serviceHours: ["各业务线服务时间", "Service hours by business line"],
  workdayHours: ["工作日", "Working days"],
  holidayHours: ["休息日与节假日", "Rest days and holidays"],
  changes: ["变更记录", "Change history"],
  action_put: ["设置", "Set"],
  action_remove: ["移除", "Removed"],
  action_replace_year: ["整年替换", "Year replaced"],
  daysOfYear: ["本年特殊日期", "Special days of the year"],
  weekdays: ["一|二|三|四|五|六|日", "Mo|Tu|We|Th|Fr|Sa|Su"],
  months: [
    "1月|2月|3月|4月|5月|6月|7月|8月|9月|10月|11月|12月",
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
  ],
  // Clock names
  clock_firstResponse: ["首次响应", "First response"],
  clock_resolution: ["解决", "Resolution"],
  clock_review: ["审核", "Review"],
  clock_progressUpdate: ["进度更新", "Progress update"],
  clock_execution: ["执行单", "Execution order"],
  "clock_merchant-verification": ["商家核实", "Merchant verification"],
} as const satisfies Record<string, readonly [string, string]>;

export type SlaMessage = keyof typeof MESSAGES;
export type SlaText = (key: SlaMessage, vars?: Record<string, string | number>) => string;

export function slaText(locale: Locale): SlaText {
  const i = locale === "en" ? 1 : 0;
  return (key, vars) =>
    Object.entries(vars ?? {}).reduce(
      (text, [name, value]) => text.replaceAll(`{${name}}`, String(value)),
      MESSAGES[key][i] as string,
    );
}

/** A clock's name for people: `execution:<orderId>` is an execution order's deadline. */
export function clockName(name: string, s: SlaText): string {
  const kind = name.split(":")[0]!;
  const key = `clock_${kind}` as SlaMessage;
  return key in MESSAGES ? s(key) : name;
}
