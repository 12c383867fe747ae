import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { assigneesOf, ListTotalProps, QueueItem, queueItem } from "../tickets/queue-item.ts";
import { isOpen, STATUSES } from "../tickets/tickets.domain.ts";
import { listTickets } from "../tickets/tickets.store.ts";
import { need } from "../users/auth.ts";
import { escalationsOfTickets } from "./escalations.store.ts";
import { clocksOfTickets } from "./sla.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };

const EscalationItem = T.Object({
  ...QueueItem.properties,
  escalations: T.Array(
    T.Object({
      at: T.String(),
      level: T.Integer(),
      clock: T.String({ description: "the clock whose broken promise raised the level" }),
      role: T.Union([T.String(), T.Null()], { description: "who the level goes to: supervisor, manager" }),
      dueAt: T.Union([T.String(), T.Null()], { description: "the deadline that was missed" }),
    }),
    { description: "every level the ticket went through, oldest first" },
  ),
});

/**
 * The escalation queue of supervisors and operations managers: open tickets a missed deadline raised
 * to them, with why and when (the `escalated` events) and what is still running late.
 */
export function escalationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/escalations",
    {
      preValidation: need("escalations.read"),
      schema: {
        tags: ["sla"],
        summary: "Open escalated tickets (level 1 supervisor, 2 operations manager), most urgent first",
        querystring: T.Object({
          level: T.Optional(
            T.Integer({ minimum: 1, maximum: 9, description: "only this level; else 1 and up" }),
          ),
          businessLine: T.Optional(T.String()),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(EscalationItem),
            ...ListTotalProps,
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { level?: number; businessLine?: string; limit?: number; offset?: number };
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const now = ctx.clock.now();
      // The tickets_escalated partial index (escalation_level > 0) serves this listing.
      const result = await listTickets(ctx.db, {
        status: STATUSES.filter(isOpen),
        minEscalationLevel: 1,
        escalationLevel: q.level,
        businessLine: q.businessLine,
        sort: "priority",
        limit,
        offset,
      });
      const ticketNos = result.items.map((t) => t.ticket_no);
      const [assignees, clocks, escalations] = await Promise.all([
        assigneesOf(ctx, result.items),
        clocksOfTickets(ctx.db, ticketNos),
        escalationsOfTickets(ctx.db, ticketNos),
      ]);
      return {
        items: result.items.map((t) => ({
          ...queueItem(t, assignees, clocks.get(t.ticket_no), now),
          escalations: (escalations.get(t.ticket_no) ?? []).map((e) => ({ ...e, at: e.at.toISOString() })),
        })),
        total: result.total,
        totalExact: result.totalExact,
        limit,
        offset,
      };
    },
  );
}
