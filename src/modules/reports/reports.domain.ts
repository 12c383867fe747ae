/**
 * The arithmetic of reports, pure: what one ticket contributes to the rollups, how rollup rows add up,
 * and the KPIs, shares and changes computed from the sums. No I/O, no clock.
 *
 * A ticket counts in the month it was received (Asia/Shanghai), whatever happens to it later: a ticket
 * of 31 May resolved on 1 June raises May's resolution rate. So every rate is a share of one cohort and
 * never passes 100%.
 */

export const MEASURES = [
  "received",
  "not_applicable",
  "resolved",
  "closed",
  "resolution_minutes_sum",
  "score_sum",
  "score_count",
  "second_round",
  "escalated",
  "first_response_count",
  "first_response_minutes_sum",
  "first_response_met",
  "first_response_breached",
  "resolution_met",
  "resolution_breached",
  "clocks_met",
  "clocks_breached",
  "late_delivery",
  "rider_compensation_fen",
  "positive_feedback",
  "withdrawn",
  "returned",
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = Record<Measure, number>;

export const zeroMeasures = (): Measures => Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;

/** Adds `m` (times `sign`) into `into`; returns `into`. */
export function addMeasures(into: Measures, m: Measures, sign: 1 | -1 = 1): Measures {
  for (const k of MEASURES) into[k] += sign * m[k];
  return into;
}

export const sumMeasures = (rows: readonly Measures[]): Measures =>
  rows.reduce((sum, r) => addMeasures(sum, r), zeroMeasures());

const MINUTE = 60_000;
const SHANGHAI_OFFSET = 8 * 3600_000;

export const minutesBetween = (from: Date, to: Date): number =>
  Math.max(0, Math.round((to.getTime() - from.getTime()) / MINUTE));

/** A ticket as the raw tables hold it, read by the reports job and by the check command alike. */
export interface TicketRaw {
  ticketNo: string;
  createdAt: Date;
  businessLine: string;
  merchantId: string;
  region: string;
  category: string;
  subType: string | null;
  status: string;
  mergedInto: string | null;
  resolvedAt: Date | null;
  /** Set when the ticket closes: minutes from receipt to the resolution the customer kept. */
  handlingMinutes: number | null;
  firstRespondedAt: Date | null;
  secondRounds: number;
  escalationLevel: number;
  /** The latest answered survey's score, 1–5. */
  score: number | null;
  /** Who resolved it last, else who holds it; null when nobody has. */
  agent: string | null;
  clocks: readonly { name: string; met: boolean; breached: boolean }[];
  riderId: string | null;
  /** The order was delivered after its promised time. */
  lateDelivery: boolean;
  /** Money of approved remedies whose payer is the rider (骑手承担), in fen. */
  riderCompensationFen: number;
  /** The customer withdrew it (撤销申请) and it ended so: closed without a resolution. */
  withdrawn: boolean;
  /** A return (退货) was approved for it: the public return rate counts these against orders. */
  returned: boolean;
}

export interface FactKey {
  month: string;
  businessLine: string;
  merchantId: string;
  region: string;
  category: string;
  subType: string;
  agent: string;
  riderId: string;
  /** The Beijing day (YYYY-MM-DD) and hour (0–23) of receipt. */
  day: string;
  hour: number;
}

export interface TicketFact {
  ticketNo: string;
  key: FactKey;
  measures: Measures;
}

const RESOLVED = ["resolved", "closed"];

/** What one ticket contributes. A duplicate merged into another contributes nothing: its survivor counts. */
export function factOf(t: TicketRaw): TicketFact {
  const key: FactKey = {
    month: monthOf(t.createdAt),
    businessLine: t.businessLine,
    merchantId: t.merchantId,
    region: t.region,
    category: t.category,
    subType: t.subType ?? "",
    agent: t.agent ?? "",
    riderId: t.riderId ?? "",
    day: dayOf(t.createdAt),
    hour: hourOf(t.createdAt),
  };
  const m = zeroMeasures();
  if (t.mergedInto) return { ticketNo: t.ticketNo, key, measures: m };
  const resolved = RESOLVED.includes(t.status) && t.resolvedAt !== null;
  m.received = 1;
  // Not an after-sales case (不受理), or closed without ever being resolved: outside the resolution rate.
  m.not_applicable = t.status === "not_applicable" || (t.status === "closed" && !t.resolvedAt) ? 1 : 0;
  m.resolved = resolved ? 1 : 0;
  m.closed = t.status === "closed" ? 1 : 0;
  if (resolved)
    m.resolution_minutes_sum = t.handlingMinutes ?? minutesBetween(t.createdAt, t.resolvedAt as Date);
  if (t.score !== null) {
    m.score_sum = t.score;
    m.score_count = 1;
  }
  m.second_round = t.secondRounds > 0 ? 1 : 0;
  m.escalated = t.escalationLevel > 0 ? 1 : 0;
  m.late_delivery = t.lateDelivery ? 1 : 0;
  m.rider_compensation_fen = t.riderCompensationFen;
  // 4 or 5 of 5 is good feedback: it earns the merchant and the rider reward points (DOMAIN §8).
  m.positive_feedback = t.score !== null && t.score >= 4 ? 1 : 0;
  // Reopened and resolved later, it is a resolution, not a withdrawal.
  m.withdrawn = t.withdrawn && t.status === "closed" && !t.resolvedAt ? 1 : 0;
  m.returned = t.returned ? 1 : 0;
  if (t.firstRespondedAt) {
    m.first_response_count = 1;
    m.first_response_minutes_sum = minutesBetween(t.createdAt, t.firstRespondedAt);
  }
  for (const c of t.clocks) {
    const met = c.met && !c.breached ? 1 : 0;
    const breached = c.breached ? 1 : 0;
    m.clocks_met += met;
    m.clocks_breached += breached;
    if (c.name === "firstResponse") {
      m.first_response_met += met;
      m.first_response_breached += breached;
    } else if (c.name === "resolution") {
      m.resolution_met += met;
      m.resolution_breached += breached;
    }
  }
  return { ticketNo: t.ticketNo, key, measures: m };
}

export const monthlyKeyOf = (k: FactKey) =>
  [k.month, k.businessLine, k.merchantId, k.region, k.category, k.subType].join("\u0001");
export const agentKeyOf = (k: FactKey) => [k.month, k.businessLine, k.agent].join("\u0001");
export const dailyKeyOf = (k: FactKey) =>
  [k.day, k.businessLine, k.region, k.category, k.hour].join("\u0001");
export const riderKeyOf = (k: FactKey) => [k.month, k.riderId, k.businessLine, k.category].join("\u0001");

export interface RollupDelta {
  key: FactKey;
  measures: Measures;
}

/**
 * The change to the rollups when tickets' facts move from `before` to `after`: the old contribution taken
 * out, the new one added, summed per rollup row; rows whose change is all zero are left out.
 */
export function rollupDeltas(
  before: readonly TicketFact[],
  after: readonly TicketFact[],
  keyOf: (k: FactKey) => string,
): RollupDelta[] {
  const rows = new Map<string, RollupDelta>();
  const add = (f: TicketFact, sign: 1 | -1) => {
    const k = keyOf(f.key);
    const row = rows.get(k) ?? { key: f.key, measures: zeroMeasures() };
    addMeasures(row.measures, f.measures, sign);
    rows.set(k, row);
  };
  for (const f of before) add(f, -1);
  for (const f of after) add(f, 1);
  return [...rows.values()].filter((r) => MEASURES.some((m) => r.measures[m] !== 0));
}

/** The facts in `after` that differ from those stored (`before`): a ticket an event left as it was needs no write. */
export function changedFacts(before: readonly TicketFact[], after: readonly TicketFact[]): TicketFact[] {
  const stored = new Map(before.map((f) => [f.ticketNo, f]));
  const same = (a: TicketFact, b: TicketFact) =>
    (Object.keys(a.key) as (keyof FactKey)[]).every((k) => a.key[k] === b.key[k]) &&
    MEASURES.every((m) => a.measures[m] === b.measures[m]);
  return after.filter((f) => {
    const old = stored.get(f.ticketNo);
    return !old || !same(old, f);
  });
}

// ---- months (Asia/Shanghai) ----

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (value: string): boolean => MONTH.test(value);

export function monthOf(at: Date): string {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The Beijing day of an instant, YYYY-MM-DD. */
export const dayOf = (at: Date): string =>
  new Date(at.getTime() + SHANGHAI_OFFSET).toISOString().slice(0, 10);
/** The Beijing hour of an instant, 0–23. */
export const hourOf = (at: Date): number => new Date(at.getTime() + SHANGHAI_OFFSET).getUTCHours();

/** The month `delta` months from `month` ("2026-01", -1 → "2025-12"). */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The instants a Beijing month covers: [from, to). */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(y, m - 1, 1) - SHANGHAI_OFFSET),
    to: new Date(Date.UTC(y, m, 1) - SHANGHAI_OFFSET),
  };
}

