/**
 * The business calendar in Asia/Shanghai (UTC+8 all year, no daylight saving): which days are working
 * days, when service is open on a day, and arithmetic in business time — "30 minutes of service time",
 * "within 3 business days". Pure: the holidays come in as data, every instant as an argument.
 *
 * A day is a working day when it is Monday to Friday and not a public holiday, or when it is an adjusted
 * working day (调休上班, usually a Saturday or Sunday). Every other day is a rest day and is served with
 * the pack's holiday hours. Durations are in milliseconds; a negative duration counts backwards.
 */

export type DayKind = "holiday" | "workday";

export interface CalendarDay {
  date: string;
  kind: DayKind;
  name: string;
}

/** The days that differ from the weekday rule, by local date "YYYY-MM-DD". */
export interface BusinessCalendar {
  readonly overrides: ReadonlyMap<string, DayKind>;
}

export interface OpeningHours {
  open: string;
  close: string;
}

/** A pack's service hours: on working days, and on rest days (weekends and public holidays). */
export interface ServiceHours {
  workdays: OpeningHours;
  holidays: OpeningHours;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const UTC_OFFSET = 8 * 3_600_000;
/** No service window in this many days in a row means the hours can never be met: a bad pack, not a loop. */
const MAX_DAYS_SEARCHED = 400;

export function makeCalendar(days: Iterable<{ date: string; kind: DayKind }>): BusinessCalendar {
  const overrides = new Map<string, DayKind>();
  for (const d of days) overrides.set(d.date, d.kind);
  return { overrides };
}

/** Days since 1970-01-01 in Shanghai local time. */
const localDayOf = (ms: number): number => Math.floor((ms + UTC_OFFSET) / DAY);
const dayStart = (day: number): number => day * DAY - UTC_OFFSET;
const dateOfDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOfDate = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);

/** "2026-02-14" for an instant, in Shanghai. */
export const localDate = (at: Date): string => dateOfDay(localDayOf(at.getTime()));

/** The instant a Shanghai wall-clock time happens: localInstant("2026-02-14", "09:30"). */
export function localInstant(date: string, time = "00:00"): Date {
  return new Date(dayStart(dayOfDate(date)) + minutesOf(time) * MINUTE);
}

/** "09:00" → 540; "24:00" is the end of the day. */
export function minutesOf(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`not a time of day: "${time}"`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || minutes > 1440) throw new Error(`not a time of day: "${time}"`);
  return minutes;
}

/** Monday to Friday work unless the calendar says otherwise. */
function isWorkdayIndex(calendar: BusinessCalendar, day: number): boolean {
  const override = calendar.overrides.get(dateOfDay(day));
  if (override) return override === "workday";
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday >= 1 && weekday <= 5;
}

export const isWorkday = (calendar: BusinessCalendar, date: string): boolean =>
  isWorkdayIndex(calendar, dayOfDate(date));

/** Service on one local day as [start, end) in epoch ms; null when it is closed all day. */
function windowOf(calendar: BusinessCalendar, hours: ServiceHours, day: number): [number, number] | null {
  const h = isWorkdayIndex(calendar, day) ? hours.workdays : hours.holidays;
  const open = minutesOf(h.open);
  const close = minutesOf(h.close);
  if (close <= open) return null;
  return [dayStart(day) + open * MINUTE, dayStart(day) + close * MINUTE];
}

export function isWithinServiceHours(at: Date, hours: ServiceHours, calendar: BusinessCalendar): boolean {
  const w = windowOf(calendar, hours, localDayOf(at.getTime()));
  return !!w && at.getTime() >= w[0] && at.getTime() < w[1];
}

/** The instant service is (or next becomes) open: `at` itself during service hours. */
export function nextOpening(at: Date, hours: ServiceHours, calendar: BusinessCalendar): Date {
  return addBusinessTime(at, 0, hours, calendar);
}

/**
 * `at` moved by `durationMs` of service time. Time outside service hours does not count, so a request
 * arriving after hours starts its clock at the next opening. A positive duration that ends exactly at
 * closing ends at closing; zero gives the next opening.
 */
