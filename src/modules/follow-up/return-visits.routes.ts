import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { BUSINESS_LINES } from "../../policy-packs/schema.ts";
import { recordPersonalDataAccess } from "../privacy/privacy.commands.ts";
import { need, principalOf } from "../users/auth.ts";
import { listReturnVisits, type ReturnVisitRow } from "./follow-up.store.ts";
import { recordReturnVisit, type VisitOutcome } from "./return-visits.commands.ts";

/**
 * The agents' return-visit tasks (回访): the list to call, and the outcome of each call. Staff who work
 * tickets only; they call the customer back, so they see the whole phone number.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const OUTCOMES = ["satisfied", "problem_returned", "unreachable"] as const;

const visitProps = {
  id: T.String(),
  ticketNo: T.String(),
  businessLine: T.String(),
  reason: T.String({ description: "complex | repeat_customer | sampled" }),
  status: T.String({ description: "due | done | cancelled" }),
  dueAt: T.String(),
  deadlineAt: T.String({ description: "when the pack wants the call made by" }),
  resolvedAt: T.String(),
  outcome: T.Union([T.String(), T.Null()]),
  note: T.Union([T.String(), T.Null()]),
  visitedBy: T.Union([T.String(), T.Null()]),
  visitedAt: T.Union([T.String(), T.Null()]),
};
const ListedVisit = T.Object({
  ...visitProps,
  category: T.String(),
  severity: T.String(),
  ticketStatus: T.String(),
  customerPhone: T.String(),
  customerName: T.Union([T.String(), T.Null()]),
  orderNo: T.String(),
  secondRounds: T.Integer(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const visitOf = (v: ReturnVisitRow) => ({
  id: v.id,
  ticketNo: v.ticket_no,
  businessLine: v.business_line,
  reason: v.reason,
  status: v.status,
  dueAt: v.due_at.toISOString(),
  deadlineAt: v.deadline_at.toISOString(),
  resolvedAt: v.resolved_at.toISOString(),
  outcome: v.outcome,
  note: v.note,
  visitedBy: v.visited_by,
  visitedAt: iso(v.visited_at),
});

export function returnVisitsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/return-visits",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["follow-up"],
        summary: "Return-visit tasks (回访): `status=due` is the list to call, oldest first",
        querystring: T.Object({
          status: T.Optional(lit(["due", "done", "cancelled"] as const)),
          businessLine: T.Optional(lit(BUSINESS_LINES)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: T.Object({ items: T.Array(ListedVisit), total: T.Integer() }), ...errors },
      },
    },
    async (request) => {
      const q = request.query as { status?: "due"; businessLine?: string; limit?: number; offset?: number };
      const result = await listReturnVisits(ctx.db, {
        status: q.status,
        businessLine: q.businessLine,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      // The call list shows whole numbers (the agent dials them): each is an unmasked view on record.
      await recordPersonalDataAccess(
        ctx,
        principalOf(request),
        request.routeOptions.url ?? "",
        result.items.map((v) => ({
          phone: v.customer_phone,
          ticketNo: v.ticket_no,
          fields: ["phone", "name"],
        })),
      );
      return {
        total: result.total,
        items: result.items.map((v) => ({
          ...visitOf(v),
          category: v.category,
          severity: v.severity,
          ticketStatus: v.ticket_status,
          customerPhone: v.customer_phone,
          customerName: v.customer_name,
          orderNo: v.order_no,
          secondRounds: v.second_rounds,
        })),
      };
    },
  );

  app.post(
    "/api/v1/return-visits/:id/outcome",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["follow-up"],
        summary: "Record the outcome of the call; problem_returned (note required) reopens the ticket",
        params: T.Object({ id: T.String({ minLength: 1, maxLength: 80 }) }),
        body: T.Object(
          { outcome: lit(OUTCOMES), note: T.Optional(T.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
        response: {
          200: T.Object({ ...visitProps, ticketStatus: T.String() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const b = request.body as { outcome: VisitOutcome; note?: string };
      const v = await recordReturnVisit(ctx, principalOf(request), id, b.outcome, b.note?.trim() || null);
      return { ...visitOf(v), ticketStatus: v.ticketStatus };
    },
  );
}