// ---- KPIs ----

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
/** A share of a whole, 4 decimals (0.9833 = 98.33%); null when there is no whole to share. */
export const ratio = (part: number, whole: number): number | null =>
  whole > 0 ? round(part / whole, 4) : null;
export const average = (sum: number, count: number, digits = 1): number | null =>
  count > 0 ? round(sum / count, digits) : null;

export interface Kpis {
  tickets: number;
  resolved: number;
  /** Resolved among the tickets that were after-sales cases (not_applicable left out). */
  resolutionRate: number | null;
  /** Minutes from receipt to resolution, over the resolved tickets. */
  avgResolutionMinutes: number | null;
  satisfactionAvg: number | null;
  surveys: number;
  secondRoundRate: number | null;
  escalationRate: number | null;
  /** Share of the tickets their customer withdrew (撤销申请): high when customers give up waiting. */
  withdrawalRate: number | null;
  avgFirstResponseMinutes: number | null;
  /** Share of stopped first-response clocks that stopped in time. */
  firstResponseOnTime: number | null;
  resolutionOnTime: number | null;
  slaAttainment: number | null;
}

export function kpisOf(m: Measures): Kpis {
  const onTime = (met: number, breached: number) => ratio(met, met + breached);
  return {
    tickets: m.received,
    resolved: m.resolved,
    resolutionRate: ratio(m.resolved, m.received - m.not_applicable),
    avgResolutionMinutes: average(m.resolution_minutes_sum, m.resolved),
    satisfactionAvg: average(m.score_sum, m.score_count, 2),
    surveys: m.score_count,
    secondRoundRate: ratio(m.second_round, m.received),
    escalationRate: ratio(m.escalated, m.received),
    withdrawalRate: ratio(m.withdrawn, m.received),
    avgFirstResponseMinutes: average(m.first_response_minutes_sum, m.first_response_count),
    firstResponseOnTime: onTime(m.first_response_met, m.first_response_breached),
    resolutionOnTime: onTime(m.resolution_met, m.resolution_breached),
    slaAttainment: onTime(m.clocks_met, m.clocks_breached),
  };
}

