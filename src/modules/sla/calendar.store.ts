import { sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { type BusinessCalendar, type CalendarDay, type DayKind, makeCalendar } from "./calendar.domain.ts";
import { SHIPPED_YEARS, sourceOf } from "./holidays.ts";

/**
 * The editable business calendar: the days that differ from the weekday rule, seeded once per year from
 * the shipped State Council data and then owned by the admins. Every process keeps the calendar in
 * memory (intake must not pay a round trip for it) and re-reads it at most a minute after a change made
 * by another process; the process that makes a change sees it at once.
 */

export interface CalendarDayRow extends CalendarDay {
  source: string;
  updatedBy: string | null;
  updatedAt: Date;
  /** Why an admin last changed the day; null as shipped. */
  reason: string | null;
}

export interface CalendarChangeRow {
  date: string;
  action: "put" | "remove" | "replace_year";
  kind: string | null;
  name: string | null;
  reason: string;
  changedBy: string;
  changedAt: Date;
}

/** Who changed which day, how and why: written in the transaction of the change. */
async function recordChange(
  trx: Transaction<Database>,
  change: Omit<CalendarChangeRow, "changedAt">,
  now: Date,
): Promise<void> {
  await trx
    .insertInto("calendar_changes")
    .values({
      day: change.date,
      action: change.action,
      kind: change.kind,
      name: change.name,
      reason: change.reason,
      changed_by: change.changedBy,
      changed_at: now,
    })
    .execute();
}

/** The calendar edits of a year, newest first. */
export async function listCalendarChanges(db: Executor, year: number): Promise<CalendarChangeRow[]> {
  const rows = await db
    .selectFrom("calendar_changes")
    .select([
      sql<string>`to_char(day, 'YYYY-MM-DD')`.as("date"),
      "action",
      "kind",
      "name",
      "reason",
      "changed_by",
      "changed_at",
    ])
    .where("day", ">=", `${year}-01-01`)
    .where("day", "<", `${year + 1}-01-01`)
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    date: r.date,
    action: r.action,
    kind: r.kind,
    name: r.name,
    reason: r.reason,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  }));
}

type Executor = Db | Transaction<Database>;

