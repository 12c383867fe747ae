import type { Db } from "../../db/database.ts";
import type { Packs } from "../../policy-packs/load.ts";
import { BUSINESS_LINES, type BusinessLine } from "../../policy-packs/schema.ts";
import { addDays, type Granularity, heatOf, mondayOf, trendOf, weeklyAnalysis } from "./analytics.domain.ts";
import { categoriesOf, riderRows, ticketsPerDay, ticketsPerHour } from "./analytics.store.ts";
import { targetsOf } from "./monthly.ts";
import { dayOf, kpisOf, monthRange, riderScoreOf, targetChecks, zeroMeasures } from "./reports.domain.ts";
import { namesOf, sliceBy } from "./reports.store.ts";

/** Trends, heat maps, the weekly analysis, the rider scorecard and the dashboard KPIs, from the rollups. */

type Line = string | undefined;

export const trends = async (
  db: Db,
  q: { from: string; to: string; granularity: Granularity; businessLine?: Line },
) => trendOf(await ticketsPerDay(db, { ...q, to: addDays(q.to, 1) }), q.from, q.to, q.granularity);

/** The Beijing days a month covers: [first, first of next). */
const daysOfMonth = (month: string) => {
  const { from, to } = monthRange(month);
  return { from: dayOf(from), to: dayOf(to) };
};

export async function heatMap(
  db: Db,
  packs: Packs,
  q: { month: string; by: "region" | "weekday"; businessLine?: Line },
) {
  const rows = await ticketsPerHour(db, { ...daysOfMonth(q.month), businessLine: q.businessLine }, q.by);
  const pack = q.businessLine ? packs.get(q.businessLine as BusinessLine) : undefined;
  return { month: q.month, by: q.by, ...heatOf(rows, q.by, targetsOf(pack).handlingMinutes) };
}

export async function weekly(db: Db, q: { week: string; businessLine?: Line }) {
  const monday = mondayOf(q.week);
  const lastMonday = addDays(monday, -7);
  const range = (from: string) => ({ from, to: addDays(from, 7), businessLine: q.businessLine });
  return {
    week: monday,
    lastWeek: lastMonday,
    ...weeklyAnalysis(await categoriesOf(db, range(monday)), await categoriesOf(db, range(lastMonday))),
  };
}

export async function riderScorecard(
  db: Db,
  q: { month: string; businessLine?: Line; riderId?: string | undefined },
) {
  const rows = await riderRows(db, q);
  const byRider = new Map<string, typeof rows>();
  for (const r of rows) byRider.set(r.riderId, [...(byRider.get(r.riderId) ?? []), r]);
  const names = await namesOf(db, "riders", [...byRider.keys()]);
  return [...byRider]
    .map(([riderId, own]) => ({ riderId, name: names.get(riderId) ?? null, ...riderScoreOf(own) }))
    .sort(
      (a, b) =>
        b.deliveryComplaints - a.deliveryComplaints ||
        b.tickets - a.tickets ||
        a.riderId.localeCompare(b.riderId),
    );
}

/** The dashboard: each line's KPIs of the month against its pack's targets. */
export async function dashboardKpis(db: Db, packs: Packs, month: string) {
  const byLine = await sliceBy(db, { month }, ["business_line"]);
  return BUSINESS_LINES.filter((line) => packs.has(line)).map((line) => {
    const measures = byLine.find((r) => r.keys.business_line === line)?.measures;
    const kpis = kpisOf(measures ?? zeroMeasures());
    return { businessLine: line, ...kpis, targets: targetChecks(kpis, targetsOf(packs.get(line))) };
  });
}
