import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { CategoryWeek, DayCount, HourCount } from "./analytics.domain.ts";
import { RIDER_MEASURES } from "./rollups.store.ts";

/**
 * What trends, heat maps, the weekly analysis and the rider scorecard read: sums over the daily and the
 * rider rollups. Day ranges are [from, to) of Beijing days.
 */
export interface DayRange {
  from: string;
  to: string;
  businessLine?: string | undefined;
}

const inRange = (r: DayRange) => sql`day >= ${r.from} and day < ${r.to}
  ${r.businessLine ? sql`and business_line = ${r.businessLine}` : sql``}`;

export async function ticketsPerDay(db: Db, r: DayRange): Promise<DayCount[]> {
  const rows = await sql<{ day: string; business_line: string; category: string; n: string }>`
    select day, business_line, category, sum(received)::bigint as n from report_daily
    where ${inRange(r)} group by day, business_line, category`.execute(db);
  return rows.rows.map((x) => ({
    day: x.day,
    businessLine: x.business_line,
    category: x.category,
    count: Number(x.n),
  }));
}

/** Tickets per hour of the day and region, or per hour and day (the domain folds days into weekdays). */
export async function ticketsPerHour(db: Db, r: DayRange, by: "region" | "weekday"): Promise<HourCount[]> {
  const row = sql.raw(by === "region" ? "region" : "day");
  const rows = await sql<{ row: string; hour: number; n: string }>`
    select ${row} as row, hour, sum(received)::bigint as n from report_daily
    where ${inRange(r)} group by ${row}, hour`.execute(db);
  return rows.rows.map((x) => ({ row: x.row, hour: Number(x.hour), count: Number(x.n) }));
}

export async function categoriesOf(db: Db, r: DayRange): Promise<CategoryWeek[]> {
  const rows = await sql<{
    business_line: string;
    category: string;
    n: string;
    met: string;
    breached: string;
  }>`
    select business_line, category, sum(received)::bigint as n, sum(clocks_met)::bigint as met,
      sum(clocks_breached)::bigint as breached
    from report_daily where ${inRange(r)} group by business_line, category`.execute(db);
  return rows.rows.map((x) => ({
    businessLine: x.business_line,
    category: x.category,
    count: Number(x.n),
    clocksMet: Number(x.met),
    clocksBreached: Number(x.breached),
  }));
}

type RiderMeasure = (typeof RIDER_MEASURES)[number];
export type RiderRow = { riderId: string; businessLine: string; category: string } & Record<
  RiderMeasure,
  number
>;

export async function riderRows(
  db: Db,
  q: { month: string; businessLine?: string | undefined; riderId?: string | undefined },
): Promise<RiderRow[]> {
  const rows = await sql<Record<string, unknown>>`select * from report_rider_monthly
    where month = ${q.month}
      ${q.businessLine ? sql`and business_line = ${q.businessLine}` : sql``}
      ${q.riderId ? sql`and rider_id = ${q.riderId}` : sql``}`.execute(db);
  return rows.rows.map((x) => ({
    riderId: String(x.rider_id),
    businessLine: String(x.business_line),
    category: String(x.category),
    ...(Object.fromEntries(RIDER_MEASURES.map((m) => [m, Number(x[m] ?? 0)])) as Record<
      RiderMeasure,
      number
    >),
  }));
}