/** Seeds each shipped year the database has not seen yet; a year seeded once is the admins' from then on. */
export async function seedShippedCalendar(db: Db, now: Date): Promise<number> {
  let seeded = 0;
  for (const year of SHIPPED_YEARS) {
    const source = sourceOf(year);
    await db.transaction().execute(async (trx) => {
      // A second process seeding at the same moment waits here for the first and then finds the year.
      const claimed = await trx
        .insertInto("calendar_years")
        .values({ year: year.year, source, seeded_at: now })
        .onConflict((oc) => oc.column("year").doNothing())
        .returning("year")
        .execute();
      if (!claimed.length) return;
      await trx
        .insertInto("calendar_days")
        .values(
          year.days.map((d) => ({
            day: d.date,
            kind: d.kind,
            name: d.name,
            source,
            updated_by: null,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.column("day").doNothing())
        .execute();
      seeded++;
    });
  }
  return seeded;
}

export async function listCalendarDays(db: Executor, year?: number): Promise<CalendarDayRow[]> {
  let q = db
    .selectFrom("calendar_days")
    .select([
      sql<string>`to_char(day, 'YYYY-MM-DD')`.as("date"),
      "kind",
      "name",
      "source",
      "updated_by",
      "updated_at",
      "reason",
    ]);
  if (year !== undefined) q = q.where("day", ">=", `${year}-01-01`).where("day", "<", `${year + 1}-01-01`);
  const rows = await q.orderBy("day").execute();
  return rows.map((r) => ({
    date: r.date,
    kind: r.kind,
    name: r.name,
    source: r.source,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
    reason: r.reason,
  }));
}

export async function listCalendarYears(db: Executor): Promise<{ year: number; source: string }[]> {
  return db.selectFrom("calendar_years").select(["year", "source"]).orderBy("year").execute();
}

export async function findCalendarDay(db: Executor, date: string): Promise<CalendarDayRow | undefined> {
  return (await listCalendarDays(db, Number(date.slice(0, 4)))).find((d) => d.date === date);
}

export async function putCalendarDay(
  trx: Transaction<Database>,
  day: { date: string; kind: DayKind; name: string; reason: string },
  actor: string,
  now: Date,
): Promise<void> {
  const values = {
    kind: day.kind,
    name: day.name,
    source: "admin",
    updated_by: actor,
    updated_at: now,
    reason: day.reason,
  };
  await trx
    .insertInto("calendar_days")
    .values({ day: day.date, ...values })
    .onConflict((oc) => oc.column("day").doUpdateSet(values))
    .execute();
  await recordChange(
    trx,
    { date: day.date, action: "put", kind: day.kind, name: day.name, reason: day.reason, changedBy: actor },
    now,
  );
}

export async function deleteCalendarDay(
  trx: Transaction<Database>,
  date: string,
  reason: string,
  actor: string,
  now: Date,
): Promise<boolean> {
  const r = await trx.deleteFrom("calendar_days").where("day", "=", date).executeTakeFirst();
  if (!Number(r.numDeletedRows)) return false;
  await recordChange(trx, { date, action: "remove", kind: null, name: null, reason, changedBy: actor }, now);
  return true;
}

/** Replaces a whole year's days, e.g. with the next State Council notice; the year counts as seeded. */
export async function replaceCalendarYear(
  trx: Transaction<Database>,
  year: number,
  days: { date: string; kind: DayKind; name: string }[],
  source: string,
  actor: string,
  now: Date,
): Promise<void> {
  await trx
    .deleteFrom("calendar_days")
    .where("day", ">=", `${year}-01-01`)
    .where("day", "<", `${year + 1}-01-01`)
    .execute();
  if (days.length)
    await trx
      .insertInto("calendar_days")
      .values(
        days.map((d) => ({
          day: d.date,
          kind: d.kind,
          name: d.name,
          source,
          updated_by: actor,
          updated_at: now,
        })),
      )
      .execute();
  await trx
    .insertInto("calendar_years")
    .values({ year, source, seeded_at: now })
    .onConflict((oc) => oc.column("year").doUpdateSet({ source }))
    .execute();
  await recordChange(
    trx,
    {
      date: `${year}-01-01`,
      action: "replace_year",
      kind: null,
      name: null,
      reason: source,
      changedBy: actor,
    },
    now,
  );
}

const REFRESH_MS = 60_000;

/** The calendar as this process knows it: read at first use, then refreshed in the background. */
class CalendarCache {
  private value: BusinessCalendar | null = null;
  private loadedAt = 0;
  private loading: Promise<BusinessCalendar> | null = null;
  private seeded = false;

  constructor(private readonly db: Db) {}

  async get(): Promise<BusinessCalendar> {
    if (!this.value) return this.load();
    // A stale calendar still answers at once; the fresh one arrives for the next caller.
    if (Date.now() - this.loadedAt > REFRESH_MS) this.load().catch(() => {});
    return this.value;
  }

  /** After a change: a load already under way may have read the calendar before the change. */
  async reload(): Promise<BusinessCalendar> {
    if (this.loading) await this.loading.catch(() => {});
    return this.load();
  }

  load(): Promise<BusinessCalendar> {
    this.loading ??= (async () => {
      try {
        if (!this.seeded) {
          await seedShippedCalendar(this.db, new Date());
          this.seeded = true;
        }
        const days = await listCalendarDays(this.db);
        this.value = makeCalendar(days);
        this.loadedAt = Date.now();
        return this.value;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}

const caches = new WeakMap<Db, CalendarCache>();

function cacheOf(db: Db): CalendarCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new CalendarCache(db);
    caches.set(db, cache);
  }
  return cache;
}

/** This process's business calendar for the database (seeded on first use). */
export const calendarOf = (db: Db): Promise<BusinessCalendar> => cacheOf(db).get();

/** Re-reads the calendar now: after this process changed it. */
export const reloadCalendar = (db: Db): Promise<BusinessCalendar> => cacheOf(db).reload();
