import type { AppContext } from "../../platform/context.ts";
import { listTicketAttachments } from "../attachments/attachments.store.ts";
import { suspensionsCovering } from "../incidents/incidents.store.ts";
import { listEntries } from "../ledger/ledger.store.ts";
import { verificationsOfTicket } from "../merchant-service/merchant-service.store.ts";
import { remediesOfTicket } from "../remedies/remedies.store.ts";
import { findTicket, listEvents, type TicketRow, ticketsOfPhone } from "../tickets/tickets.store.ts";
import {
  type AuditActor,
  activeListingOf,
  appealsOf,
  auditOf,
  listListings,
  logRecordAccess,
  recordAccessesOf,
  scoreOf,
  scoresOf,
} from "./abuse.store.ts";
import { isInForce, type ListedRouting, type Listing, routeListedRequest } from "./blacklist.domain.ts";

/**
 * What the abuse module adds to other modules' work: intake's blacklist screen, the facts an agent sees
 * on a ticket (score, listing, suspension), and the legal export of a customer's complete record.
 */

/** A listed customer's request is still registered, routed to the supervisors and flagged. */
export function routeIfListed(
  listing: Listing | null,
  request: { severity: string; severitySignals: readonly string[]; massAffected: boolean },
  now: Date,
): ListedRouting | null {
  return listing && isInForce(listing, now) ? routeListedRequest(listing, request) : null;
}

/** What a request says about the complainant beyond the phone, for the scorer (kept in the `received` event). */
export function complainantMarks(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body.deviceId === "string" && body.deviceId.trim())
    out.deviceId = body.deviceId.trim().slice(0, 200);
  if (typeof body.address === "string" && body.address.trim())
    out.address = body.address.trim().slice(0, 200);
  return out;
}

/**
 * The ticket detail's abuse facts: score and reasons, the customer's listing, suspensions covering the
 * ticket. A merchant or rider reading its ticket sees the suspension only: how the platform rates a
 * customer is not theirs to know.
 */
