import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, forbidden, text } from "../../platform/errors.ts";
import { maskPhone } from "../../platform/format.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { NO_SUCH_ID } from "../../platform/ids.ts";
import { type BusinessLine, CHANNELS, QUEUES, SEVERITIES } from "../../policy-packs/schema.ts";
import { ticketAbuseFacts } from "../abuse/abuse.commands.ts";
import { AbuseFactsProps } from "../abuse/abuse.schema.ts";
import { signedUrl } from "../attachments/attachments.routes.ts";
import { listTicketAttachments } from "../attachments/attachments.store.ts";
import { offersWithdrawal } from "../follow-up/withdrawal.domain.ts";
import { invalidPhone, isMobilePhone, normalisePhone } from "../intake/intake.domain.ts";
import { recordPersonalDataAccess } from "../privacy/privacy.commands.ts";
import { isBreached } from "../sla/sla.domain.ts";
import { clocksOfTickets } from "../sla/sla.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket, type Principal, ticketScope } from "../users/roles.ts";
import { findUserByUsername } from "../users/users.store.ts";
import { ticketOfCustomer } from "./customer-access.ts";
import {
  assigneesOf,
  breachedOf,
  ListTotalProps,
  QueueItem,
  QueueItemProps,
  queueItem,
  queueItemBase,
} from "./queue-item.ts";
import { queueSearch } from "./search.domain.ts";
import {
  assignTicket,
  assignTickets,
  mergeTicket,
  reclassifyTicket,
  replyToTicket,
  takeTicket,
  transitionTicket,
} from "./tickets.commands.ts";
import { expectedCompletionAt, STATUSES, type Status } from "./tickets.domain.ts";
import { findTicket, listEvents, listTickets } from "./tickets.store.ts";
import { timelineText } from "./timeline.ts";

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const TicketNoParams = T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) });

/** Roles that call customers back need the whole number; everyone else sees it masked. */
const seesFullPhone = (p: Principal) => ["admin", "agent", "supervisor", "manager"].includes(p.role);

/** The `phone` filter: only for staff who see full numbers (to others a match would say whose tickets). */
function customerPhoneFilter(p: Principal, raw: string): string {
  if (!seesFullPhone(p)) throw forbidden();
  const phone = normalisePhone(raw);
  if (!isMobilePhone(phone))
    throw new AppError("VALIDATION_FAILED", 400, text("筛选条件有误", "Invalid filter"), [
      invalidPhone("phone"),
    ]);
  return phone;
}

const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));

