/**
 * Trends, heat maps and the weekly analysis, pure: they fold rows of the daily rollup (tickets per
 * Beijing day, hour, line, region and category) into series and cells. Days are YYYY-MM-DD strings of
 * Beijing time; weeks start on Monday.
 */
import { ratio } from "./reports.domain.ts";

const DAY = 86_400_000;
const DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const utcOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

export const isDay = (value: string): boolean =>
  DAY_PATTERN.test(value) && new Date(utcOf(value)).toISOString().slice(0, 10) === value;

export const addDays = (day: string, n: number): string =>
  new Date(utcOf(day) + n * DAY).toISOString().slice(0, 10);

/** 1 = Monday … 7 = Sunday. */
export const weekdayOf = (day: string): number => ((new Date(utcOf(day)).getUTCDay() + 6) % 7) + 1;

export const mondayOf = (day: string): string => addDays(day, 1 - weekdayOf(day));

export const daysFromTo = (from: string, to: string): number => Math.round((utcOf(to) - utcOf(from)) / DAY);

export type Granularity = "day" | "week";

export interface DayCount {
  day: string;
  businessLine: string;
  category: string;
  count: number;
}

/** The periods (days, or Mondays of weeks) covering [from, to]. */
export function periodsOf(from: string, to: string, granularity: Granularity): string[] {
  const out: string[] = [];
  const step = granularity === "day" ? 1 : 7;
  for (let d = granularity === "day" ? from : mondayOf(from); d <= to; d = addDays(d, step)) out.push(d);
  return out;
}

/** Tickets per period of each line and of each (line, category), in the order of `periodsOf`. */
export function trendOf(rows: readonly DayCount[], from: string, to: string, granularity: Granularity) {
  const periods = periodsOf(from, to, granularity);
  const index = new Map(periods.map((p, i) => [p, i]));
  const series = new Map<string, { businessLine: string; category?: string; counts: number[] }>();
  const add = (key: string, head: { businessLine: string; category?: string }, at: number, n: number) => {
    const s = series.get(key) ?? { ...head, counts: periods.map(() => 0) };
    s.counts[at] = (s.counts[at] ?? 0) + n;
    series.set(key, s);
  };
  for (const r of rows) {
    const at = index.get(granularity === "day" ? r.day : mondayOf(r.day));
    if (at === undefined) continue;
    add(r.businessLine, { businessLine: r.businessLine }, at, r.count);
    add(
      `${r.businessLine}\u0001${r.category}`,
      { businessLine: r.businessLine, category: r.category },
      at,
      r.count,
    );
  }
  const all = [...series.values()].sort(
    (a, b) =>
      a.businessLine.localeCompare(b.businessLine) || (a.category ?? "").localeCompare(b.category ?? ""),
  );
  return {
    granularity,
    periods,
    byLine: all
      .filter((s) => s.category === undefined)
      .map((s) => ({ businessLine: s.businessLine, counts: s.counts })),
    byCategory: all
      .filter((s) => s.category !== undefined)
      .map((s) => ({ businessLine: s.businessLine, category: s.category as string, counts: s.counts })),
  };
}

export interface HourCount {
  /** A region, or a day that `heatOf` folds into its weekday. */
  row: string;
  hour: number;
  count: number;
}

/**
 * The heat map's cells (only those with tickets), rows sorted; by weekday the rows are "1" (Monday) to
 * "7". The staffing suggestion per hour of the day: the busiest weekday's average tickets in that hour,
 * times the handling minutes, in agents working the full hour (rounded up).
 */
export function heatOf(rows: readonly HourCount[], by: "region" | "weekday", handlingMinutes: number) {
  const cells = new Map<string, { row: string; hour: number; count: number }>();
  const daysOfWeekday = new Map<string, Set<string>>();
  for (const r of rows) {
    const row = by === "weekday" ? String(weekdayOf(r.row)) : r.row;
    if (by === "weekday") daysOfWeekday.set(row, (daysOfWeekday.get(row) ?? new Set()).add(r.row));
    const key = `${row}\u0001${r.hour}`;
    const cell = cells.get(key) ?? { row, hour: r.hour, count: 0 };
    cell.count += r.count;
    cells.set(key, cell);
  }
  const list = [...cells.values()]
    .filter((c) => c.count > 0)
    .sort((a, b) => a.row.localeCompare(b.row) || a.hour - b.hour);
  const staffing = Array.from({ length: 24 }, (_, hour) => {
    const perDay = list
      .filter((c) => c.hour === hour)
      .map((c) => c.count / (by === "weekday" ? (daysOfWeekday.get(c.row)?.size ?? 1) : 1));
    const peak = perDay.length ? Math.max(...perDay) : 0;
    return { hour, agents: Math.ceil((peak * handlingMinutes) / 60) };
  });
  return {
    rows: [...new Set(list.map((c) => c.row))],
    cells: list,
    peak: list.reduce<(typeof list)[number] | null>((p, c) => (!p || c.count > p.count ? c : p), null),
    staffing,
  };
}

export interface CategoryWeek {
  businessLine: string;
  category: string;
  count: number;
  clocksMet: number;
  clocksBreached: number;
}

const TOP = 5;

/**
 * The weekly problem-type analysis: this week's top categories, the biggest movers against last week
 * (by absolute change, then name) and the SLA breach rate (breached clocks of all judged clocks).
 */
export function weeklyAnalysis(thisWeek: readonly CategoryWeek[], lastWeek: readonly CategoryWeek[]) {
  const keyOf = (r: CategoryWeek) => `${r.businessLine}\u0001${r.category}`;
  const before = new Map(lastWeek.map((r) => [keyOf(r), r.count]));
  const total = thisWeek.reduce((s, r) => s + r.count, 0);
  const lastTotal = lastWeek.reduce((s, r) => s + r.count, 0);
  const breachRate = (rows: readonly CategoryWeek[]) => {
    const met = rows.reduce((s, r) => s + r.clocksMet, 0);
    const breached = rows.reduce((s, r) => s + r.clocksBreached, 0);
    return ratio(breached, met + breached);
  };
  const byName = (a: { businessLine: string; category: string }, b: typeof a) =>
    a.businessLine.localeCompare(b.businessLine) || a.category.localeCompare(b.category);
  const keys = new Map<string, { businessLine: string; category: string }>();
  for (const r of [...thisWeek, ...lastWeek])
    keys.set(keyOf(r), { businessLine: r.businessLine, category: r.category });
  const now = new Map(thisWeek.map((r) => [keyOf(r), r.count]));
  return {
    tickets: total,
    lastWeekTickets: lastTotal,
    topCategories: thisWeek
      .filter((r) => r.count > 0)
      .map((r) => ({
        businessLine: r.businessLine,
        category: r.category,
        count: r.count,
        share: ratio(r.count, total) ?? 0,
      }))
      .sort((a, b) => b.count - a.count || byName(a, b))
      .slice(0, TOP),
    movers: [...keys]
      .map(([key, k]) => {
        const count = now.get(key) ?? 0;
        const last = before.get(key) ?? 0;
        return { ...k, count, lastWeek: last, change: count - last, changeRatio: ratio(count - last, last) };
      })
      .filter((m) => m.change !== 0)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || byName(a, b))
      .slice(0, TOP),
    slaBreachRate: breachRate(thisWeek),
    lastWeekSlaBreachRate: breachRate(lastWeek),
  };
}
