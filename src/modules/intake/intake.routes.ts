import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, type Locale, text, unauthorized, validationError } from "../../platform/errors.ts";
import { localTime } from "../../platform/format.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { canonicalJson, sha256 } from "../../platform/ids.ts";
import { BUSINESS_LINES, CHANNELS, type PolicyPack, RESOLUTIONS } from "../../policy-packs/schema.ts";
import { findAttachmentsForIntake } from "../attachments/attachments.store.ts";
import { readText, textUnderstanding } from "../nlp/understanding.ts";
import { findOrderAndRecentComplaints } from "../orders/orders.store.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { firstResponseMinutes, minutesText } from "../sla/sla.domain.ts";
import { findIdempotencyKey, findTicket, insertTicket, type TicketRow } from "../tickets/tickets.store.ts";
import { allows } from "../users/roles.ts";
import {
  complaintWindowStarts,
  decideIntake,
  normalisePhone,
  SELF_SERVICE_CHANNELS,
} from "./intake.domain.ts";

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));

const IntakeBody = T.Object({
  businessLine: T.Optional(lit(BUSINESS_LINES)),
  channel: lit(CHANNELS),
  phone: T.String({ description: "Mainland mobile number, e.g. 13800138000" }),
  orderNo: T.String(),
  name: T.Optional(T.String({ maxLength: 50 })),
  category: T.Optional(
    T.String({ description: "A category code of the line's policy pack; omitted → triage classifies" }),
  ),
  subType: T.Optional(T.String()),
  description: T.String(),
  expectedResolution: T.Optional(lit(RESOLUTIONS)),
  occurredAt: T.Optional(T.String({ format: "date-time" })),
  urgent: T.Optional(T.Boolean()),
  attachmentIds: T.Optional(T.Array(T.String(), { maxItems: 9 })),
  foreignObject: T.Optional(T.Object({ colour: T.String(), shape: T.String(), size: T.String() })),
});

export const Acknowledgement = T.Object({
  ticketNo: T.String(),
  status: T.String(),
  businessLine: T.String(),
  category: T.String(),
  subType: T.Union([T.String(), T.Null()]),
  severity: lit(["serious", "general", "minor"] as const),
  priority: T.Integer(),
  urgent: T.Boolean(),
  evidenceAwaited: T.Boolean(),
  acknowledgement: T.Object({
    text: T.String(),
    firstResponseDueAt: T.String(),
    resolutionDueAt: T.String(),
    serviceHours: T.String(),
    trackingUrl: T.String(),
  }),
});

export function serviceHoursText(pack: PolicyPack, locale: Locale): string {
  const { workdays: w, holidays: h } = pack.serviceHours;
  return locale === "en"
    ? `workdays ${w.open}–${w.close}, holidays ${h.open}–${h.close} (Beijing time)`
    : `工作日 ${w.open}–${w.close}，节假日 ${h.open}–${h.close}`;
}

type AckFacts = Pick<
  TicketRow,
  | "ticket_no"
  | "status"
  | "business_line"
  | "category"
  | "sub_type"
  | "severity"
  | "priority"
  | "urgent"
  | "evidence_awaited"
  | "first_response_due_at"
  | "resolution_due_at"
>;

function acknowledge(ctx: AppContext, t: AckFacts, locale: Locale) {
  const pack = ctx.packs.get(t.business_line as PolicyPack["businessLine"])!;
  const trackingUrl = `${ctx.config.publicUrl}/h5/progress/${t.ticket_no}`;
  const respondIn = minutesText(firstResponseMinutes(pack, t.severity as "serious", t.urgent), locale);
  const hours = serviceHoursText(pack, locale);
  const due = localTime(t.resolution_due_at, locale);
  const body =
    locale === "en"
      ? `Your after-sales request is registered as ${t.ticket_no}. We will respond within ${respondIn} and aim to settle it by ${due}. Service hours: ${hours}. Check progress at ${trackingUrl} with your ticket number and phone.`
      : `您的售后申请已受理，服务单号：${t.ticket_no}。我们将在${respondIn}内响应，预计${due}前处理完成。服务时间：${hours}。凭服务单号和手机号查询进度：${trackingUrl}`;
  return {
    ticketNo: t.ticket_no,
    status: t.status,
    businessLine: t.business_line,
    category: t.category,
    subType: t.sub_type,
    severity: t.severity as "serious",
    priority: t.priority,
    urgent: t.urgent,
    evidenceAwaited: t.evidence_awaited,
    acknowledgement: {
      text: body,
      firstResponseDueAt: t.first_response_due_at.toISOString(),
      resolutionDueAt: t.resolution_due_at.toISOString(),
      serviceHours: hours,
      trackingUrl,
    },
  };
}

/** A stable digest of what was asked, so a retried request can be told from a different one under the same key. */
const requestDigest = (body: unknown): string => sha256(canonicalJson(body));

function actorFor(request: FastifyRequest, channel: unknown) {
  const p = request.principal;
  if (p && allows(p, "tickets.register")) return { id: p.id, name: p.name, role: p.role };
  // An unknown or missing channel is a validation error (reported with all others), not a login question.
  if (SELF_SERVICE_CHANNELS.includes(channel as "app") || !CHANNELS.includes(channel as "app"))
    return { id: null, name: "customer", role: "customer" };
  // Phone, e-mail, on-site, merchant and API registrations come from staff or an integration.
  throw p
    ? new AppError(
        "FORBIDDEN",
        403,
        text("无权登记此渠道的申请", "Not allowed to register requests on this channel"),
      )
    : unauthorized();
}

