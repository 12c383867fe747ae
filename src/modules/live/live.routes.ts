import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, unauthorized } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket } from "../users/roles.ts";
import { principalById } from "../users/users.directory.store.ts";
import { openSse, type SseStream } from "./sse.ts";
import { issueStreamToken, verifyStreamToken } from "./stream-token.ts";

/**
 * Server-sent events from the live bus. Only a ticket number and the kind of change travel; the page
 * re-reads through the ordinary routes, which apply their own rules on what its viewer may see.
 */
const EVENT_STREAM = {
  200: {
    description: "`ticket` events: data {ticketNo, type}",
    content: { "text/event-stream": { schema: { type: "string" } } },
  },
};

export function liveRoutes(app: FastifyInstance, ctx: AppContext): void {
  const streams = new Set<SseStream>();
  // Open streams would hold the server's close forever; end them first.
  app.addHook("preClose", async () => {
    for (const s of streams) s.close();
  });

  const follow = (
    request: Parameters<typeof openSse>[0],
    reply: Parameters<typeof openSse>[1],
    wants: (change: { ticketNo: string; merchantId: string; riderId: string | null }) => boolean,
  ) => {
    let unsubscribe = () => {};
    const stream = openSse(request, reply, () => {
      unsubscribe();
      streams.delete(stream);
    });
    streams.add(stream);
    unsubscribe = ctx.live.subscribe((change) => {
      if (wants(change)) stream.send("ticket", { ticketNo: change.ticketNo, type: change.type });
    });
    stream.send("ready", { at: ctx.clock.now().toISOString() });
  };

  app.get(
    "/api/v1/tickets/:ticketNo/progress/stream",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["live"],
        summary: "Server-sent events when the customer's ticket changes (ticket number + phone)",
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        querystring: T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }) }),
        response: { ...EVENT_STREAM, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone } = request.query as { phone: string };
      const t = await findTicket(ctx.db, ticketNo);
      // As the progress route: a wrong phone and an unknown number answer alike.
      if (!t || t.customer_phone !== normalisePhone(phone))
        throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
      follow(request, reply, (change) => change.ticketNo === ticketNo);
    },
  );

  app.post(
    "/api/v1/live/tokens",
    {
      preValidation: need("tickets.read"),
      schema: {
        tags: ["live"],
        summary: "A one-minute token to open the staff event stream (EventSource cannot send headers)",
        response: {
          201: T.Object({ token: T.String(), expiresAt: T.String() }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind !== "user")
        throw new AppError(
          "FORBIDDEN",
          403,
          text("事件流仅供登录用户使用", "Event streams are for logged-in users"),
        );
      const issued = issueStreamToken(ctx.config.authSecret, p.id, ctx.clock.now());
      reply.status(201);
      return { token: issued.token, expiresAt: issued.exp.toISOString() };
    },
  );

  app.get(
    "/api/v1/live/tickets",
    {
      schema: {
        tags: ["live"],
        summary: "Server-sent events for every ticket change the token's holder may see",
        querystring: T.Object({ token: T.String({ minLength: 1, maxLength: 200 }) }),
        response: { ...EVENT_STREAM, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { token } = request.query as { token: string };
      const userId = verifyStreamToken(ctx.config.authSecret, token, ctx.clock.now());
      const p = userId ? await principalById(ctx.db, userId) : null;
      if (!p) throw unauthorized();
      // A merchant hears only of its own tickets, a rider of its own deliveries: the same scope as the queue.
      follow(request, reply, (change) =>
        canSeeTicket(p, { merchant_id: change.merchantId, rider_id: change.riderId }),
      );
    },
  );
}