export function ticketsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/tickets",
    {
      preValidation: need("tickets.read"),
      schema: {
        tags: ["tickets"],
        summary: "The staff queue, filtered and paged (merchants and riders see only their own)",
        querystring: T.Object({
          status: T.Optional(T.String({ description: "one status or several, comma-separated" })),
          channel: T.Optional(lit(CHANNELS)),
          businessLine: T.Optional(T.String()),
          category: T.Optional(T.String()),
          severity: T.Optional(lit(SEVERITIES)),
          queue: T.Optional(lit(QUEUES)),
          assignee: T.Optional(T.String({ description: "a username, `me`, or `none` for unassigned" })),
          view: T.Optional(
            T.Union(
              ["mine", "unassigned", "urgent", "due_soon", "breached", "escalated"].map((v) => T.Literal(v)),
              {
                description:
                  "due_soon: a running SLA clock is inside its reminder window; breached: a running clock is past its deadline (paused clocks count for neither); escalated: level 1 and above. All open tickets only.",
              },
            ),
          ),
          escalationLevel: T.Optional(
            T.Integer({ minimum: 0, maximum: 9, description: "0 agent, 1 supervisor, 2 operations manager" }),
          ),
          q: T.Optional(
            T.String({
              maxLength: 100,
              description:
                "a ticket or order number, words of the description, or (staff who see full phone numbers) a customer's mobile number",
            }),
          ),
          phone: T.Optional(
            T.String({
              maxLength: 20,
              description: "a customer's mobile number: all their tickets (staff who see full phone numbers)",
            }),
          ),
          sort: T.Optional(lit(["created_desc", "created_asc", "due_asc", "priority"] as const)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(QueueItem),
            ...ListTotalProps,
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const q = request.query as Record<string, string | number | undefined>;
      const now = ctx.clock.now();
      const statuses = typeof q.status === "string" ? q.status.split(",").map((s) => s.trim()) : undefined;
      const bad = statuses?.filter((s) => !(STATUSES as readonly string[]).includes(s));
      if (bad?.length)
        throw new AppError("VALIDATION_FAILED", 400, text("筛选条件有误", "Invalid filter"), [
          {
            field: "status",
            code: "UNKNOWN_STATUS",
            message: text(`未知状态：${bad.join(",")}`, `unknown status: ${bad.join(",")}`),
          },
        ]);
      let assigneeId: string | null | undefined;
      if (q.assignee === "me" || q.view === "mine") assigneeId = p.id;
      else if (q.assignee === "none" || q.view === "unassigned") assigneeId = null;
      else if (typeof q.assignee === "string") {
        assigneeId = (await findUserByUsername(ctx.db, q.assignee))?.id ?? NO_SUCH_ID;
      }
      const phone = typeof q.phone === "string" ? customerPhoneFilter(p, q.phone) : undefined;
      const search = typeof q.q === "string" && q.q.trim() ? queueSearch(q.q, seesFullPhone(p)) : undefined;
      const openStatuses = STATUSES.filter((s) => !["resolved", "closed", "not_applicable"].includes(s));
      // A free-text search scans descriptions: the read replica (REPORTS_DATABASE_URL) takes it, when there
      // is one; the working queue itself is read from the primary, so a new ticket shows at once, and so
      // does a caller's ticket filed a minute ago when the agent looks their number up.
      const scans = search && !search.phone;
      const result = await listTickets(scans ? (ctx.reportsDb ?? ctx.db) : ctx.db, {
        status: statuses ?? (q.view ? [...openStatuses] : undefined),
        channel: q.channel as string | undefined,
        businessLine: q.businessLine as string | undefined,
        category: q.category as string | undefined,
        severity: q.view === "urgent" ? "serious" : (q.severity as string | undefined),
        queue: q.queue as string | undefined,
        assigneeId,
        ...ticketScope(p),
        clockDueSoonAt: q.view === "due_soon" ? now : undefined,
        clockBrokenAt: q.view === "breached" ? now : undefined,
        minEscalationLevel: q.view === "escalated" ? 1 : undefined,
        escalationLevel: q.escalationLevel === undefined ? undefined : Number(q.escalationLevel),
        phone,
        search,
        sort:
          (q.sort as "created_desc") ??
          (q.view === "due_soon" || q.view === "breached"
            ? "deadline_asc"
            : q.view === "escalated"
              ? "priority"
              : "created_desc"),
        limit: Number(q.limit ?? 50),
        offset: Number(q.offset ?? 0),
      });
      // PIPL: looking a customer up by their number is an access to their data, on record as one.
      const lookedUp = phone ?? search?.phone;
      if (lookedUp)
        await recordPersonalDataAccess(ctx, p, request.routeOptions.url ?? "", [
          { phone: lookedUp, ticketNo: null, fields: ["tickets"] },
        ]);
      const [assignees, clocks] = await Promise.all([
        assigneesOf(ctx, result.items),
        clocksOfTickets(
          ctx.db,
          result.items.map((t) => t.ticket_no),
        ),
      ]);
      return {
        items: result.items.map((t) => queueItem(t, assignees, clocks.get(t.ticket_no), now)),
        total: result.total,
        totalExact: result.totalExact,
        limit: Number(q.limit ?? 50),
        offset: Number(q.offset ?? 0),
      };
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo",
    {
      preValidation: need("tickets.read"),
      schema: {
        tags: ["tickets"],
        summary: "One ticket with its clocks and full timeline",
        params: TicketNoParams,
        response: {
          200: T.Object({
            ...QueueItemProps,
            customerPhone: T.String(),
            customerName: T.Union([T.String(), T.Null()]),
            region: T.String(),
            riderId: T.Union([T.String(), T.Null()]),
            description: T.String(),
            expectedResolution: T.Union([T.String(), T.Null()]),
            occurredAt: T.Union([T.String(), T.Null()]),
            categorySource: T.String(),
            evidenceAwaited: T.Boolean(),
            details: T.Record(T.String(), T.Unknown()),
            mergedInto: T.Union([T.String(), T.Null()]),
            canWithdraw: T.Boolean({
              description: "whether the customer's withdrawal may be offered (POST …/withdraw)",
            }),
            packVersion: T.String(),
            ...AbuseFactsProps,
            sla: T.Object({
              firstResponseDueAt: T.String(),
              resolutionDueAt: T.String(),
              firstRespondedAt: T.Union([T.String(), T.Null()]),
              resolvedAt: T.Union([T.String(), T.Null()]),
              breached: T.Array(T.String()),
              clocks: T.Array(
                T.Object({
                  name: T.String({ description: "firstResponse, resolution, review, progressUpdate" }),
                  basis: T.String({ description: "business: service hours only; calendar: wall-clock" }),
                  startedAt: T.String(),
                  dueAt: T.Union([T.String(), T.Null()], { description: "null while paused" }),
                  remindAt: T.Union([T.String(), T.Null()]),
                  pausedSince: T.Union([T.String(), T.Null()]),
                  remainingMs: T.Union([T.Integer(), T.Null()], { description: "while paused" }),
                  stoppedAt: T.Union([T.String(), T.Null()]),
                  breachedAt: T.Union([T.String(), T.Null()]),
                  breached: T.Boolean(),
                  level: T.Integer({ description: "escalation levels this clock has fired" }),
                  nextAt: T.Union([T.String(), T.Null()], {
                    description: "when the engine acts next: reminder, deadline or next escalation level",
                  }),
                }),
              ),
            }),
            attachments: T.Array(
              T.Object({
                id: T.String(),
                kind: T.String(),
                thumbnailUrl: T.Union([T.String(), T.Null()]),
                url: T.String(),
                capturedAt: T.Union([T.String(), T.Null()]),
              }),
            ),
            events: T.Array(
              T.Object({
                type: T.String(),
                at: T.String(),
                actor: T.String(),
                actorRole: T.String(),
                channel: T.Union([T.String(), T.Null()]),
                visibility: T.String(),
                data: T.Record(T.String(), T.Unknown()),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { ticketNo } = request.params as { ticketNo: string };
      const t = await findTicket(ctx.db, ticketNo);
      if (!t || !canSeeTicket(p, t)) throw ticketNotFound();
      const now = ctx.clock.now();
      const [events, attachments, assignees, clockMap, abuse] = await Promise.all([
        listEvents(ctx.db, ticketNo),
        listTicketAttachments(ctx.db, ticketNo),
        assigneesOf(ctx, [t]),
        clocksOfTickets(ctx.db, [ticketNo]),
        ticketAbuseFacts(ctx, t, p.role !== "merchant" && p.role !== "rider"),
      ]);
      // PIPL: every staff view of a customer's unmasked data is on record, whoever the viewer.
      await recordPersonalDataAccess(ctx, p, request.routeOptions.url ?? "", [
        {
          phone: t.customer_phone,
          ticketNo,
          fields: [
            ...(seesFullPhone(p) ? ["phone"] : []),
            ...(t.customer_name ? ["name"] : []),
            "description",
            "details",
            ...(attachments.length ? ["attachments"] : []),
          ],
        },
      ]);
      const clocks = clockMap.get(ticketNo) ?? [];
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      const breached = breachedOf(t, clocks, now);
      return {
        ...queueItemBase(t, assignees, breached),
        customerPhone: seesFullPhone(p) ? t.customer_phone : maskPhone(t.customer_phone),
        customerName: t.customer_name,
        region: t.region,
        riderId: t.rider_id,
        description: t.description,
        expectedResolution: t.expected_resolution,
        occurredAt: t.occurred_at?.toISOString() ?? null,
        categorySource: t.category_source,
        evidenceAwaited: t.evidence_awaited,
        details: t.details,
        mergedInto: t.merged_into,
        canWithdraw: offersWithdrawal(t),
        packVersion: t.pack_version,
        ...abuse,
        sla: {
          firstResponseDueAt: t.first_response_due_at.toISOString(),
          resolutionDueAt: t.resolution_due_at.toISOString(),
          firstRespondedAt: t.first_responded_at?.toISOString() ?? null,
          resolvedAt: t.resolved_at?.toISOString() ?? null,
          breached,
          clocks: clocks.map((c) => ({
            name: c.name,
            basis: c.basis,
            startedAt: c.startedAt.toISOString(),
            dueAt: iso(c.dueAt),
            remindAt: iso(c.remindAt),
            pausedSince: iso(c.pausedSince),
            remainingMs: c.remainingMs,
            stoppedAt: iso(c.stoppedAt),
            breachedAt: iso(c.breachedAt),
            breached: isBreached(c, now),
            level: c.level,
            nextAt: iso(c.nextAt),
          })),
        },
        attachments: attachments.map((a) => ({
          id: a.id,
          kind: a.kind,
          thumbnailUrl: a.has_thumbnail ? signedUrl(ctx, a.id, "thumbnail", now) : null,
          url: signedUrl(ctx, a.id, "file", now),
          capturedAt: a.captured_at?.toISOString() ?? null,
        })),
        events: events.map((e) => ({
          type: e.type,
          at: e.at.toISOString(),
          actor: e.actor,
          actorRole: e.actor_role,
          channel: e.channel,
          visibility: e.visibility,
          data: e.data,
        })),
      };
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo/progress",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["tickets"],
        summary:
          "The customer's view: status, handler, expected completion and timeline (ticket number + phone)",
        params: TicketNoParams,
        querystring: T.Object({ phone: T.String({ minLength: 1, maxLength: 20 }) }),
        response: {
          200: T.Object({
            ticketNo: T.String(),
            status: T.String(),
            handler: T.Union([T.Object({ displayName: T.String() }), T.Null()]),
            expectedCompletionAt: T.Union([T.String(), T.Null()]),
            canWithdraw: T.Boolean({
              description:
                "whether to offer withdrawal (POST …/withdraw): open, not food safety; a remedy under way is only told by that answer",
            }),
            timeline: T.Array(T.Object({ at: T.String(), type: T.String(), text: T.String() })),
          }),
          400: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { phone } = request.query as { phone: string };
      const t = await ticketOfCustomer(ctx, ticketNo, phone);
      const locale = localeOf(request);
      const pack = ctx.packs.get(t.business_line as BusinessLine);
      const [events, assignees] = await Promise.all([
        listEvents(ctx.db, ticketNo, "customer"),
        assigneesOf(ctx, [t]),
      ]);
      const handler = t.assignee_id ? assignees.get(t.assignee_id) : undefined;
      return {
        ticketNo: t.ticket_no,
        status: t.status,
        handler: handler ? { displayName: handler.displayName } : null,
        expectedCompletionAt: expectedCompletionAt(t)?.toISOString() ?? null,
        canWithdraw: offersWithdrawal(t),
        timeline: events.map((e) => ({
          at: e.at.toISOString(),
          type: e.type,
          text: timelineText(e, pack, locale),
        })),
      };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/take",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "Take the ticket: assign it to me and start work",
        params: TicketNoParams,
        response: {
          200: T.Object({ ticketNo: T.String(), status: T.String(), assignee: T.String() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { ticketNo } = request.params as { ticketNo: string };
      await takeTicket(ctx, p, ticketNo);
      const t = (await findTicket(ctx.db, ticketNo))!;
      return { ticketNo, status: t.status, assignee: p.name };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/assign",
    {
      preValidation: need("tickets.assign"),
      schema: {
        tags: ["tickets"],
        summary: "Assign the ticket to an agent",
        params: TicketNoParams,
        body: T.Object({ username: T.String({ minLength: 1 }) }),
        response: {
          200: T.Object({ ticketNo: T.String(), status: T.String(), assignee: T.String() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { username } = request.body as { username: string };
      await assignTicket(ctx, principalOf(request), ticketNo, username);
      const t = (await findTicket(ctx.db, ticketNo))!;
      return { ticketNo, status: t.status, assignee: username };
    },
  );

  app.post(
    "/api/v1/tickets/bulk/assign",
    {
      preValidation: need("tickets.assign"),
      schema: {
        tags: ["tickets"],
        summary:
          "Assign up to 100 tickets to one agent, each on its own: the answer says for every ticket whether it was assigned, and why not",
        body: T.Object({
          ticketNos: T.Array(TicketNoParams.properties.ticketNo, {
            minItems: 1,
            maxItems: 100,
            uniqueItems: true,
          }),
          username: T.String({ minLength: 1 }),
        }),
        response: {
          200: T.Object({
            assignee: T.String(),
            assigned: T.Integer(),
            failed: T.Integer(),
            results: T.Array(
              T.Object({
                ticketNo: T.String(),
                ok: T.Boolean(),
                error: T.Optional(T.Object({ code: T.String(), message: T.String() })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNos, username } = request.body as { ticketNos: string[]; username: string };
      const locale = localeOf(request);
      const results = await assignTickets(ctx, principalOf(request), ticketNos, username);
      return {
        assignee: username,
        assigned: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
        results: results.map((r) =>
          r.ok
            ? { ticketNo: r.ticketNo, ok: true }
            : {
                ticketNo: r.ticketNo,
                ok: false,
                error: { code: r.error.code, message: r.error.text[locale] },
              },
        ),
      };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/replies",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "Reply to the customer, or add an internal note",
        params: TicketNoParams,
        body: T.Object({
          body: T.String({ minLength: 1, maxLength: 2000 }),
          visibility: lit(["customer", "internal"] as const),
          writingSince: T.Optional(
            T.String({
              format: "date-time",
              description:
                "when the agent began writing (the time of the latest event they had seen): a reply to the customer by someone else after it is 409 REPLIED_MEANWHILE, quoting it; send again without this field to reply anyway",
            }),
          ),
        }),
        response: { 201: T.Object({ ticketNo: T.String(), visibility: T.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { body, visibility, writingSince } = request.body as {
        body: string;
        visibility: "customer" | "internal";
        writingSince?: string;
      };
      if (!body.trim())
        throw new AppError("VALIDATION_FAILED", 400, text("回复内容不能为空", "The reply is empty"), [
          { field: "body", code: "REQUIRED", message: text("请填写回复内容", "body is required") },
        ]);
      await replyToTicket(
        ctx,
        principalOf(request),
        ticketNo,
        body.trim(),
        visibility,
        writingSince ? new Date(writingSince) : undefined,
      );
      reply.status(201);
      return { ticketNo, visibility };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/transitions",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "Move the ticket to another status (409 ILLEGAL_TRANSITION when not allowed)",
        params: TicketNoParams,
        body: T.Object({ to: lit(STATUSES), reason: T.Optional(T.String({ maxLength: 500 })) }),
        response: { 200: T.Object({ ticketNo: T.String(), status: T.String() }), ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { to, reason } = request.body as { to: Status; reason?: string };
      await transitionTicket(ctx, principalOf(request), ticketNo, to, reason?.trim() || undefined);
      return { ticketNo, status: to };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/classification",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "Change category, sub-type, severity or urgency, with a reason; clocks are recomputed",
        params: TicketNoParams,
        body: T.Object({
          category: T.Optional(T.String()),
          subType: T.Optional(T.Union([T.String(), T.Null()])),
          severity: T.Optional(lit(SEVERITIES)),
          urgent: T.Optional(T.Boolean()),
          reason: T.String({ minLength: 1, maxLength: 500 }),
        }),
        response: {
          200: T.Object({
            ticketNo: T.String(),
            category: T.String(),
            severity: T.String(),
            priority: T.Integer(),
            resolutionDueAt: T.String(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      await reclassifyTicket(ctx, principalOf(request), ticketNo, request.body as { reason: string });
      const t = (await findTicket(ctx.db, ticketNo))!;
      return {
        ticketNo,
        category: t.category,
        severity: t.severity,
        priority: t.priority,
        resolutionDueAt: t.resolution_due_at.toISOString(),
      };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/merge",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["tickets"],
        summary: "Merge this duplicate into another open ticket of the same customer",
        params: TicketNoParams,
        body: T.Object({
          into: T.String({ minLength: 1 }),
          reason: T.Optional(T.String({ maxLength: 500 })),
        }),
        response: {
          200: T.Object({ ticketNo: T.String(), status: T.String(), mergedInto: T.String() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const { into, reason } = request.body as { into: string; reason?: string };
      await mergeTicket(ctx, principalOf(request), ticketNo, into, reason);
      return { ticketNo, status: "closed", mergedInto: into };
    },
  );
}
