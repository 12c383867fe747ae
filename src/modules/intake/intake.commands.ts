import type { AppContext } from "../../platform/context.ts";
import { AppError, type ErrorDetail, type Locale, text } from "../../platform/errors.ts";
import { localTime } from "../../platform/format.ts";
import type { PolicyPack } from "../../policy-packs/schema.ts";
import { complainantMarks, routeIfListed } from "../abuse/abuse.commands.ts";
import { findAttachmentsForIntake } from "../attachments/attachments.store.ts";
import { readText } from "../nlp/understanding.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { firstResponseMinutes, minutesText } from "../sla/sla.domain.ts";
import {
  type Actor,
  findIdempotencyKey,
  findTicket,
  insertTicket,
  type TicketRow,
} from "../tickets/tickets.store.ts";
import {
  complaintWindowStarts,
  contactEmailOf,
  decideIntake,
  normalisePhone,
  type TicketDraft,
} from "./intake.domain.ts";
import { findIntakeFacts } from "./intake.store.ts";

/**
 * Registering one after-sales request, whatever the channel: the web form's route, an e-mail, a call
 * taken by an agent and a rider's on-site report all pass the same intake rules and the same one-statement
 * insert. Validation problems come back as a value (an e-mail is answered with them, a route throws them).
 */

export type Acknowledgement = ReturnType<typeof acknowledge>;

export type Registration =
  | { ok: true; ticketNo: string; ack: Acknowledgement; replayed: boolean }
  | { ok: false; details: ErrorDetail[] };

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

export function acknowledge(ctx: AppContext, t: AckFacts, locale: Locale) {
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

/**
 * Decides and stores one request. `idempotency` makes a retry (a repeated form post, a re-processed
 * e-mail) answer the first ticket; the same key with another request is refused with 422.
 */
export async function registerRequest(
  ctx: AppContext,
  body: Record<string, unknown>,
  actor: Actor,
  idempotency: { key: string; requestHash: string } | null,
  locale: Locale,
  /** Facts of the channel for the `received` event (e.g. that the channel has already answered). */
  channelFacts: Record<string, unknown> = {},
): Promise<Registration> {
  if (idempotency) {
    const replay = await replayIdempotent(ctx, idempotency, locale);
    if (replay) return { ok: true, ticketNo: replay.ticketNo, ack: replay, replayed: true };
  }

  const now = ctx.clock.now();
  const orderNo = typeof body.orderNo === "string" ? body.orderNo.trim() : "";
  const phone = typeof body.phone === "string" ? normalisePhone(body.phone) : "";
  const ids = Array.isArray(body.attachmentIds)
    ? body.attachmentIds.filter((x): x is string => typeof x === "string")
    : [];
  const [found, attachments] = await Promise.all([
    orderNo ? findIntakeFacts(ctx.db, orderNo, phone, complaintWindowStarts(ctx.packs, now)) : null,
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
  const contact = contactEmailOf(body.email);
  if (!decision.ok || contact.problem)
    return {
      ok: false,
      details: [...(decision.ok ? [] : decision.details), ...(contact.problem ? [contact.problem] : [])],
    };
  const drafted = contact.email
    ? { ...decision.draft, details: { ...decision.draft.details, contactEmail: contact.email } }
    : decision.draft;
  // A blacklisted customer is still heard: the request is registered, flagged, for a supervisor.
  const listed = routeIfListed(found?.listing ?? null, drafted, now);
  const d = listed
    ? { ...drafted, queue: listed.queue, details: { ...drafted.details, blacklisted: listed.flag } }
    : drafted;
  const eventData = {
    ...receivedFacts(d, previousComplaints),
    ...(listed ? { blacklisted: listed.flag } : {}),
    ...complainantMarks(body),
    ...channelFacts,
  };
  const ticketNo = await insertTicket(ctx.db, { draft: d, actor, idempotency, eventData });
  if (!ticketNo) {
    // Another request with the same key won the race a moment ago: answer its ticket.
    const replay = await replayIdempotent(ctx, idempotency!, locale);
    if (replay) return { ok: true, ticketNo: replay.ticketNo, ack: replay, replayed: true };
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
  return { ok: true, ticketNo, ack, replayed: false };
}

/** What the `received` event records of intake's decision (the timeline, triage review and audits read it). */
export function receivedFacts(d: TicketDraft, previousComplaints: number) {
  return {
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
  };
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
