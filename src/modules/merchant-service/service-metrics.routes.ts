import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { monthOf, monthRange } from "../reports/reports.domain.ts";
import { need } from "../users/auth.ts";
import { agentScores, hourlyVolume, weeklyQuestionTypes, weekRange } from "./service-analysis.domain.ts";
import { agentFigures, categoryCounts, volumeByHour } from "./service-metrics.store.ts";

/**
 * The merchant-service team's figures (source 003 §五, §六): per agent response time, resolution rate and
 * merchant satisfaction; the weekly question types; the monthly volume by hour of day.
 */
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };
const Month = T.String({
  pattern: "^\\d{4}-(0[1-9]|1[0-2])$",
  description: "YYYY-MM (Beijing); this month by default",
});
const nullableNumber = T.Union([T.Number(), T.Null()]);

export function serviceMetricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/merchant-service/metrics",
    {
      preValidation: need("merchant_requests.metrics"),
      schema: {
        tags: ["merchant-service"],
        summary:
          "Per agent: requests handled, first-response time and on-time rate, resolution rate, satisfaction",
        querystring: T.Object({ month: T.Optional(Month) }),
        response: {
          200: T.Object({
            month: T.String(),
            agents: T.Array(
              T.Object({
                agent: T.String(),
                handled: T.Integer(),
                avgFirstResponseSeconds: nullableNumber,
                firstResponseOnTimeRate: nullableNumber,
                resolutionRate: T.Number(),
                satisfactionAvg: nullableNumber,
                ratings: T.Integer(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const month = (request.query as { month?: string }).month ?? monthOf(ctx.clock.now());
      const { from, to } = monthRange(month);
      return { month, agents: (await agentFigures(ctx.db, from, to)).map(agentScores) };
    },
  );

  app.get(
    "/api/v1/merchant-service/analysis",
    {
      preValidation: need("merchant_requests.metrics"),
      schema: {
        tags: ["merchant-service"],
        summary:
          "Weekly question types against the week before, and the month's volume by Beijing hour of day",
        querystring: T.Object({
          weekOf: T.Optional(
            T.String({
              description: "first day of the week, YYYY-MM-DD (Beijing); the last 7 days by default",
            }),
          ),
          month: T.Optional(Month),
        }),
        response: {
          200: T.Object({
            week: T.Object({
              from: T.String(),
              to: T.String(),
              total: T.Integer(),
              previousTotal: T.Integer(),
              categories: T.Array(
                T.Object({
                  category: T.String(),
                  count: T.Integer(),
                  share: T.Number(),
                  previousCount: T.Integer(),
                  change: T.Integer(),
                }),
              ),
            }),
            month: T.Object({
              month: T.String(),
              byHour: T.Array(
                T.Object({ hour: T.Integer(), requests: T.Integer(), complaints: T.Integer() }),
              ),
            }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { weekOf?: string; month?: string };
      const now = ctx.clock.now();
      const week = q.weekOf
        ? weekRange(q.weekOf)
        : {
            from: new Date(now.getTime() - 7 * 86_400_000),
            to: now,
            previousFrom: new Date(now.getTime() - 14 * 86_400_000),
          };
      if (!week)
        throw validationError([
          { field: "weekOf", code: "INVALID_DATE", message: text("请用 YYYY-MM-DD 格式", "Use YYYY-MM-DD") },
        ]);
      const month = q.month ?? monthOf(now);
      const range = monthRange(month);
      const [current, previous, hours] = await Promise.all([
        categoryCounts(ctx.db, week.from, week.to),
        categoryCounts(ctx.db, week.previousFrom, week.from),
        volumeByHour(ctx.db, range.from, range.to),
      ]);
      return {
        week: {
          from: week.from.toISOString(),
          to: week.to.toISOString(),
          ...weeklyQuestionTypes(current, previous),
        },
        month: { month, byHour: hourlyVolume(hours) },
      };
    },
  );
}
