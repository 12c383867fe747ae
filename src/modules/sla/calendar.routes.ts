import type { FastifyInstance } from "fastify";
import type { Transaction } from "kysely";
import { Type as T } from "typebox";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, type ErrorDetail, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { need, principalOf } from "../users/auth.ts";
import { type DayKind, localDate, localInstant, yearOverview } from "./calendar.domain.ts";
import {
  calendarOf,
  deleteCalendarDay,
  findCalendarDay,
  listCalendarChanges,
  listCalendarDays,
  listCalendarYears,
  putCalendarDay,
  reloadCalendar,
  replaceCalendarYear,
} from "./calendar.store.ts";
import { moveClocksToCalendar } from "./sla.commands.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const DATE = "^\\d{4}-\\d{2}-\\d{2}$";
const Kind = T.Union([T.Literal("holiday"), T.Literal("workday")], {
  description: "holiday: a day off (served with holiday hours); workday: an adjusted working day (调休上班)",
});
const Day = T.Object({
  date: T.String({ pattern: DATE }),
  kind: Kind,
  name: T.String(),
  source: T.String(),
  updatedBy: T.Union([T.String(), T.Null()]),
  updatedAt: T.String(),
  reason: T.Union([T.String(), T.Null()], { description: "why an admin last changed the day" }),
});
const Change = T.Object({
  date: T.String(),
  action: T.Union([T.Literal("put"), T.Literal("remove"), T.Literal("replace_year")]),
  kind: T.Union([T.String(), T.Null()]),
  name: T.Union([T.String(), T.Null()]),
  reason: T.String(),
  changedBy: T.String(),
  changedAt: T.String(),
});
const Reason = T.String({
  minLength: 1,
  maxLength: 200,
  description: "why the calendar changes (kept with who changed it)",
});
const Hours = T.Object({ open: T.String(), close: T.String() });

const dayJson = (d: Awaited<ReturnType<typeof listCalendarDays>>[number]) => ({
  ...d,
  updatedAt: d.updatedAt.toISOString(),
});

/**
 * A real calendar date of the years the calendar keeps: 2026-02-30 is refused, not rolled over, and so are
 * 0000-00-00 (not a date at all) and year 0 (which PostgreSQL's date type does not have).
 */
const isDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < 2000 || year > 2100 || Number.isNaN(Date.parse(`${value}T12:00:00Z`))) return false;
  return localDate(localInstant(value, "12:00")) === value;
};

/** Text fields must say something once trimmed; each blank one is named. */
function blankFields(fields: Record<string, string>): ErrorDetail[] {
  return Object.entries(fields)
    .filter(([, value]) => !value.trim())
    .map(([field]) => ({
      field,
      code: "REQUIRED",
      message: text(`请填写${field === "reason" ? "变更原因" : "名称"}`, `${field} must not be blank`),
    }));
}

const badDate = (field: string): ErrorDetail => ({
  field,
  code: "INVALID_DATE",
  message: text("日期格式应为 YYYY-MM-DD 且真实存在", "must be a real date as YYYY-MM-DD"),
});

/**
 * The business calendar for admins: public holidays and adjusted working days (调休) per year, seeded
 * from the State Council notices and editable. A change moves the running clocks it reaches at once.
 */
