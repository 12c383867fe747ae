import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket, ticketScope } from "../users/roles.ts";
import {
  type VerificationRow,
  verificationsOfMerchants,
  verificationsOfTicket,
} from "./merchant-service.store.ts";
import { answerVerification, requestVerification } from "./verification.commands.ts";
import type { MerchantDecision } from "./verification.domain.ts";

/**
 * The merchant's verification (商家核实): an agent sends a complaint to the merchant, the merchant answers
 * it from its portal within the pack's limit; the merchant sees only its own stores' tickets.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const TicketNoParams = T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) });
const STATUSES = ["pending", "accepted", "disputed", "missed", "withdrawn"] as const;

export const VerificationSchema = T.Object({
  id: T.String(),
  ticketNo: T.String(),
  merchantId: T.String(),
  status: lit(STATUSES),
  requestedBy: T.String(),
  requestedAt: T.String(),
  dueAt: T.String({ description: "the merchant answers before this; after it the platform decides" }),
  answeredBy: nullable(T.String()),
  answeredAt: nullable(T.String()),
  statement: nullable(T.String()),
  attachmentIds: T.Array(T.String()),
  mediationId: nullable(T.String()),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const verificationView = (v: VerificationRow) => ({
  id: v.id,
  ticketNo: v.ticket_no,
  merchantId: v.merchant_id,
  status: v.status,
  requestedBy: v.requested_by,
  requestedAt: v.requested_at.toISOString(),
  dueAt: v.due_at.toISOString(),
  answeredBy: v.answered_by,
  answeredAt: iso(v.answered_at),
  statement: v.statement,
  attachmentIds: v.attachment_ids,
  mediationId: v.mediation_id,
});

const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));

export function verificationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    "/api/v1/tickets/:ticketNo/merchant-verification/request",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["merchant-service"],
        summary: "Ask the merchant to verify the complaint: the ticket waits for it and its deadline starts",
        description:
          "Moving a ticket to `awaiting_merchant` does the same. The deadline is the pack's `sla.merchantVerificationHours`.",
        params: TicketNoParams,
        response: { 201: VerificationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const v = await requestVerification(ctx, principalOf(request), ticketNo);
      return reply.code(201).send(verificationView(v));
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/merchant-verification",
    {
      preValidation: need("merchant.verify"),
      schema: {
        tags: ["merchant-service"],
        summary: "The merchant's answer: accept liability, or dispute it with a statement and evidence",
        description:
          "accept → liability merchant, the ticket back to its agent. dispute → a mediation opens with both sides' statements and evidence. `409 VERIFICATION_DEADLINE_PASSED` after the deadline.",
        params: TicketNoParams,
        body: T.Object(
          {
            decision: lit(["accept", "dispute"] as const),
            statement: T.String({ minLength: 1, maxLength: 2000 }),
            attachmentIds: T.Optional(T.Array(T.String({ maxLength: 80 }), { maxItems: 9 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: VerificationSchema, ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const b = request.body as { decision: MerchantDecision; statement: string; attachmentIds?: string[] };
      const statement = b.statement.trim();
      if (!statement)
        throw new AppError("VALIDATION_FAILED", 400, text("请填写核实说明", "Give a statement"), [
          {
            field: "statement",
            code: "REQUIRED",
            message: text("请说明核实情况", "say what you found"),
          },
        ]);
      const v = await answerVerification(ctx, principalOf(request), ticketNo, {
        decision: b.decision,
        statement,
        attachmentIds: [...new Set(b.attachmentIds ?? [])],
      });
      return verificationView(v);
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo/merchant-verification",
    {
      preValidation: need("tickets.read"),
      schema: {
        tags: ["merchant-service"],
        summary: "The ticket's verifications by its merchant, oldest first",
        params: TicketNoParams,
        response: { 200: T.Object({ items: T.Array(VerificationSchema) }), ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const t = await findTicket(ctx.db, ticketNo);
      if (!t || !canSeeTicket(principalOf(request), t)) throw ticketNotFound();
      return { items: (await verificationsOfTicket(ctx.db, ticketNo)).map(verificationView) };
    },
  );

  app.get(
    "/api/v1/merchant/verifications",
    {
      preValidation: need("merchant.verify"),
      schema: {
        tags: ["merchant-service"],
        summary: "The merchant's verifications (its own stores only), newest first, with the deadlines",
        querystring: T.Object({
          status: T.Optional(lit(STATUSES)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Intersect([
                VerificationSchema,
                T.Object({
                  businessLine: T.String(),
                  category: T.String(),
                  orderNo: T.String(),
                  description: T.String(),
                  ticketStatus: T.String(),
                }),
              ]),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { status?: VerificationRow["status"]; limit?: number };
      const scope = ticketScope(principalOf(request));
      const rows = await verificationsOfMerchants(ctx.db, scope.merchantIds ?? [], q.status, q.limit ?? 50);
      return {
        items: rows.map((r) => ({
          ...verificationView(r),
          businessLine: r.business_line,
          category: r.category,
          orderNo: r.order_no,
          description: r.description,
          ticketStatus: r.ticket_status,
        })),
      };
    },
  );
}
