import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { validationError } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { need, principalOf } from "../users/auth.ts";
import { ticketScope } from "../users/roles.ts";
import { checkReportQuery, monthlyReport } from "./monthly.ts";
import { monthlyCsv } from "./monthly-csv.ts";
import { agentPerformance, disclosure, merchantScorecard } from "./scorecards.ts";

/**
 * Reports for supervisors, managers, QA and admins; a merchant user gets the same reports over its own
 * merchants only. Agent performance is for the supervising roles. The public disclosure needs no login
 * and carries no personal data. Every figure comes from the rollups (see rollups.jobs.ts).
 */
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
const tags = ["reports"];
const Month = T.String({ description: "YYYY-MM, a month in Beijing time", examples: ["2026-05"] });
const Line = T.String({ description: "food_delivery | fresh_food | b2b_food_supply | ecommerce" });
const Rate = T.Union([T.Number(), T.Null()], {
  description: "a share of 1 (0.98 = 98%); null with nothing to count",
});
const Num = T.Union([T.Number(), T.Null()]);
const Share = (key: string) => T.Object({ [key]: T.String(), count: T.Integer(), share: T.Number() });

const Kpis = T.Object({
  tickets: T.Integer(),
  resolved: T.Integer(),
  resolutionRate: Rate,
  avgResolutionMinutes: Num,
  satisfactionAvg: Num,
  surveys: T.Integer(),
  secondRoundRate: Rate,
  escalationRate: Rate,
  avgFirstResponseMinutes: Num,
  firstResponseOnTime: Rate,
  resolutionOnTime: Rate,
  slaAttainment: Rate,
});
const Change = T.Record(T.String(), Num, {
  description:
    "this month minus the other: rates in points of 1, minutes, score; ticketsRatio = relative change",
});
const Check = T.Object({ target: T.Number(), actual: Num, met: T.Union([T.Boolean(), T.Null()]) });

const Monthly = T.Object({
  month: T.String(),
  businessLine: T.String(),
  tickets: T.Integer(),
  categoryShares: T.Array(Share("category")),
  avgResolutionMinutes: Num,
  resolutionRate: Rate,
  satisfactionAvg: Num,
  kpis: Kpis,
  targets: T.Object({ resolutionRate: Check, satisfaction: Check, handlingMinutes: Check }),
  lastMonth: T.Object({ month: T.String(), ...Kpis.properties }),
  lastYear: T.Object({ month: T.String(), ...Kpis.properties }),
  change: T.Object({ lastMonth: Change, lastYear: Change }),
  topSubTypes: T.Array(
    T.Object({ category: T.String(), subType: T.String(), count: T.Integer(), share: T.Number() }),
  ),
  topMerchants: T.Array(
    T.Object({
      merchantId: T.String(),
      name: T.Union([T.String(), T.Null()]),
      count: T.Integer(),
      share: T.Number(),
    }),
  ),
  topRegions: T.Array(Share("region")),
  orders: T.Integer(),
  complaintRate: Rate,
});

const MonthlyQuery = T.Object({ month: Month, businessLine: Line });
const MonthQuery = T.Object({ month: Month, businessLine: T.Optional(Line) });

/** The month and line, checked; a merchant user's own merchants. */
function queryOf(ctx: AppContext, request: FastifyRequest, needLine: boolean) {
  const q = request.query as { month: string; businessLine?: string };
  const details = checkReportQuery(q, ctx.packs, needLine);
  if (details.length) throw validationError(details);
  return { ...q, merchantIds: ticketScope(principalOf(request)).merchantIds };
}

/** The monthly report's query: the line is required there (checked by `queryOf`). */
const monthlyQueryOf = (ctx: AppContext, request: FastifyRequest) => {
  const q = queryOf(ctx, request, true);
  return { ...q, businessLine: String(q.businessLine) };
};