export function calendarRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/calendar",
    {
      preValidation: need("calendar.read"),
      schema: {
        tags: ["sla"],
        summary: "The business calendar of a year: holidays, adjusted working days, service hours",
        querystring: T.Object({ year: T.Optional(T.Integer({ minimum: 2000, maximum: 2100 })) }),
        response: {
          200: T.Object({
            timezone: T.String(),
            year: T.Integer(),
            days: T.Array(Day),
            summary: T.Object({
              workdays: T.Integer(),
              restDays: T.Integer(),
              holidays: T.Integer(),
              adjustedWorkdays: T.Integer(),
            }),
            years: T.Array(T.Object({ year: T.Integer(), source: T.String() })),
            changes: T.Array(Change, { description: "the admins' edits of this year, newest first" }),
            serviceHours: T.Array(T.Object({ businessLine: T.String(), workdays: Hours, holidays: Hours })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { year: asked } = request.query as { year?: number };
      const year = asked ?? Number(localDate(ctx.clock.now()).slice(0, 4));
      const calendar = await calendarOf(ctx.db);
      const [days, years, changes] = await Promise.all([
        listCalendarDays(ctx.db, year),
        listCalendarYears(ctx.db),
        listCalendarChanges(ctx.db, year),
      ]);
      return {
        timezone: "Asia/Shanghai",
        year,
        days: days.map(dayJson),
        summary: yearOverview(calendar, year),
        years,
        changes: changes.map((c) => ({ ...c, changedAt: c.changedAt.toISOString() })),
        serviceHours: [...ctx.packs.values()].map((p) => ({
          businessLine: p.businessLine,
          workdays: p.serviceHours.workdays,
          holidays: p.serviceHours.holidays,
        })),
      };
    },
  );

  /** Applies a change, then moves the clocks it reaches (from the first day changed on). */
  const change = async (firstDay: string, write: (trx: Transaction<Database>) => Promise<void>) => {
    const before = await calendarOf(ctx.db);
    await ctx.db.transaction().execute(write);
    const after = await reloadCalendar(ctx.db);
    const now = ctx.clock.now();
    const from = localInstant(firstDay);
    return moveClocksToCalendar(
      ctx.db,
      ctx.packs,
      before,
      after,
      from.getTime() > now.getTime() ? from : now,
      now,
    );
  };

  app.put(
    "/api/v1/calendar/days/:date",
    {
      preValidation: need("calendar.manage"),
      schema: {
        tags: ["sla"],
        summary: "Mark one day a holiday or an adjusted working day (admin)",
        params: T.Object({ date: T.String({ pattern: DATE }) }),
        body: T.Object({ kind: Kind, name: T.String({ minLength: 1, maxLength: 50 }), reason: Reason }),
        response: { 200: T.Object({ day: Day, movedClocks: T.Integer() }), ...errors },
      },
    },
    async (request) => {
      const { date } = request.params as { date: string };
      const { kind, name, reason } = request.body as { kind: DayKind; name: string; reason: string };
      const details = [...(isDate(date) ? [] : [badDate("date")]), ...blankFields({ name, reason })];
      if (details.length) throw validationError(details);
      const p = principalOf(request);
      const movedClocks = await change(date, (trx) =>
        putCalendarDay(
          trx,
          { date, kind, name: name.trim(), reason: reason.trim() },
          p.name,
          ctx.clock.now(),
        ),
      );
      return { day: dayJson((await findCalendarDay(ctx.db, date))!), movedClocks };
    },
  );

  app.delete(
    "/api/v1/calendar/days/:date",
    {
      preValidation: need("calendar.manage"),
      schema: {
        tags: ["sla"],
        summary: "Remove a day's entry: the weekday rule applies to it again (admin)",
        params: T.Object({ date: T.String({ pattern: DATE }) }),
        querystring: T.Object({ reason: Reason }),
        response: { 200: T.Object({ date: T.String(), movedClocks: T.Integer() }), ...errors },
      },
    },
    async (request) => {
      const { date } = request.params as { date: string };
      const { reason } = request.query as { reason: string };
      const details = [...(isDate(date) ? [] : [badDate("date")]), ...blankFields({ reason })];
      if (details.length) throw validationError(details);
      if (!(await findCalendarDay(ctx.db, date)))
        throw new AppError("NOT_FOUND", 404, text("日历中没有这一天", "This day is not in the calendar"));
      const p = principalOf(request);
      const movedClocks = await change(date, async (trx) => {
        await deleteCalendarDay(trx, date, reason.trim(), p.name, ctx.clock.now());
      });
      return { date, movedClocks };
    },
  );

  app.put(
    "/api/v1/calendar/years/:year",
    {
      preValidation: need("calendar.manage"),
      schema: {
        tags: ["sla"],
        summary:
          "Replace a year's holidays and adjusted working days, e.g. from a new State Council notice (admin)",
        params: T.Object({ year: T.Integer({ minimum: 2000, maximum: 2100 }) }),
        body: T.Object({
          source: T.String({
            minLength: 1,
            maxLength: 200,
            description: "e.g. the notice's title and number",
          }),
          days: T.Array(
            T.Object({
              date: T.String({ pattern: DATE }),
              kind: Kind,
              name: T.String({ minLength: 1, maxLength: 50 }),
            }),
            { maxItems: 366 },
          ),
        }),
        response: {
          200: T.Object({ year: T.Integer(), days: T.Integer(), movedClocks: T.Integer() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { year } = request.params as { year: number };
      const body = request.body as { source: string; days: { date: string; kind: DayKind; name: string }[] };
      const details: ErrorDetail[] = [];
      const seen = new Set<string>();
      body.days.forEach((d, i) => {
        if (!isDate(d.date) || !d.date.startsWith(`${year}-`)) details.push(badDate(`days.${i}.date`));
        else if (seen.has(d.date))
          details.push({
            field: `days.${i}.date`,
            code: "DUPLICATE_DATE",
            message: text("同一天只能出现一次", "each date may appear once"),
          });
        seen.add(d.date);
      });
      if (details.length) throw validationError(details);
      const p = principalOf(request);
      const movedClocks = await change(`${year}-01-01`, (trx) =>
        replaceCalendarYear(trx, year, body.days, body.source.trim(), p.name, ctx.clock.now()),
      );
      return { year, days: body.days.length, movedClocks };
    },
  );
}
