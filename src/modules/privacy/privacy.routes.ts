import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { listCalendarChanges } from "../sla/calendar.store.ts";
import { ticketOfCustomer } from "../tickets/customer-access.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import {
  accessEntry,
  eraseSubject,
  exportSubject,
  newHoldId,
  recordAudit,
  recordPersonalDataAccess,
  runRetention,
  subjectToken,
} from "./privacy.commands.ts";
import { DATA_KIND_TEXT, DATA_KINDS, type DataKind, retentionRules } from "./privacy.domain.ts";
import {
  insertHold,
  listAccess,
  listActiveHolds,
  listAudit,
  releaseHold,
  retentionOverrides,
  setRetentionOverride,
} from "./privacy.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const Phone = T.String({ pattern: "^1[3-9]\\d{9}$" });
const TicketNo = T.String({ pattern: "^[A-Z]{2}\\d{8,}$" });
const Reason = T.String({ minLength: 1, maxLength: 500 });
const Paging = {
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
};
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const SubjectExport = T.Record(T.String(), T.Unknown(), {
  description: "tickets, timelines, attachments, orders, calls and the access log of this customer",
});

/** Personal data protection: access log, audit trail, retention, legal holds, customers' data rights. */
export function privacyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/privacy/access-log",
    {
      preValidation: need("privacy.audit"),
      schema: {
        tags: ["privacy"],
        summary: "Who saw whose unmasked personal data, when and through which route",
        querystring: T.Object({
          phone: T.Optional(Phone),
          staff: T.Optional(T.String({ maxLength: 64, description: "a username" })),
          ticketNo: T.Optional(TicketNo),
          ...Paging,
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                at: T.String(),
                staff: T.String(),
                role: T.String(),
                subject: T.String({ description: "keyed hash of the customer's phone" }),
                ticketNo: T.Union([T.String(), T.Null()]),
                fields: T.Array(T.String()),
                route: T.String(),
              }),
            ),
            total: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as {
        phone?: string;
        staff?: string;
        ticketNo?: string;
        limit?: number;
        offset?: number;
      };
      const r = await listAccess(ctx.db, {
        subjectToken: q.phone ? subjectToken(ctx, q.phone) : undefined,
        staff: q.staff,
        ticketNo: q.ticketNo,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return {
        total: r.total,
        items: r.items.map(accessEntry),
      };
    },
  );

  app.get(
    "/api/v1/audit-events",
    {
      preValidation: need("privacy.audit"),
      schema: {
        tags: ["privacy"],
        summary:
          "Configuration changes (users, roles, API keys, retention, legal holds, blacklist, calendar) with who and why",
        querystring: T.Object({
          action: T.Optional(
            T.String({ maxLength: 64, description: "an action or its prefix, e.g. `users`" }),
          ),
          actor: T.Optional(T.String({ maxLength: 64 })),
          ...Paging,
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                at: T.String(),
                actor: T.String(),
                actorRole: T.String(),
                action: T.String(),
                target: T.String(),
                reason: T.Union([T.String(), T.Null()]),
                data: T.Record(T.String(), T.Unknown()),
              }),
            ),
            total: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { action?: string; actor?: string; limit?: number; offset?: number };
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const audit = await listAudit(ctx.db, {
        action: q.action,
        actor: q.actor,
        limit: limit + offset,
        offset: 0,
      });
      // The calendar keeps its own change history (calendar_changes); it is read here, not copied.
      const year = ctx.clock.now().getUTCFullYear();
      const calendar =
        !q.action || q.action === "calendar" || q.action.startsWith("calendar.")
          ? [
              ...(await listCalendarChanges(ctx.db, year + 1)),
              ...(await listCalendarChanges(ctx.db, year)),
              ...(await listCalendarChanges(ctx.db, year - 1)),
            ]
              .filter((c) => !q.actor || c.changedBy === q.actor)
              .filter((c) => !q.action?.startsWith("calendar.") || q.action === `calendar.${c.action}`)
          : [];
      const items = [
        ...audit.items.map((e) => ({
          at: iso(e.at)!,
          actor: e.actor,
          actorRole: e.actor_role,
          action: e.action,
          target: e.target,
          reason: e.reason,
          data: e.data,
        })),
        ...calendar.map((c) => ({
          at: c.changedAt.toISOString(),
          actor: c.changedBy,
          actorRole: "admin",
          action: `calendar.${c.action}`,
          target: c.date,
          reason: c.reason,
          data: { kind: c.kind, name: c.name } as Record<string, unknown>,
        })),
      ].sort((a, b) => b.at.localeCompare(a.at));
      return { items: items.slice(offset, offset + limit), total: audit.total + calendar.length };
    },
  );

  const RetentionRule = T.Object({
    dataKind: T.String(),
    what: T.String(),
    businessLine: T.String(),
    months: T.Integer(),
    source: T.String({ description: "pack: the business line's policy pack; override: an admin's rule" }),
    closedBefore: T.String({ description: "tickets finished before this instant are erased today" }),
  });

  app.get(
    "/api/v1/privacy/retention",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "How long each kind of personal data is kept after a ticket closes, per business line",
        response: { 200: T.Object({ items: T.Array(RetentionRule) }), ...errors },
      },
    },
    async () => ({ items: await rulesNow(ctx) }),
  );

  app.put(
    "/api/v1/privacy/retention/:dataKind",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "Set (or with months null, remove) the retention of a data kind for every line",
        params: T.Object({ dataKind: T.Union(DATA_KINDS.map((k) => T.Literal(k))) }),
        body: T.Object({
          months: T.Union([T.Integer({ minimum: 1, maximum: 600 }), T.Null()]),
          reason: Reason,
        }),
        response: { 200: T.Object({ items: T.Array(RetentionRule) }), ...errors },
      },
    },
    async (request) => {
      const who = principalOf(request);
      const { dataKind } = request.params as { dataKind: DataKind };
      const { months, reason } = request.body as { months: number | null; reason: string };
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (trx) => {
        await setRetentionOverride(trx, dataKind, months, who.name, now);
        await recordAudit(
          trx,
          {
            actor: who.name,
            actorRole: who.role,
            action: "privacy.retention_rule",
            target: dataKind,
            reason,
            data: { months },
          },
          now,
        );
      });
      return { items: await rulesNow(ctx) };
    },
  );

  app.post(
    "/api/v1/privacy/retention/dry-run",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "List what today's retention run would anonymise, touching nothing",
        response: {
          200: T.Object({
            dryRun: T.Boolean(),
            at: T.String(),
            counts: T.Record(T.String(), T.Integer()),
            items: T.Array(
              T.Object({
                ticketNo: T.String(),
                businessLine: T.String(),
                dataKind: T.String(),
                closedAt: T.String(),
                retentionMonths: T.Integer(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const who = principalOf(request);
      return runRetention(ctx, { dryRun: true, actor: who.name, actorRole: who.role });
    },
  );

  const Hold = T.Object({
    id: T.String(),
    ticketNo: T.Union([T.String(), T.Null()]),
    phone: T.Union([T.String(), T.Null()]),
    reason: T.String(),
    placedBy: T.String(),
    placedAt: T.String(),
  });
  const holdOut = (h: Awaited<ReturnType<typeof listActiveHolds>>[number]) => ({
    id: h.id,
    ticketNo: h.ticket_no,
    phone: h.customer_phone,
    reason: h.reason,
    placedBy: h.placed_by,
    placedAt: iso(h.placed_at)!,
  });

  app.get(
    "/api/v1/privacy/legal-holds",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "Legal holds in force: their data is not anonymised",
        response: { 200: T.Object({ items: T.Array(Hold) }), ...errors },
      },
    },
    async () => ({ items: (await listActiveHolds(ctx.db)).map(holdOut) }),
  );

  app.post(
    "/api/v1/privacy/legal-holds",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "Place a legal hold on a ticket or on a customer (all their tickets)",
        body: T.Object({ ticketNo: T.Optional(TicketNo), phone: T.Optional(Phone), reason: Reason }),
        response: { 201: Hold, ...errors },
      },
    },
    async (request, reply) => {
      const who = principalOf(request);
      const body = request.body as { ticketNo?: string; phone?: string; reason: string };
      if (!body.ticketNo === !body.phone)
        throw new AppError(
          "VALIDATION_FAILED",
          400,
          text("请指定服务单或手机号之一", "Name a ticket or a phone"),
          [
            {
              field: "ticketNo",
              code: "ONE_OF_TICKET_OR_PHONE",
              message: text("服务单号与手机号须且只能填一个", "give exactly one of ticketNo and phone"),
            },
          ],
        );
      if (body.ticketNo && !(await findTicket(ctx.db, body.ticketNo)))
        throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
      const now = ctx.clock.now();
      const id = newHoldId();
      await ctx.db.transaction().execute(async (trx) => {
        await insertHold(
          trx,
          {
            id,
            ticketNo: body.ticketNo ?? null,
            phone: body.phone ?? null,
            reason: body.reason,
            by: who.name,
          },
          now,
        );
        await recordAudit(
          trx,
          {
            actor: who.name,
            actorRole: who.role,
            action: "privacy.legal_hold",
            target: body.ticketNo ?? subjectToken(ctx, body.phone!),
            reason: body.reason,
            data: { holdId: id },
          },
          now,
        );
      });
      reply.status(201);
      return {
        id,
        ticketNo: body.ticketNo ?? null,
        phone: body.phone ?? null,
        reason: body.reason,
        placedBy: who.name,
        placedAt: now.toISOString(),
      };
    },
  );

  app.post(
    "/api/v1/privacy/legal-holds/:id/release",
    {
      preValidation: need("privacy.manage"),
      schema: {
        tags: ["privacy"],
        summary: "Release a legal hold; the data falls under retention again",
        params: T.Object({ id: T.String({ maxLength: 40 }) }),
        body: T.Object({ reason: Reason }),
        response: { 200: T.Object({ id: T.String(), releasedAt: T.String() }), ...errors },
      },
    },
    async (request) => {
      const who = principalOf(request);
      const { id } = request.params as { id: string };
      const { reason } = request.body as { reason: string };
      const now = ctx.clock.now();
      const released = await ctx.db.transaction().execute(async (trx) => {
        const row = await releaseHold(trx, id, who.name, now);
        if (row)
          await recordAudit(
            trx,
            {
              actor: who.name,
              actorRole: who.role,
              action: "privacy.legal_hold_release",
              target: row.ticket_no ?? subjectToken(ctx, row.customer_phone!),
              reason,
              data: { holdId: id },
            },
            now,
          );
        return row;
      });
      if (!released) throw new AppError("NOT_FOUND", 404, text("法律保全不存在", "Legal hold not found"));
      return { id, releasedAt: now.toISOString() };
    },
  );

  const publicLimit = { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } };
  const CustomerProof = T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }), ticketNo: TicketNo });

  app.post(
    "/api/v1/privacy/requests/export",
    {
      config: publicLimit,
      schema: {
        tags: ["privacy"],
        summary: "A customer's export of their own data (proof: phone + one of their ticket numbers)",
        body: CustomerProof,
        response: { 200: SubjectExport, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { phone, ticketNo } = request.body as { phone: string; ticketNo: string };
      const t = await ticketOfCustomer(ctx, ticketNo, phone);
      return exportSubject(ctx, t.customer_phone);
    },
  );

  app.post(
    "/api/v1/privacy/requests/erasure",
    {
      config: publicLimit,
      schema: {
        tags: ["privacy"],
        summary:
          "A customer's request to erase their personal data (proof: phone + ticket number); 409 ERASURE_BLOCKED names why not",
        body: CustomerProof,
        response: {
          200: T.Object({ erased: T.Boolean(), tickets: T.Integer() }),
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { phone, ticketNo } = request.body as { phone: string; ticketNo: string };
      const t = await ticketOfCustomer(ctx, ticketNo, phone);
      const r = await eraseSubject(ctx, t.customer_phone, {
        actor: "customer",
        actorRole: "customer",
        reason: null,
      });
      return { erased: true, tickets: r.tickets };
    },
  );

  const OnBehalf = T.Object({ phone: Phone, reason: Reason });

  app.post(
    "/api/v1/privacy/subjects/export",
    {
      preValidation: need("privacy.requests"),
      schema: {
        tags: ["privacy"],
        summary: "Export a customer's data on their behalf (logged in the access log)",
        body: OnBehalf,
        response: { 200: SubjectExport, ...errors },
      },
    },
    async (request) => {
      const who = principalOf(request);
      const { phone, reason } = request.body as { phone: string; reason: string };
      const out = await exportSubject(ctx, phone);
      await recordPersonalDataAccess(ctx, who, request.routeOptions.url ?? "", [
        { phone, ticketNo: null, fields: ["export"] },
      ]);
      await recordAudit(
        ctx.db,
        {
          actor: who.name,
          actorRole: who.role,
          action: "privacy.export",
          target: subjectToken(ctx, phone),
          reason,
        },
        ctx.clock.now(),
      );
      return out;
    },
  );

  app.post(
    "/api/v1/privacy/subjects/erasure",
    {
      preValidation: need("privacy.requests"),
      schema: {
        tags: ["privacy"],
        summary: "Erase a customer's personal data on their behalf; 409 ERASURE_BLOCKED names why not",
        body: OnBehalf,
        response: { 200: T.Object({ erased: T.Boolean(), tickets: T.Integer() }), ...errors },
      },
    },
    async (request) => {
      const who = principalOf(request);
      const { phone, reason } = request.body as { phone: string; reason: string };
      const r = await eraseSubject(ctx, phone, { actor: who.name, actorRole: who.role, reason });
      return { erased: true, tickets: r.tickets };
    },
  );
}

async function rulesNow(ctx: AppContext) {
  const lines = [...ctx.packs.values()].map((p) => ({
    businessLine: p.businessLine,
    months: p.retention.months,
  }));
  return retentionRules(lines, await retentionOverrides(ctx.db), ctx.clock.now()).map((r) => ({
    ...r,
    what: DATA_KIND_TEXT[r.dataKind],
    closedBefore: r.closedBefore.toISOString(),
  }));
}