export async function ticketAbuseFacts(
  ctx: AppContext,
  t: Pick<TicketRow, "ticket_no" | "customer_phone">,
  seesCustomerRisk: boolean,
) {
  const [score, listing, suspensions] = await Promise.all([
    seesCustomerRisk ? scoreOf(ctx.db, t.ticket_no) : undefined,
    seesCustomerRisk ? activeListingOf(ctx.db, t.customer_phone) : null,
    suspensionsCovering(ctx.db, t.ticket_no),
  ]);
  const now = ctx.clock.now();
  return {
    abuseScore: score
      ? {
          score: score.score,
          reasons: score.reasons.map((r) => ({ code: r.code, points: r.points, zh: r["zh-CN"], en: r.en })),
          computedAt: score.computed_at.toISOString(),
        }
      : null,
    blacklisted:
      listing && isInForce(listing, now)
        ? { id: listing.id, reason: listing.reason, expiresAt: listing.expiresAt.toISOString() }
        : null,
    batchSuspended: suspensions.length
      ? {
          incidentIds: [...new Set(suspensions.map((s) => s.incident_id))],
          items: suspensions.map((s) => ({
            incidentId: s.incident_id,
            kind: s.action === "suspend_batch" ? ("batch" as const) : ("merchant" as const),
            subject: s.subject,
            since: new Date(s.at).toISOString(),
          })),
        }
      : null,
  };
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * Everything the platform holds about one customer, unmasked: every ticket with its timeline, evidence
 * references, verifications, remedies and money, plus scores and blacklist history. Each export is logged
 * before it is answered, so no copy leaves without a trace.
 */
export async function customerRecord(ctx: AppContext, phone: string, by: AuditActor, format: string) {
  // The legal export is complete, so it is not paged.
  const ticketNos = (await ticketsOfPhone(ctx.db, phone)).map((t) => t.ticket_no);
  const now = ctx.clock.now();
  await logRecordAccess(ctx.db, { phone, actor: by, format, tickets: ticketNos.length }, now);
  const tickets = [];
  for (const ticketNo of ticketNos) {
    const [t, events, attachments, remedies, ledger, verifications] = await Promise.all([
      findTicket(ctx.db, ticketNo),
      listEvents(ctx.db, ticketNo),
      listTicketAttachments(ctx.db, ticketNo),
      remediesOfTicket(ctx.db, ticketNo),
      listEntries(ctx.db, { ticketNo }),
      verificationsOfTicket(ctx.db, ticketNo),
    ]);
    if (!t) continue;
    tickets.push({
      ticketNo: t.ticket_no,
      businessLine: t.business_line,
      channel: t.channel,
      orderNo: t.order_no,
      merchantId: t.merchant_id,
      customerPhone: t.customer_phone,
      customerName: t.customer_name,
      category: t.category,
      severity: t.severity,
      status: t.status,
      description: t.description,
      expectedResolution: t.expected_resolution,
      details: t.details,
      createdAt: iso(t.created_at),
      resolvedAt: iso(t.resolved_at),
      closedAt: iso(t.closed_at),
      events: events.map((e) => ({
        type: e.type,
        at: iso(e.at),
        actor: e.actor,
        actorRole: e.actor_role,
        channel: e.channel,
        visibility: e.visibility,
        data: e.data,
      })),
      evidence: attachments.map((a) => ({
        id: a.id,
        kind: a.kind,
        mime: a.mime,
        sizeBytes: a.size_bytes,
        capturedAt: iso(a.captured_at),
        uploadedAt: iso(a.uploaded_at),
      })),
      verifications: verifications.map((v) => ({ ...v })),
      remedies: remedies.map((r) => ({
        id: r.id,
        status: r.status,
        choice: r.choice,
        items: r.items,
        moneyFen: r.money_fen,
        decidedBy: r.decided_by,
        decidedAt: iso(r.decided_at),
        approvedBy: r.approved_by,
        approvedAt: iso(r.approved_at),
        rejectedBy: r.rejected_by,
        rejectedAt: iso(r.rejected_at),
        note: r.note,
      })),
      ledger: ledger.map((l) => ({
        id: l.id,
        kind: l.kind,
        direction: l.direction,
        amountFen: l.amount_fen,
        status: l.status,
        party: l.party,
        payer: l.payer,
      })),
    });
  }
  const [scores, listings, accesses] = await Promise.all([
    scoresOf(ctx.db, ticketNos),
    listListings(ctx.db, { phone, limit: 1000 }),
    recordAccessesOf(ctx.db, phone),
  ]);
  const appeals = await appealsOf(
    ctx.db,
    listings.map((l) => l.id),
  );
  const audits = await Promise.all(listings.map((l) => auditOf(ctx.db, l.id)));
  return {
    phone,
    exportedAt: now.toISOString(),
    exportedBy: by.name,
    tickets,
    abuseScores: scores.map((s) => ({
      ticketNo: s.ticket_no,
      score: s.score,
      reasons: s.reasons,
      computedAt: iso(s.computed_at),
    })),
    blacklist: listings.map((l, i) => ({
      id: l.id,
      status: l.status,
      reason: l.reason,
      evidence: l.evidence,
      expiresAt: iso(l.expires_at),
      createdBy: l.created_by,
      createdAt: iso(l.created_at),
      endedAt: iso(l.ended_at),
      endedBy: l.ended_by,
      endReason: l.end_reason,
      appeals: appeals
        .filter((a) => a.blacklist_id === l.id)
        .map((a) => ({
          id: a.id,
          ticketNo: a.ticket_no,
          statement: a.statement,
          status: a.status,
          submittedBy: a.submitted_by,
          submittedAt: iso(a.submitted_at),
          decidedBy: a.decided_by,
          decidedAt: iso(a.decided_at),
          note: a.decision_note,
        })),
      audit: (audits[i] ?? []).map((e) => ({
        type: e.type,
        at: iso(e.at),
        actor: e.actor,
        role: e.actor_role,
        data: e.data,
      })),
    })),
    accessLog: accesses.map((a) => ({ at: iso(a.at), actor: a.actor, role: a.actor_role, format: a.format })),
  };
}