export type KpiChange = { [K in Exclude<keyof Kpis, "surveys" | "resolved">]: number | null } & {
  /** (this − that) ÷ that for the ticket count; the other fields are plain differences. */
  ticketsRatio: number | null;
};

/** This period against another: differences (rates in points of 1, minutes, score), and the volume ratio. */
export function changeOf(current: Kpis, previous: Kpis): KpiChange {
  const diff = (a: number | null, b: number | null, digits: number) =>
    a === null || b === null ? null : round(a - b, digits);
  return {
    tickets: current.tickets - previous.tickets,
    ticketsRatio:
      previous.tickets > 0 ? round((current.tickets - previous.tickets) / previous.tickets, 4) : null,
    resolutionRate: diff(current.resolutionRate, previous.resolutionRate, 4),
    avgResolutionMinutes: diff(current.avgResolutionMinutes, previous.avgResolutionMinutes, 1),
    satisfactionAvg: diff(current.satisfactionAvg, previous.satisfactionAvg, 2),
    secondRoundRate: diff(current.secondRoundRate, previous.secondRoundRate, 4),
    escalationRate: diff(current.escalationRate, previous.escalationRate, 4),
    withdrawalRate: diff(current.withdrawalRate, previous.withdrawalRate, 4),
    avgFirstResponseMinutes: diff(current.avgFirstResponseMinutes, previous.avgFirstResponseMinutes, 1),
    firstResponseOnTime: diff(current.firstResponseOnTime, previous.firstResponseOnTime, 4),
    resolutionOnTime: diff(current.resolutionOnTime, previous.resolutionOnTime, 4),
    slaAttainment: diff(current.slaAttainment, previous.slaAttainment, 4),
  };
}