export function addBusinessTime(
  at: Date,
  durationMs: number,
  hours: ServiceHours,
  calendar: BusinessCalendar,
): Date {
  if (durationMs < 0) return subtractBusinessTime(at, -durationMs, hours, calendar);
  let cursor = at.getTime();
  let left = durationMs;
  let day = localDayOf(cursor);
  for (let searched = 0; searched < MAX_DAYS_SEARCHED; day++) {
    const w = windowOf(calendar, hours, day);
    if (!w || cursor >= w[1]) {
      searched = w ? 0 : searched + 1;
      continue;
    }
    searched = 0;
    cursor = Math.max(cursor, w[0]);
    const available = w[1] - cursor;
    if (left <= available) return new Date(cursor + left);
    left -= available;
  }
  throw new Error(`no service hours within ${MAX_DAYS_SEARCHED} days: check the pack's serviceHours`);
}

function subtractBusinessTime(
  at: Date,
  durationMs: number,
  hours: ServiceHours,
  calendar: BusinessCalendar,
): Date {
  let cursor = at.getTime();
  let left = durationMs;
  let day = localDayOf(cursor);
  for (let searched = 0; searched < MAX_DAYS_SEARCHED; day--) {
    const w = windowOf(calendar, hours, day);
    if (!w || cursor <= w[0]) {
      searched = w ? 0 : searched + 1;
      continue;
    }
    searched = 0;
    cursor = Math.min(cursor, w[1]);
    const available = cursor - w[0];
    if (left <= available) return new Date(cursor - left);
    left -= available;
  }
  throw new Error(`no service hours within ${MAX_DAYS_SEARCHED} days: check the pack's serviceHours`);
}

/** Service time between two instants; negative when `to` is before `from`. */
export function businessTimeBetween(
  from: Date,
  to: Date,
  hours: ServiceHours,
  calendar: BusinessCalendar,
): number {
  if (to.getTime() < from.getTime()) return -businessTimeBetween(to, from, hours, calendar);
  const a = from.getTime();
  const b = to.getTime();
  let total = 0;
  for (let day = localDayOf(a); day <= localDayOf(b); day++) {
    const w = windowOf(calendar, hours, day);
    if (!w) continue;
    const start = Math.max(a, w[0]);
    const end = Math.min(b, w[1]);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * "Within n business days": the end of service on the n-th working day after the day of `at`
 * (a request on Friday evening with 1 business day is due at Monday's closing, or at the adjusted
 * working Saturday's). The day of `at` itself does not count, whatever the hour.
 */
export function addBusinessDays(
  at: Date,
  days: number,
  hours: ServiceHours,
  calendar: BusinessCalendar,
): Date {
  let day = localDayOf(at.getTime());
  let counted = 0;
  for (let guard = 0; counted < days; guard++) {
    if (guard > days * 7 + MAX_DAYS_SEARCHED) throw new Error("no working days in the calendar");
    day++;
    if (isWorkdayIndex(calendar, day)) counted++;
  }
  return new Date(dayStart(day) + minutesOf(hours.workdays.close) * MINUTE);
}

/** How a year splits into working days and rest days, and how many days the calendar overrides. */
export function yearOverview(
  calendar: BusinessCalendar,
  year: number,
): { workdays: number; restDays: number; holidays: number; adjustedWorkdays: number } {
  let workdays = 0;
  let restDays = 0;
  let holidays = 0;
  let adjustedWorkdays = 0;
  for (let day = dayOfDate(`${year}-01-01`); day < dayOfDate(`${year + 1}-01-01`); day++) {
    if (isWorkdayIndex(calendar, day)) workdays++;
    else restDays++;
    const o = calendar.overrides.get(dateOfDay(day));
    if (o === "holiday") holidays++;
    if (o === "workday") adjustedWorkdays++;
  }
  return { workdays, restDays, holidays, adjustedWorkdays };
}
