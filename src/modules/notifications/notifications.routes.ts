import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { maskPhone } from "../../platform/format.ts";
import { ErrorSchema } from "../../platform/http.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { ticketOfCustomer } from "../tickets/customer-access.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket } from "../users/roles.ts";
import { sendableAt } from "./delivery.domain.ts";
import { settingsOf } from "./notifications.jobs.ts";
import {
  deadNotices,
  findNotice,
  type NoticeRow,
  noticesOfTicket,
  requeueNotice,
} from "./notifications.store.ts";
import { templatesRoutes } from "./templates.routes.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const TicketNoParams = T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) });
const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
const noticeNotFound = () =>
  new AppError(
    "NOT_FOUND",
    404,
    text("通知不存在或不在死信列表中", "No such notice in the dead-letter list"),
  );

/** 13800138000 → 138****8000, alice@example.com → a***@example.com; staff recipients are not personal data. */
export function maskRecipient(channel: string, audience: string, recipient: string): string {
  if (audience === "staff") return recipient;
  if (recipient.includes("@")) {
    const [local, domain] = recipient.split("@");
    return `${local!.slice(0, 1)}***@${domain}`;
  }
  if (/^\d{7,}$/.test(recipient)) return maskPhone(recipient);
  return channel === "wechat" ? `${recipient.slice(0, 4)}***` : "***";
}

const NoticeItem = T.Object({
  id: T.String(),
  ticketNo: T.String(),
  kind: T.String(),
  audience: T.String(),
  channel: T.String(),
  recipient: T.String({ description: "masked: phone 138****8000, e-mail a***@example.com" }),
  subject: T.Union([T.String(), T.Null()]),
  body: T.String(),
  status: T.String({ description: "pending | sent | dead" }),
  urgent: T.Boolean(),
  provider: T.Union([T.String(), T.Null()]),
  providerRef: T.Union([T.String(), T.Null()]),
  attempts: T.Integer(),
  maxAttempts: T.Integer(),
  nextAttemptAt: T.Union([T.String(), T.Null()]),
  heldUntil: T.Union([T.String(), T.Null()], {
    description: "set when the quiet hours held the notice until morning",
  }),
  lastError: T.Union([T.String(), T.Null()]),
  createdAt: T.String(),
  sentAt: T.Union([T.String(), T.Null()]),
  deadAt: T.Union([T.String(), T.Null()]),
  retriedBy: T.Union([T.String(), T.Null()]),
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const noticeItem = (n: NoticeRow) => ({
  id: String(n.id),
  ticketNo: n.ticket_no,
  kind: n.kind,
  audience: n.audience,
  channel: n.channel,
  recipient: maskRecipient(n.channel, n.audience, n.recipient),
  subject: n.subject,
  body: n.body,
  status: n.status,
  urgent: n.urgent,
  provider: n.provider,
  providerRef: n.provider_ref,
  attempts: n.attempts,
  maxAttempts: n.max_attempts,
  nextAttemptAt: iso(n.next_attempt_at),
  heldUntil: iso(n.held_until),
  lastError: n.last_error,
  createdAt: iso(n.created_at)!,
  sentAt: iso(n.sent_at),
  deadAt: iso(n.dead_at),
  retriedBy: n.retried_by,
});

/** The customer's in-app messages, the ticket's notification log, and the dead-letter list. */
export function notificationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/tickets/:ticketNo/messages",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["notifications"],
        summary: "The customer's in-app messages (站内信) of a ticket (ticket number + phone)",
        params: TicketNoParams,
        querystring: T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }) }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                id: T.String(),
                at: T.String(),
                kind: T.String(),
                subject: T.Union([T.String(), T.Null()]),
                body: T.String(),
              }),
            ),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone } = request.query as { phone: string };
      await ticketOfCustomer(ctx, ticketNo, phone);
      const rows = await noticesOfTicket(ctx.db, ticketNo, true);
      return {
        items: rows.map((n) => ({
          id: String(n.id),
          at: iso(n.sent_at ?? n.created_at)!,
          kind: n.kind,
          subject: n.subject,
          body: n.body,
        })),
      };
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo/notifications",
    {
      preValidation: need("notifications.read"),
      schema: {
        tags: ["notifications"],
        summary:
          "Every notice of a ticket, to the customer and to staff, with its delivery (recipients masked)",
        params: TicketNoParams,
        response: { 200: T.Object({ items: T.Array(NoticeItem) }), ...errors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { ticketNo } = request.params as { ticketNo: string };
      const t = await findTicket(ctx.db, ticketNo);
      if (!t || !canSeeTicket(p, t)) throw ticketNotFound();
      return { items: (await noticesOfTicket(ctx.db, ticketNo)).map(noticeItem) };
    },
  );

  app.get(
    "/api/v1/notifications/dead-letters",
    {
      preValidation: need("notifications.manage"),
      schema: {
        tags: ["notifications"],
        summary: "Notices given up after their retries (newest first; page with `before` = the last id)",
        querystring: T.Object({
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          before: T.Optional(T.String({ pattern: "^\\d+$" })),
        }),
        response: { 200: T.Object({ items: T.Array(NoticeItem), total: T.Integer() }), ...errors },
      },
    },
    async (request) => {
      const { limit = 50, before } = request.query as { limit?: number; before?: string };
      const { items, total } = await deadNotices(ctx.db, limit, before);
      return { items: items.map(noticeItem), total };
    },
  );

  app.post(
    "/api/v1/notifications/:id/retry",
    {
      preValidation: need("notifications.manage"),
      schema: {
        tags: ["notifications"],
        summary: "Send a dead-lettered notice again, with fresh attempts (quiet hours still apply)",
        params: T.Object({ id: T.String({ pattern: "^\\d+$" }) }),
        response: { 200: NoticeItem, ...errors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { id } = request.params as { id: string };
      const now = ctx.clock.now();
      const dead = await findNotice(ctx.db, id);
      if (dead?.status !== "dead") throw noticeNotFound();
      const ticket = await findTicket(ctx.db, dead.ticket_no);
      if (!ticket || !canSeeTicket(p, ticket)) throw noticeNotFound();
      const quiet = settingsOf(ctx.packs.get(dead.business_line as BusinessLine)).quietHours;
      const row = await requeueNotice(ctx.db, id, sendableAt(now, quiet, dead.urgent), p.name);
      if (!row) throw noticeNotFound();
      return noticeItem(row);
    },
  );

  templatesRoutes(app, ctx);
}
