import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { forbidden, notFound, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { need, principalOf } from "../users/auth.ts";
import { findTicket } from "./tickets.store.ts";
import { HEARTBEAT_SECONDS } from "./viewers.domain.ts";
import { markViewing, otherViewers, stopViewing } from "./viewers.store.ts";

const Params = T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/**
 * "agent2 is viewing this ticket": the workspace of staff who work tickets calls in while it is open and
 * hears who else has it open. Merchants and riders read their tickets without taking part.
 */
export function viewersRoutes(app: FastifyInstance, ctx: AppContext): void {
  const viewer = async (request: FastifyRequest) => {
    const p = principalOf(request);
    if (p.kind !== "user") throw forbidden();
    const { ticketNo } = request.params as { ticketNo: string };
    if (!(await findTicket(ctx.db, ticketNo))) throw notFound(text("服务单", "Ticket"));
    return { userId: p.id, ticketNo };
  };

  app.put(
    "/api/v1/tickets/:ticketNo/viewers/me",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: `I have the ticket open (call again every ${HEARTBEAT_SECONDS} s): who else has it open`,
        params: Params,
        response: {
          200: T.Object({
            heartbeatSeconds: T.Integer(),
            viewers: T.Array(T.Object({ username: T.String(), displayName: T.String(), since: T.String() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { userId, ticketNo } = await viewer(request);
      const now = ctx.clock.now();
      await markViewing(ctx.db, ticketNo, userId, now);
      const others = await otherViewers(ctx.db, ticketNo, userId, now);
      return {
        heartbeatSeconds: HEARTBEAT_SECONDS,
        viewers: others.map((v) => ({
          username: v.username,
          displayName: v.display_name,
          since: v.since.toISOString(),
        })),
      };
    },
  );

  app.delete(
    "/api/v1/tickets/:ticketNo/viewers/me",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "I closed the ticket",
        params: Params,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { userId, ticketNo } = await viewer(request);
      await stopViewing(ctx.db, ticketNo, userId);
      reply.code(204);
    },
  );
}