export interface ReportTargets {
  resolutionRate: number;
  satisfaction: number;
  handlingMinutes: number;
}

export interface TargetCheck {
  target: number;
  actual: number | null;
  /** null while there is nothing to judge. */
  met: boolean | null;
}

export function targetChecks(k: Kpis, t: ReportTargets) {
  const atLeast = (actual: number | null, target: number): TargetCheck => ({
    target,
    actual,
    met: actual === null ? null : actual >= target,
  });
  const atMost = (actual: number | null, target: number): TargetCheck => ({
    target,
    actual,
    met: actual === null ? null : actual <= target,
  });
  return {
    resolutionRate: atLeast(k.resolutionRate, t.resolutionRate),
    satisfaction: atLeast(k.satisfactionAvg, t.satisfaction),
    handlingMinutes: atMost(k.avgResolutionMinutes, t.handlingMinutes),
  };
}

/** Counts as shares of their total, largest first (ties by name, so the order is stable). */
export function sharesOf<K extends string>(
  rows: readonly { name: string; count: number }[],
  total: number,
  as: K,
): ({ [P in K]: string } & { count: number; share: number })[] {
  return rows
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .map((r) => ({ [as]: r.name, count: r.count, share: ratio(r.count, total) ?? 0 }) as never);
}

/**
 * The merchant scorecard's rule (DOMAIN §8): food-problem complaints against the merchant's orders of
 * the month; above the pack's rate the merchant is called in for a talk (约谈). Without orders in the
 * month there is no rate to judge.
 */
export function merchantStanding(foodComplaints: number, orders: number, talkAbove: number) {
  // Judged on the exact fraction: a rate shown as 5.00% may still be above 5%.
  return {
    complaintRate: ratio(foodComplaints, orders),
    talk: orders > 0 && foodComplaints / orders > talkAbove,
  };
}

/** The categories that are the rider's doing or the delivery's, across the four packs. */
export const DELIVERY_CATEGORIES: readonly string[] = ["delivery", "delivery_delay", "logistics"];

/**
 * A rider's month from its rollup rows (one per line and category): delivery complaints, the share of
 * its tickets whose order came late, the compensation borne by the rider, and reward points (one per
 * piece of good feedback, 4–5 of 5).
 */
export function riderScoreOf(
  rows: readonly {
    category: string;
    received: number;
    resolved: number;
    late_delivery: number;
    rider_compensation_fen: number;
    score_sum: number;
    score_count: number;
    positive_feedback: number;
  }[],
) {
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
  const tickets = sum((r) => r.received);
  return {
    tickets,
    deliveryComplaints: sum((r) => (DELIVERY_CATEGORIES.includes(r.category) ? r.received : 0)),
    lateDeliveries: sum((r) => r.late_delivery),
    lateDeliveryShare: ratio(
      sum((r) => r.late_delivery),
      tickets,
    ),
    compensationFen: sum((r) => r.rider_compensation_fen),
    satisfactionAvg: average(
      sum((r) => r.score_sum),
      sum((r) => r.score_count),
      2,
    ),
    rewardPoints: sum((r) => r.positive_feedback),
  };
}