const get = (
  app: FastifyInstance,
  path: string,
  options: {
    permission?: "reports.read" | "reports.agents";
    summary: string;
    query: TSchema;
    reply: TSchema;
  },
  handler: (request: FastifyRequest) => Promise<unknown>,
) =>
  app.get(
    path,
    {
      ...(options.permission ? { preValidation: need(options.permission) } : {}),
      schema: {
        tags,
        summary: options.summary,
        querystring: options.query,
        response: { 200: options.reply, ...errors },
      },
    },
    handler,
  );

export function reportsRoutes(app: FastifyInstance, ctx: AppContext): void {
  get(
    app,
    "/api/v1/reports/monthly",
    {
      permission: "reports.read",
      summary: "Monthly service report of a line (CONTRACT: Monthly report), with changes and pack targets",
      query: MonthlyQuery,
      reply: Monthly,
    },
    async (request) => monthlyReport(ctx.db, ctx.packs, monthlyQueryOf(ctx, request)),
  );

  app.get(
    "/api/v1/reports/monthly.csv",
    {
      preValidation: need("reports.read"),
      schema: {
        tags,
        summary: "The monthly report as CSV (UTF-8 with BOM, opens in Excel)",
        querystring: MonthlyQuery,
        response: { 200: T.String(), ...errors },
      },
    },
    async (request, reply) => {
      const q = monthlyQueryOf(ctx, request);
      const report = await monthlyReport(ctx.db, ctx.packs, q);
      const csv = monthlyCsv(report, ctx.packs.get(q.businessLine as BusinessLine), localeOf(request));
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="report-${q.businessLine}-${q.month}.csv"`)
        .send(csv);
    },
  );

  get(
    app,
    "/api/v1/reports/merchants",
    {
      permission: "reports.read",
      summary: "Merchant scorecard: food-problem complaints against orders; above the pack's rate → 约谈",
      query: MonthQuery,
      reply: T.Object({
        month: T.String(),
        items: T.Array(
          T.Object({
            merchantId: T.String(),
            name: T.Union([T.String(), T.Null()]),
            businessLine: T.String(),
            orders: T.Integer(),
            tickets: T.Integer(),
            foodComplaints: T.Integer(),
            complaintRate: Rate,
            talkThreshold: T.Number(),
            talk: T.Boolean({
              description: "called in for a talk (约谈): complaint rate above the threshold",
            }),
            resolutionRate: Rate,
            satisfactionAvg: Num,
          }),
        ),
      }),
    },
    async (request) => {
      const q = queryOf(ctx, request, false);
      return { month: q.month, items: await merchantScorecard(ctx.db, ctx.packs, q) };
    },
  );

  get(
    app,
    "/api/v1/reports/agents",
    {
      permission: "reports.agents",
      summary: "Agent performance of a month: volume, first response, resolution rate, satisfaction",
      query: MonthQuery,
      reply: T.Object({
        month: T.String(),
        items: T.Array(
          T.Object({
            agent: T.Union([T.String(), T.Null()], { description: "username; null: not yet taken" }),
            tickets: T.Integer(),
            resolved: T.Integer(),
            resolutionRate: Rate,
            avgFirstResponseMinutes: Num,
            avgResolutionMinutes: Num,
            satisfactionAvg: Num,
            surveys: T.Integer(),
            secondRoundRate: Rate,
          }),
        ),
      }),
    },
    async (request) => {
      const q = queryOf(ctx, request, false);
      return { month: q.month, items: await agentPerformance(ctx.db, q) };
    },
  );

  app.get(
    "/api/v1/public/disclosure",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary:
          "Public after-sales figures of a month per line: complaint rate against orders, resolution rate",
        security: [],
        querystring: T.Object({ month: Month }),
        response: {
          200: T.Object({
            month: T.String(),
            lines: T.Array(
              T.Object({
                businessLine: T.String(),
                label: T.Object({ "zh-CN": T.String(), en: T.String() }),
                orders: T.Integer(),
                tickets: T.Integer(),
                complaintRate: Rate,
                resolutionRate: Rate,
              }),
            ),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { month } = request.query as { month: string };
      const details = checkReportQuery({ month }, ctx.packs, false);
      if (details.length) throw validationError(details);
      return { month, lines: await disclosure(ctx.db, ctx.packs, month) };
    },
  );
}