export function intakeRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Load the classifier and the dictionaries now (about half a second), not on the first request.
  textUnderstanding();
  app.post(
    "/api/v1/tickets",
    {
      // Every field is checked by the intake rules so that all problems come back together.
      attachValidation: true,
      config: {
        rateLimit: {
          max: ctx.config.publicRateLimit,
          timeWindow: "1 minute",
          allowList: (req: FastifyRequest) => req.principal !== null,
        },
      },
      schema: {
        tags: ["tickets"],
        summary: "Submit an after-sales request (售后申请)",
        headers: T.Object({ "idempotency-key": T.Optional(T.String({ maxLength: 128 })) }),
        body: IntakeBody,
        response: {
          201: Acknowledgement,
          400: ErrorSchema,
          401: ErrorSchema,
          422: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const locale = localeOf(request);
      const body = (request.body && typeof request.body === "object" ? request.body : {}) as Record<
        string,
        unknown
      >;
      if (Array.isArray(request.body) || request.body === null || request.body === undefined)
        throw validationError([]);
      const actor = actorFor(request, body.channel);
      const rawKey = request.headers["idempotency-key"];
      const idempotency =
        typeof rawKey === "string" && rawKey.trim()
          ? { key: `${request.principal?.id ?? "public"}:${rawKey.trim()}`, requestHash: requestDigest(body) }
          : null;

      if (idempotency) {
        const replay = await replayIdempotent(ctx, idempotency, locale);
        if (replay) return reply.status(201).header("idempotent-replayed", "true").send(replay);
      }

      const now = ctx.clock.now();
      const orderNo = typeof body.orderNo === "string" ? body.orderNo.trim() : "";
      const phone = typeof body.phone === "string" ? normalisePhone(body.phone) : "";
      const ids = Array.isArray(body.attachmentIds)
        ? body.attachmentIds.filter((x): x is string => typeof x === "string")
        : [];
      const [found, attachments] = await Promise.all([
        orderNo
          ? findOrderAndRecentComplaints(ctx.db, orderNo, phone, complaintWindowStarts(ctx.packs, now))
          : null,
        ids.length ? findAttachmentsForIntake(ctx.db, ids) : [],
      ]);
      const order = found?.order ?? null;
      const previousComplaints = found?.previousComplaints ?? 0;

      const calendar = await calendarOf(ctx.db);
      const decision = decideIntake(
        body,
        { order, previousComplaints, attachments, calendar, readText },
        ctx.packs,
        now,
      );
      if (!decision.ok) throw validationError(decision.details);
      const d = decision.draft;
      const ticketNo = await insertTicket(ctx.db, d, actor, idempotency, {
        category: d.category,
        subType: d.subType,
        categorySource: d.categorySource,
        classifierCategory: d.classifierCategory,
        classifierConfidence: d.classifierConfidence,
        ...(d.classifierDisagrees ? { classifierDisagrees: true } : {}),
        ...(d.severitySignals.length ? { severitySignals: d.severitySignals } : {}),
        ...(d.massAffected ? { massAffected: true } : {}),
        severity: d.severity,
        priority: d.priority,
        urgent: d.urgent,
        queue: d.queue,
        previousComplaints,
        evidenceAwaited: d.evidenceAwaited,
        packVersion: d.packVersion,
        attachments: d.attachmentIds.length,
      });
      if (!ticketNo) {
        // Another request with the same key won the race a moment ago: answer its ticket.
        const replay = await replayIdempotent(ctx, idempotency!, locale);
        if (replay) return reply.status(201).header("idempotent-replayed", "true").send(replay);
        throw new AppError(
          "INTERNAL",
          500,
          text("受理失败，请重试", "Could not register the request, please retry"),
        );
      }
      ctx.live.publish({ ticketNo, type: "received", merchantId: d.merchantId, riderId: d.riderId });
      const ack = acknowledge(
        ctx,
        {
          ticket_no: ticketNo,
          status: "new",
          business_line: d.businessLine,
          category: d.category,
          sub_type: d.subType,
          severity: d.severity,
          priority: d.priority,
          urgent: d.urgent,
          evidence_awaited: d.evidenceAwaited,
          first_response_due_at: d.firstResponseDueAt,
          resolution_due_at: d.resolutionDueAt,
        },
        locale,
      );
      return reply.status(201).send(ack);
    },
  );
}

async function replayIdempotent(
  ctx: AppContext,
  idempotency: { key: string; requestHash: string },
  locale: Locale,
) {
  const earlier = await findIdempotencyKey(ctx.db, idempotency.key);
  if (!earlier) return null;
  if (earlier.request_hash !== idempotency.requestHash)
    throw new AppError(
      "IDEMPOTENCY_KEY_REUSED",
      422,
      text(
        "该幂等键已用于另一份不同的申请",
        "This Idempotency-Key was already used with a different request",
      ),
      [
        {
          field: "Idempotency-Key",
          code: "IDEMPOTENCY_KEY_REUSED",
          message: text("请为新的申请使用新的幂等键", "use a new key for a new request"),
        },
      ],
    );
  const ticket = await findTicket(ctx.db, earlier.ticket_no);
  return ticket ? acknowledge(ctx, ticket, locale) : null;
}
