import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { type Locale, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { need, principalOf } from "../users/auth.ts";
import { ticketScope } from "../users/roles.ts";
import { analyticsRoutes } from "./analytics.routes.ts";
import { checkReportQuery, type MonthlyReport, monthlyReport } from "./monthly.ts";
import { monthlyCsv } from "./monthly-csv.ts";
import { monthlyPdf, monthlyXlsx } from "./monthly-export.ts";
import { monthOf } from "./reports.domain.ts";
import { Kpis, Line, Month, Num, Rate, Targets } from "./reports.schemas.ts";
import { agentPerformance, disclosure, merchantScorecard } from "./scorecards.ts";

/**
 * Reports for supervisors, managers, QA and admins; a merchant user gets the same reports over its own
 * merchants only. Agent performance is for the supervising roles. The public disclosure needs no login
 * and carries no personal data. Every figure comes from the rollups (see rollups.jobs.ts).
 */
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
const tags = ["reports"];
const Share = (key: string) => T.Object({ [key]: T.String(), count: T.Integer(), share: T.Number() });

const Change = T.Record(T.String(), Num, {
  description:
    "this month minus the other: rates in points of 1, minutes, score; ticketsRatio = relative change",
});

const Monthly = T.Object({
  month: T.String(),
  businessLine: T.String(),
  tickets: T.Integer(),
  categoryShares: T.Array(Share("category")),
  avgResolutionMinutes: Num,
  resolutionRate: Rate,
  satisfactionAvg: Num,
  kpis: Kpis,
  targets: Targets,
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
  incidents: T.Array(
    T.Object({
      id: T.String(),
      kind: T.String({ description: "batch | emergency" }),
      status: T.String(),
      openedAt: T.String(),
      closedAt: T.Union([T.String(), T.Null()]),
      reason: T.Union([T.String(), T.Null()]),
      region: T.Union([T.String(), T.Null()]),
      productId: T.Union([T.String(), T.Null()]),
      batchNo: T.Union([T.String(), T.Null()]),
      merchantId: T.Union([T.String(), T.Null()]),
      tickets: T.Integer(),
    }),
    { description: "the line's incidents opened in the month" },
  ),
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
  analyticsRoutes(app, ctx);
  // Every report only reads, so it may be served by the read replica (REPORTS_DATABASE_URL).
  const db = ctx.reportsDb ?? ctx.db;
  get(
    app,
    "/api/v1/reports/monthly",
    {
      permission: "reports.read",
      summary: "Monthly service report of a line (CONTRACT: Monthly report), with changes and pack targets",
      query: MonthlyQuery,
      reply: Monthly,
    },
    async (request) => monthlyReport(db, ctx.packs, monthlyQueryOf(ctx, request)),
  );

  const download = (
    ext: "csv" | "xlsx" | "pdf",
    contentType: string,
    summary: string,
    render: (r: MonthlyReport, pack: PolicyPack | undefined, locale: Locale) => string | Promise<Buffer>,
  ) =>
    app.get(
      `/api/v1/reports/monthly.${ext}`,
      {
        preValidation: need("reports.read"),
        schema: {
          tags,
          summary,
          querystring: MonthlyQuery,
          response: { 200: T.String({ description: contentType }), ...errors, 503: ErrorSchema },
        },
      },
      async (request, reply) => {
        const q = monthlyQueryOf(ctx, request);
        const report = await monthlyReport(ctx.db, ctx.packs, q);
        const body = await render(report, ctx.packs.get(q.businessLine as BusinessLine), localeOf(request));
        return reply
          .header("content-type", contentType)
          .header("content-disposition", `attachment; filename="report-${q.businessLine}-${q.month}.${ext}"`)
          .send(body);
      },
    );
  download(
    "csv",
    "text/csv; charset=utf-8",
    "The monthly report as CSV (UTF-8 with BOM, opens in Excel)",
    monthlyCsv,
  );
  download(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "The monthly report as an Excel workbook: KPIs, shares, merchants, regions and incidents",
    monthlyXlsx,
  );
  download(
    "pdf",
    "application/pdf",
    "The monthly report as a printable PDF with its category chart (503 PDF_FONT_MISSING without a CJK font)",
    monthlyPdf,
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
      return { month: q.month, items: await merchantScorecard(db, ctx.packs, q) };
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
            name: T.Union([T.String(), T.Null()], { description: "the agent's display name" }),
            tickets: T.Integer(),
            resolved: T.Integer(),
            resolutionRate: Rate,
            avgFirstResponseMinutes: Num,
            avgResolutionMinutes: Num,
            satisfactionAvg: Num,
            surveys: T.Integer(),
            secondRoundRate: Rate,
            qaReviews: T.Integer({ description: "QA reviews scored of the agent's tickets" }),
            qaScoreAvg: T.Union([T.Number(), T.Null()], { description: "their average score, 0–100" }),
          }),
        ),
      }),
    },
    async (request) => {
      const q = queryOf(ctx, request, false);
      return { month: q.month, items: await agentPerformance(db, q) };
    },
  );

  app.get(
    "/api/v1/public/disclosure",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary:
          "Public after-sales figures of a month per line: complaint and return rates against orders, resolution rate",
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
                returns: T.Integer({ description: "orders with a return (退货) approved" }),
                returnRate: Rate,
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
      // A month still to come would be published as all zeros, as if nothing had gone wrong.
      if (!details.length && month > monthOf(ctx.clock.now()))
        details.push({
          field: "month",
          code: "FUTURE_MONTH",
          message: text(
            "该月份尚未到来，暂无数据可公示",
            "That month has not come yet: there is nothing to publish",
          ),
        });
      if (details.length) throw validationError(details);
      return { month, lines: await disclosure(db, ctx.packs, month) };
    },
  );
}
