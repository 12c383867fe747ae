import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { forbidden, text, unauthorized, validationError } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { allows } from "../users/roles.ts";
import { confirmByCustomer } from "./follow-up.commands.ts";
import { answerSurvey, readSurvey, type SurveyAnswer } from "./surveys.commands.ts";
import { withdrawRequest } from "./withdrawal.commands.ts";
import { WITHDRAWAL_REASON_MAX } from "./withdrawal.domain.ts";

/**
 * The customer's side of follow-up, public and rate-limited: the survey behind its signed link, the
 * confirmation on the progress page that the problem is solved (which closes the ticket), and taking the
 * request back (which closes it unresolved).
 */
const Token = T.Object({ token: T.String({ minLength: 1, maxLength: 200 }) });
const Rating = (description: string) => T.Integer({ minimum: 1, maximum: 5, description });

export function surveysRoutes(app: FastifyInstance, ctx: AppContext): void {
  const rateLimit = { max: ctx.config.publicRateLimit, timeWindow: "1 minute" };

  app.get(
    "/api/v1/surveys/:token",
    {
      config: { rateLimit },
      schema: {
        tags: ["follow-up"],
        summary: "The survey behind a signed link: the ticket and what was done (404 bad link, 410 expired)",
        security: [],
        params: Token,
        response: {
          200: T.Object({
            ticketNo: T.String(),
            businessLine: T.String(),
            done: T.Array(T.String(), {
              description: "what was done, in the customer's words (result feedback)",
            }),
            expiresAt: T.String(),
            answeredAt: T.Union([T.String(), T.Null()]),
          }),
          404: ErrorSchema,
          410: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { token } = request.params as { token: string };
      return readSurvey(ctx, token, localeOf(request));
    },
  );

  app.post(
    "/api/v1/surveys/:token",
    {
      config: { rateLimit },
      schema: {
        tags: ["follow-up"],
        summary: "Answer the survey once (409 when answered, 410 when expired, 404 for a bad link)",
        description:
          "A score at or below the pack's `thresholds.lowSatisfactionScore`, or `resolved: false`, reopens the " +
          "ticket to the supervisors' queue as a second round (event `second_round` with the customer's words). " +
          "A better score with `resolved: true` closes a resolved ticket, recording its handling time.",
        security: [],
        params: Token,
        body: T.Object(
          {
            score: Rating("overall satisfaction, 1 (very unhappy) to 5 (very happy)"),
            resolved: T.Boolean({ description: "whether the problem is solved" }),
            text: T.Optional(T.String({ maxLength: 1000 })),
            dimensions: T.Object(
              {
                efficiency: Rating("how quickly it was handled"),
                resolution: Rating("how well the remedy fits the problem"),
                attitude: Rating("how the staff treated you"),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: T.Object({ ticketNo: T.String(), secondRound: T.Boolean(), ticketStatus: T.String() }),
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          410: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const result = await answerSurvey(ctx, token, request.body as SurveyAnswer);
      reply.status(201);
      return result;
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/confirm",
    {
      config: { rateLimit },
      schema: {
        tags: ["follow-up"],
        summary: "The customer confirms the resolved ticket is solved (ticket number + phone); it closes",
        description:
          "Records the handling time (receipt to resolution, minutes) on the ticket and its event. 404 alike " +
          "for a wrong phone or an unknown ticket; 409 TICKET_NOT_RESOLVED before resolution.",
        security: [],
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        body: T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }),
        response: {
          200: T.Object({ ticketNo: T.String(), status: T.String(), handlingMinutes: T.Integer() }),
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone } = request.body as { phone: string };
      return { ticketNo, ...(await confirmByCustomer(ctx, ticketNo, phone)) };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/withdraw",
    {
      config: { rateLimit },
      schema: {
        tags: ["follow-up"],
        summary:
          "Withdraw the request: the customer (ticket number + phone), or staff for a customer who called",
        description:
          "It closes unresolved. The customer sends `phone`; staff with tickets.work send a `reason` instead " +
          "(the customer reads it). 404 alike for a wrong phone or an unknown ticket; 409 CANNOT_WITHDRAW " +
          "naming every reason (ALREADY_RESOLVED, NOT_OPEN, FOOD_SAFETY, REMEDY_UNDER_WAY, MEDIATION_OPEN).",
        security: [{}, { bearer: [] }],
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        body: T.Object(
          {
            phone: T.Optional(
              T.String({ minLength: 1, maxLength: 20, description: "the customer's; not for staff" }),
            ),
            reason: T.Optional(
              T.String({
                maxLength: WITHDRAWAL_REASON_MAX,
                description: "in the customer's words; required of staff",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: T.Object({ ticketNo: T.String(), status: T.String() }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone, reason } = request.body as { phone?: string; reason?: string };
      const words = reason?.trim() || null;
      const p = request.principal;
      // A staff login that has expired is told so, not asked for the customer's phone.
      if (!p && request.headers.authorization) throw unauthorized();
      if (p && !allows(p, "tickets.work")) throw forbidden();
      const missing = (field: string, zh: string, en: string) =>
        validationError([{ field, code: "REQUIRED", message: text(zh, en) }]);
      if (p && !words)
        throw missing(
          "reason",
          "请填写客户撤销的原因，客户会看到",
          "give the customer's reason; they will see it",
        );
      if (!p && !phone) throw missing("phone", "请填写提交申请时的手机号", "phone is required");
      const by = p ? { staff: p } : { phone: phone! };
      return { ticketNo, ...(await withdrawRequest(ctx, ticketNo, by, words)) };
    },
  );
}
