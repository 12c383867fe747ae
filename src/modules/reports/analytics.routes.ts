import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { type ErrorDetail, forbidden, notFound, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { NO_SUCH_ID } from "../../platform/ids.ts";
import { need, principalOf } from "../users/auth.ts";
import type { Permission } from "../users/roles.ts";
import { daysFromTo, type Granularity, isDay } from "./analytics.domain.ts";
import { dashboardKpis, heatMap, riderScorecard, trends, weekly } from "./analytics.ts";
import { checkReportQuery } from "./monthly.ts";
import { listSamples } from "./qa.store.ts";
import { drawSamples, reviewSample, sampleViews } from "./qa.ts";
import { Kpis, Line, Month, Num, Rate, Targets } from "./reports.schemas.ts";

/**
 * Trends, heat maps, the weekly analysis and the dashboard KPIs for the supervising roles; the rider
 * scorecard (a rider reads only its own); QA sampling for QA reviewers. Every figure comes from rollups.
 */
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const tags = ["reports"];
const Day = T.String({ description: "YYYY-MM-DD, a day in Beijing time", examples: ["2026-05-18"] });
const MAX_TREND_DAYS = 400;

const dayProblem = (field: string): ErrorDetail => ({
  field,
  code: "INVALID_DAY",
  message: text(`${field}：应为 YYYY-MM-DD 格式的日期`, `${field}: must be a day as YYYY-MM-DD`),
});

/** Every problem of the query at once: the month when the route takes one, the line when given, and `more`. */
function check(ctx: AppContext, q: { month?: string; businessLine?: string }, more: ErrorDetail[] = []) {
  const details = [
    ...checkReportQuery(q, ctx.packs, false).filter((d) => q.month !== undefined || d.field !== "month"),
    ...more,
  ];
  if (details.length) throw validationError(details);
}

const route = (
  app: FastifyInstance,
  method: "GET" | "POST",
  url: string,
  o: {
    permission: Permission;
    summary: string;
    query?: TSchema;
    body?: TSchema;
    params?: TSchema;
    reply: TSchema;
    status?: number;
  },
  handler: (request: FastifyRequest) => Promise<unknown>,
) =>
  app.route({
    method,
    url,
    preValidation: need(o.permission),
    schema: {
      tags,
      summary: o.summary,
      ...(o.query ? { querystring: o.query } : {}),
      ...(o.body ? { body: o.body } : {}),
      ...(o.params ? { params: o.params } : {}),
      response: { [o.status ?? 200]: o.reply, ...errors },
    },
    handler: async (request, reply) => reply.status(o.status ?? 200).send(await handler(request)),
  });

const LineKpis = T.Object({ businessLine: T.String(), ...Kpis.properties, targets: Targets });
const Counts = T.Array(T.Integer());
const CategoryCount = {
  businessLine: T.String(),
  category: T.String(),
  count: T.Integer(),
};
const Sample = T.Object({
  id: T.String(),
  month: T.String(),
  ticketNo: T.String(),
  agent: T.String(),
  agentName: T.Union([T.String(), T.Null()], { description: "the agent's display name" }),
  businessLine: T.String(),
  category: T.String(),
  drawnBy: T.String(),
  drawnAt: T.String(),
  checklist: T.Union([
    T.Object({ greeting: T.Integer(), accuracy: T.Integer(), remedy: T.Integer(), tone: T.Integer() }),
    T.Null(),
  ]),
  score: T.Union([T.Integer(), T.Null()], { description: "the checklist's average, 0–100" }),
  comment: T.Union([T.String(), T.Null()]),
  scoredBy: T.Union([T.String(), T.Null()]),
  scoredAt: T.Union([T.String(), T.Null()]),
});
const Point = T.Integer({ minimum: 0, maximum: 100 });

export function analyticsRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(
    app,
    "GET",
    "/api/v1/reports/kpis",
    {
      permission: "reports.analytics",
      summary: "Dashboard KPIs of a month: each line's figures against its pack's targets",
      query: T.Object({ month: Month }),
      reply: T.Object({ month: T.String(), lines: T.Array(LineKpis) }),
    },
    async (request) => {
      const { month } = request.query as { month: string };
      check(ctx, { month });
      return { month, lines: await dashboardKpis(ctx.db, ctx.packs, month) };
    },
  );

  route(
    app,
    "GET",
    "/api/v1/reports/trends",
    {
      permission: "reports.analytics",
      summary: "Tickets per day or week of each line and each category, from..to (Beijing days, inclusive)",
      query: T.Object({
        from: Day,
        to: Day,
        granularity: T.Optional(T.Union([T.Literal("day"), T.Literal("week")], { default: "day" })),
        businessLine: T.Optional(Line),
      }),
      reply: T.Object({
        granularity: T.String(),
        periods: T.Array(T.String(), { description: "days, or the Mondays of weeks" }),
        byLine: T.Array(T.Object({ businessLine: T.String(), counts: Counts })),
        byCategory: T.Array(T.Object({ businessLine: T.String(), category: T.String(), counts: Counts })),
      }),
    },
    async (request) => {
      const q = request.query as {
        from: string;
        to: string;
        granularity?: Granularity;
        businessLine?: string;
      };
      const problems = [
        ...(isDay(q.from) ? [] : [dayProblem("from")]),
        ...(isDay(q.to) ? [] : [dayProblem("to")]),
      ];
      if (!problems.length && (daysFromTo(q.from, q.to) < 0 || daysFromTo(q.from, q.to) > MAX_TREND_DAYS))
        problems.push({
          field: "to",
          code: "INVALID_RANGE",
          message: text(
            `to：应不早于 from，且跨度不超过 ${MAX_TREND_DAYS} 天`,
            `to: must not be before from, and at most ${MAX_TREND_DAYS} days after it`,
          ),
        });
      check(ctx, q, problems);
      return trends(ctx.db, { ...q, granularity: q.granularity ?? "day" });
    },
  );

  route(
    app,
    "GET",
    "/api/v1/reports/heatmap",
    {
      permission: "reports.analytics",
      summary: "Tickets of a month by region × hour or weekday × hour, with a staffing suggestion per hour",
      query: T.Object({
        month: Month,
        by: T.Optional(T.Union([T.Literal("region"), T.Literal("weekday")], { default: "weekday" })),
        businessLine: T.Optional(Line),
      }),
      reply: T.Object({
        month: T.String(),
        by: T.String(),
        rows: T.Array(T.String(), { description: "regions, or weekdays 1 (Monday) … 7" }),
        cells: T.Array(T.Object({ row: T.String(), hour: T.Integer(), count: T.Integer() })),
        peak: T.Union([T.Object({ row: T.String(), hour: T.Integer(), count: T.Integer() }), T.Null()]),
        staffing: T.Array(T.Object({ hour: T.Integer(), agents: T.Integer() }), {
          description: "agents to staff each hour: the busiest weekday's average × handling minutes ÷ 60",
        }),
      }),
    },
    async (request) => {
      const q = request.query as { month: string; by?: "region" | "weekday"; businessLine?: string };
      check(ctx, q);
      return heatMap(ctx.db, ctx.packs, { ...q, by: q.by ?? "weekday" });
    },
  );

  route(
    app,
    "GET",
    "/api/v1/reports/weekly",
    {
      permission: "reports.analytics",
      summary: "Weekly problem-type analysis: top categories, biggest movers vs last week, SLA breach rate",
      query: T.Object({ week: Day, businessLine: T.Optional(Line) }),
      reply: T.Object({
        week: T.String({ description: "the Monday the week starts" }),
        lastWeek: T.String(),
        tickets: T.Integer(),
        lastWeekTickets: T.Integer(),
        topCategories: T.Array(T.Object({ ...CategoryCount, share: T.Number() })),
        movers: T.Array(
          T.Object({ ...CategoryCount, lastWeek: T.Integer(), change: T.Integer(), changeRatio: Rate }),
        ),
        slaBreachRate: Rate,
        lastWeekSlaBreachRate: Rate,
      }),
    },
    async (request) => {
      const q = request.query as { week: string; businessLine?: string };
      check(ctx, q, isDay(q.week) ? [] : [dayProblem("week")]);
      return weekly(ctx.db, q);
    },
  );

  route(
    app,
    "GET",
    "/api/v1/reports/riders",
    {
      permission: "reports.riders",
      summary: "Rider scorecard: delivery complaints, late-delivery share, compensation borne by the rider",
      query: T.Object({ month: Month, businessLine: T.Optional(Line), riderId: T.Optional(T.String()) }),
      reply: T.Object({
        month: T.String(),
        items: T.Array(
          T.Object({
            riderId: T.String(),
            name: T.Union([T.String(), T.Null()]),
            tickets: T.Integer(),
            deliveryComplaints: T.Integer(),
            lateDeliveries: T.Integer(),
            lateDeliveryShare: Rate,
            compensationFen: T.Integer({ description: "approved remedies borne by the rider (骑手承担)" }),
            satisfactionAvg: Num,
            rewardPoints: T.Integer({ description: "one per good review (4–5 of 5)" }),
          }),
        ),
      }),
    },
    async (request) => {
      const q = request.query as { month: string; businessLine?: string; riderId?: string };
      check(ctx, q);
      const p = principalOf(request);
      if (p.role === "rider") {
        if (q.riderId !== undefined && q.riderId !== p.riderId) throw forbidden();
        q.riderId = p.riderId || NO_SUCH_ID;
      }
      return { month: q.month, items: await riderScorecard(ctx.db, q) };
    },
  );

  route(
    app,
    "POST",
    "/api/v1/reports/qa/samples",
    {
      permission: "qa.sample",
      status: 201,
      summary: "Draw QA samples: each agent's closed tickets of a month, stratified by category",
      body: T.Object({
        month: Month,
        perAgent: T.Optional(T.Integer({ minimum: 1, maximum: 50, default: 5 })),
        businessLine: T.Optional(Line),
        agent: T.Optional(T.String({ maxLength: 100 })),
      }),
      reply: T.Object({ drawn: T.Integer(), items: T.Array(Sample) }),
    },
    async (request) => {
      const b = request.body as { month: string; perAgent?: number; businessLine?: string; agent?: string };
      check(ctx, b);
      const rows = await drawSamples(
        ctx.db,
        { ...b, perAgent: b.perAgent ?? 5 },
        principalOf(request).name,
        ctx.clock.now(),
      );
      return { drawn: rows.length, items: await sampleViews(ctx.db, rows) };
    },
  );

  route(
    app,
    "GET",
    "/api/v1/reports/qa/samples",
    {
      permission: "qa.sample",
      summary: "QA samples of a month, per agent; `scored` filters reviewed or waiting ones",
      query: T.Object({ month: Month, agent: T.Optional(T.String()), scored: T.Optional(T.Boolean()) }),
      reply: T.Object({ items: T.Array(Sample) }),
    },
    async (request) => {
      const q = request.query as { month: string; agent?: string; scored?: boolean };
      check(ctx, q);
      return { items: await sampleViews(ctx.db, await listSamples(ctx.db, q)) };
    },
  );

  route(
    app,
    "POST",
    "/api/v1/reports/qa/samples/:id/score",
    {
      permission: "qa.sample",
      summary: "Score a QA sample on the checklist (each 0–100); the score feeds agent performance",
      params: T.Object({ id: T.String() }),
      body: T.Object({
        greeting: Point,
        accuracy: Point,
        remedy: Point,
        tone: Point,
        comment: T.Optional(T.String({ maxLength: 2000 })),
      }),
      reply: Sample,
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as {
        greeting: number;
        accuracy: number;
        remedy: number;
        tone: number;
        comment?: string;
      };
      const row = await reviewSample(ctx.db, id, body, principalOf(request).name, ctx.clock.now());
      if (!row) throw notFound(text("质检样本", "QA sample"));
      return (await sampleViews(ctx.db, [row]))[0];
    },
  );
}
