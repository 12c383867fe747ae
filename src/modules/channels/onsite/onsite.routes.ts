import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../../platform/context.ts";
import { text, validationError } from "../../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../../platform/http.ts";
import { RESOLUTIONS } from "../../../policy-packs/schema.ts";
import { registerRequest } from "../../intake/intake.commands.ts";
import { Acknowledgement, idempotencyOf } from "../../intake/intake.routes.ts";
import { findOrder } from "../../orders/orders.store.ts";
import { need, principalOf } from "../../users/auth.ts";

/**
 * On-site feedback (现场反馈): a rider at the door or a warehouse worker at the dock registers a problem
 * they see — spilled soup, a crushed box, spoiled produce — on the customer's behalf, with photos. The
 * customer's phone comes from the order, so the rider never types or sees it, and the customer gets the
 * usual acknowledgement and can follow the ticket. A rider reports only on orders they deliver.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));

const OnsiteBody = T.Object(
  {
    orderNo: T.String({ minLength: 1, maxLength: 40 }),
    description: T.String({
      minLength: 1,
      maxLength: 2000,
      description: "What was seen, in the reporter's words",
    }),
    category: T.Optional(
      T.String({ description: "A category code of the order's pack; omitted → triage classifies" }),
    ),
    expectedResolution: T.Optional(lit(RESOLUTIONS)),
    urgent: T.Optional(T.Boolean()),
    attachmentIds: T.Optional(
      T.Array(T.String(), { maxItems: 9, description: "Photos uploaded to /api/v1/attachments" }),
    ),
  },
  { additionalProperties: false },
);
type OnsiteBodyOf = {
  orderNo: string;
  description: string;
  category?: string;
  expectedResolution?: string;
  urgent?: boolean;
  attachmentIds?: string[];
};

export function onsiteRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    "/api/v1/onsite-reports",
    {
      preValidation: need("onsite.report"),
      schema: {
        tags: ["channels"],
        summary: "A rider or warehouse worker registers a problem seen on site, for the order's customer",
        headers: T.Object({ "idempotency-key": T.Optional(T.String({ maxLength: 128 })) }),
        body: OnsiteBody,
        response: {
          201: Acknowledgement,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          422: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const b = request.body as OnsiteBodyOf;
      const order = await findOrder(ctx.db, b.orderNo);
      // Someone else's delivery answers like an unknown order: a rider cannot probe other orders. A rider
      // account with no rider id has no deliveries (not the orders that have no rider either).
      if (!order || (p.role === "rider" && (!p.riderId || order.rider_id !== p.riderId)))
        throw validationError([
          {
            field: "orderNo",
            code: "UNKNOWN_ORDER",
            message: text("没有找到您经手的这个订单", "No such order among the ones you handle"),
          },
        ]);
      // A rider's phone on a weak signal retries; the key makes the retry answer the same ticket.
      const idempotency = idempotencyOf(request, `${p.id}:onsite`, b);
      const registered = await registerRequest(
        ctx,
        { ...b, channel: "onsite", phone: order.customer_phone },
        { id: p.id, name: p.name, role: p.role },
        idempotency,
        localeOf(request),
        { reportedOnSiteBy: { role: p.role, name: p.name } },
      );
      if (!registered.ok) throw validationError(registered.details);
      if (registered.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(registered.ack);
    },
  );
}
