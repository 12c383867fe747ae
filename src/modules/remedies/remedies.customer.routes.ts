import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { listEntries } from "../ledger/ledger.store.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { principalOf } from "../users/auth.ts";
import { allows } from "../users/roles.ts";
import { currentRemedy, respondToRemedy } from "./remedies.commands.ts";
import { REMEDY_KIND_WORDS, type RemedyItem, type RemedyKind } from "./remedies.domain.ts";

/**
 * The customer's side of a remedy: what was decided and how its payments stand, and the answer
 * (accept, or dispute for mediation), by ticket number and phone like the progress page. Public and
 * rate-limited; a wrong phone and an unknown ticket answer alike.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const TicketParams = T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) });
const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));

/** The customer's side, by ticket number and phone as on the progress page; staff may answer for them. */
export function remedyCustomerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const rateLimit = { max: ctx.config.publicRateLimit, timeWindow: "1 minute" };
  const CustomerRemedy = T.Object({
    remedyId: T.String(),
    items: T.Array(T.Object({ kind: T.String(), amountFen: T.Optional(T.Integer()), text: T.String() })),
    customerResponse: nullable(T.String()),
    payments: T.Array(T.Object({ kind: T.String(), amountFen: T.Integer(), status: T.String() })),
  });

  app.get(
    "/api/v1/tickets/:ticketNo/remedy",
    {
      config: { rateLimit },
      schema: {
        tags: ["remedies"],
        summary:
          "The customer's view of the decided remedy (ticket number + phone); 404 alike for a wrong phone",
        security: [],
        params: TicketParams,
        querystring: T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }) }),
        response: { 200: T.Object({ remedy: nullable(CustomerRemedy) }), 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone } = request.query as { phone: string };
      const t = await findTicket(ctx.db, ticketNo);
      if (!t || t.customer_phone !== normalisePhone(phone)) throw ticketNotFound();
      const r = await currentRemedy(ctx.db, ticketNo);
      if (!r) return { remedy: null };
      const locale = localeOf(request);
      const entries = (await listEntries(ctx.db, { ticketNo })).filter(
        (e) => e.remedy_id === r.id && e.direction === "payout",
      );
      return {
        remedy: {
          remedyId: r.id,
          items: (r.items as RemedyItem[]).map((i) => ({
            kind: i.kind,
            ...(i.amountFen !== undefined ? { amountFen: i.amountFen } : {}),
            text: REMEDY_KIND_WORDS[i.kind as RemedyKind]?.[locale] ?? i.kind,
          })),
          customerResponse: r.customer_response,
          payments: entries.map((e) => ({ kind: e.kind, amountFen: e.amount_fen, status: e.status })),
        },
      };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/remedy/response",
    {
      config: { rateLimit },
      schema: {
        tags: ["remedies"],
        summary: "The customer accepts or disputes the decided remedy (with phone, or by an agent for them)",
        description:
          "A dispute is recorded (event `remedy_disputed`) for mediation; it does not stop payouts.",
        params: TicketParams,
        body: T.Object(
          {
            response: lit(["accept", "dispute"] as const),
            comment: T.Optional(T.String({ maxLength: 1000 })),
            phone: T.Optional(T.String({ minLength: 1, maxLength: 20 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: T.Object({ remedyId: T.String(), customerResponse: T.String() }),
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
      const b = request.body as { response: "accept" | "dispute"; comment?: string; phone?: string };
      let who: { principal: ReturnType<typeof principalOf> } | { phone: string };
      if (b.phone) who = { phone: b.phone };
      else {
        const p = principalOf(request);
        if (!allows(p, "remedies.propose"))
          throw new AppError("FORBIDDEN", 403, text("无权执行此操作", "Not allowed for your role"));
        who = { principal: p };
      }
      const r = await respondToRemedy(ctx, who, ticketNo, {
        response: b.response,
        comment: b.comment?.trim() || undefined,
      });
      return { remedyId: r.id, customerResponse: r.customer_response! };
    },
  );
}
