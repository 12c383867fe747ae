import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, notFound, text, validationError } from "../../platform/errors.ts";
import { fen } from "../../platform/money.ts";
import { findOrder } from "../orders/orders.store.ts";
import { decideRemedy } from "../remedies/remedies.commands.ts";
import { actorOf } from "../tickets/tickets.commands.ts";
import { eventsInsert, findTicket, type TicketRow } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import {
  INVESTIGATION_TEAM,
  MEDICAL_GUIDANCE,
  PROGRESS_HOURS,
  publicNoticeDraft,
} from "./incidents.domain.ts";
import {
  addIncidentEvent,
  enqueueOrderSystemCall,
  findIncident,
  type IncidentRow,
  incidentTicketNos,
  insertIncident,
  keyOf,
  linkTickets,
  lockIncident,
  openEmergencyOf,
  updateIncident,
} from "./incidents.store.ts";

/**
 * The staff's actions on an incident, each one transaction with the incident locked and recorded as an
 * event of its timeline: notify the investigation team, create a sampling task, suspend the batch (a
 * signed call to the order system, queued in the transaction and sent once by the job), draft the
 * public notice, publish progress, close with findings. Extra compensation goes through the remedies
 * ledger ticket by ticket. A food-safety emergency is opened by hand.
 */

type Trx = Transaction<Database>;
const HOUR = 3_600_000;

const incidentNotFound = () => notFound(text("事件", "Incident"));

async function withOpenIncident<T>(
  ctx: AppContext,
  id: string,
  work: (incident: IncidentRow, trx: Trx, now: Date) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const incident = await lockIncident(trx, id);
    if (!incident) throw incidentNotFound();
    if (incident.status !== "open")
      throw conflict("INCIDENT_CLOSED", text("事件已结案，不能再操作", "The incident is closed"));
    return work(incident, trx, ctx.clock.now());
  });
}

/** Records an action that has no effect beyond its event (the team notified, a sampling task). */
export async function recordAction(
  ctx: AppContext,
  p: Principal,
  id: string,
  type: "team_notified" | "sampling_task_created",
  data: Record<string, unknown>,
): Promise<void> {
  await withOpenIncident(ctx, id, async (incident, trx, now) => {
    const extra =
      type === "team_notified"
        ? { team: INVESTIGATION_TEAM }
        : { batchNo: data.batchNo ?? incident.batch_no, productId: incident.product_id };
    if (type === "sampling_task_created" && !extra.batchNo)
      throw validationError([
        {
          field: "batchNo",
          code: "REQUIRED",
          message: text(
            "事件未指明批次，请填写要抽检的批次号",
            "the incident names no batch: give the batch to sample",
          ),
        },
      ]);
    await addIncidentEvent(trx, incident.id, actorOf(p), type, { ...data, ...extra }, now);
  });
}

/**
 * Suspends the batch's sales: queues the signed call to the order system with the event, in one
 * transaction. The call's id names the incident and the batch, so asking again queues nothing more.
 */
export async function suspendBatch(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: { batchNo?: string; note?: string },
): Promise<{ callId: string; queued: boolean }> {
  return withOpenIncident(ctx, id, async (incident, trx, now) => {
    const batchNo = incident.batch_no ?? input.batchNo;
    if (!batchNo)
      throw validationError([
        {
          field: "batchNo",
          code: "REQUIRED",
          message: text(
            "事件未指明批次，请填写要暂停销售的批次号",
            "the incident names no batch: give the batch to suspend",
          ),
        },
      ]);
    const callId = `suspend_batch:${incident.id}:${batchNo}`;
    const payload = {
      batchNo,
      productId: incident.product_id,
      region: incident.region,
      reason: input.note ?? null,
    };
    const queued = await enqueueOrderSystemCall(
      trx,
      { id: callId, incidentId: incident.id, action: "suspend_batch", payload },
      now,
    );
    if (queued)
      await addIncidentEvent(
        trx,
        incident.id,
        actorOf(p),
        "batch_suspension_requested",
        { callId, ...payload },
        now,
      );
    return { callId, queued };
  });
}

export async function draftPublicNotice(
  ctx: AppContext,
  p: Principal,
  id: string,
  expectedHours: number,
): Promise<{ "zh-CN": string; en: string }> {
  return withOpenIncident(ctx, id, async (incident, trx, now) => {
    const ticketCount = (await incidentTicketNos(trx, incident.id)).length;
    const draft = publicNoticeDraft({ id: incident.id, key: keyOf(incident), ticketCount }, expectedHours);
    await addIncidentEvent(
      trx,
      incident.id,
      actorOf(p),
      "public_notice_drafted",
      { text: draft, expectedHours },
      now,
    );
    return draft;
  });
}

/** Progress made public: the next is due 24 hours later, for as long as the incident is open. */
export async function publishProgress(
  ctx: AppContext,
  p: Principal,
  id: string,
  body: string,
): Promise<Date> {
  return withOpenIncident(ctx, id, async (incident, trx, now) => {
    const next = new Date(now.getTime() + PROGRESS_HOURS * HOUR);
    await updateIncident(trx, incident.id, {
      progress_due_at: next,
      progress_escalated_at: null,
      updated_at: now,
    });
    await addIncidentEvent(
      trx,
      incident.id,
      actorOf(p),
      "progress_published",
      { text: body, nextDueAt: next },
      now,
    );
    return next;
  });
}

export async function closeIncident(
  ctx: AppContext,
  p: Principal,
  id: string,
  findings: string,
): Promise<void> {
  await withOpenIncident(ctx, id, async (incident, trx, now) => {
    await updateIncident(trx, incident.id, {
      status: "closed",
      closed_at: now,
      closed_by: p.name,
      findings,
      updated_at: now,
    });
    await addIncidentEvent(trx, incident.id, actorOf(p), "closed", { findings }, now);
    const ticketNos = await incidentTicketNos(trx, incident.id);
    if (ticketNos.length)
      await eventsInsert(
        ticketNos.map((ticketNo) => ({
          ticketNo,
          type: "incident_closed",
          visibility: "internal" as const,
          data: { incidentId: incident.id, findings },
        })),
        actorOf(p),
        now,
      ).execute(trx);
  });
}

export interface CompensationResult {
  ticketNo: string;
  remedyId: string | null;
  status: string;
  amountFen: number | null;
  error: string | null;
}

/**
 * Extra compensation for every linked ticket in one action, through the remedies ledger: one remedy per
 * ticket under the key `incident:<id>:extra`, so a second call (or a retry after a failure half-way)
 * pays no ticket twice. The default amount is the order's price once more: with the standard refund, a
 * double refund. Each ticket is its own transaction; one that cannot take it is reported, not fatal.
 */
export async function compensateAll(
  ctx: AppContext,
  p: Principal,
  id: string,
  input: { amountFen?: number; note?: string },
): Promise<CompensationResult[]> {
  const incident = await findIncident(ctx.db, id);
  if (!incident) throw incidentNotFound();
  if (incident.status !== "open")
    throw conflict("INCIDENT_CLOSED", text("事件已结案，不能再操作", "The incident is closed"));
  const idempotencyKey = `incident:${id}:extra`;
  const results: CompensationResult[] = [];
  for (const ticketNo of await incidentTicketNos(ctx.db, id)) {
    try {
      const t = await findTicket(ctx.db, ticketNo);
      const order = t && (await findOrder(ctx.db, t.order_no));
      const amountFen = input.amountFen ?? order?.paid_fen ?? 0;
      const { remedy, replayed } = await decideRemedy(ctx, p, ticketNo, {
        items: [{ kind: "compensation", amountFen: fen(amountFen), payer: "merchant" }],
        note: input.note ?? `批量事件 ${id} 额外补偿`,
        idempotencyKey,
      });
      const paid = remedy.items.find((i) => i.kind === "compensation")?.amountFen ?? null;
      results.push({
        ticketNo,
        remedyId: remedy.id,
        status: replayed ? "already_decided" : remedy.status,
        amountFen: paid,
        error: null,
      });
    } catch (error) {
      const message = error instanceof AppError ? `${error.code}: ${error.text.en}` : String(error);
      results.push({ ticketNo, remedyId: null, status: "failed", amountFen: null, error: message });
    }
  }
  const decided = results.filter((r) => r.status !== "already_decided");
  if (decided.length)
    await addIncidentEvent(
      ctx.db,
      id,
      actorOf(p),
      "extra_compensation",
      { results: decided },
      ctx.clock.now(),
    );
  return results;
}

export interface EmergencyInput {
  merchantId: string;
  ticketNos: string[];
  reason: string;
}

/**
 * A food-safety emergency: in one transaction the merchant's emergency incident is opened (or the open
 * one takes the new tickets), the merchant's suspension is queued for the order system (once per
 * incident), each newly linked customer gets the medical guidance on their ticket's timeline, and the
 * 24-hour promise to publish progress starts (the incidents job escalates it when missed).
 */
export async function openEmergency(
  ctx: AppContext,
  p: Principal,
  input: EmergencyInput,
): Promise<{ incident: IncidentRow; created: boolean }> {
  const ticketNos = [...new Set(input.ticketNos)];
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    // One emergency per merchant at a time: two staff pressing at once must not open two.
    await sql`select pg_advisory_xact_lock(hashtext(${`emergency:${input.merchantId}`}))`.execute(trx);
    const rows: TicketRow[] = [];
    for (const no of ticketNos) {
      const t = await findTicket(trx, no);
      if (t) rows.push(t);
    }
    const problems = ticketNos.flatMap((no, i) => {
      const row = rows.find((r) => r.ticket_no === no);
      if (!row)
        return [
          {
            field: `ticketNos.${i}`,
            code: "NOT_FOUND",
            message: text(`服务单 ${no} 不存在`, `ticket ${no} not found`),
          },
        ];
      if (row.merchant_id !== input.merchantId)
        return [
          {
            field: `ticketNos.${i}`,
            code: "OTHER_MERCHANT",
            message: text(`服务单 ${no} 不属于该商家`, `ticket ${no} is not the merchant's`),
          },
        ];
      return [];
    });
    if (problems.length) throw validationError(problems);
    let incident = await openEmergencyOf(trx, input.merchantId);
    const created = !incident;
    if (!incident) {
      incident = await insertIncident(
        trx,
        {
          kind: "emergency",
          businessLine: rows[0]!.business_line,
          family: null,
          dimension: null,
          key: { merchantId: input.merchantId },
          reason: input.reason,
          openedBy: p.name,
          progressDueAt: new Date(now.getTime() + PROGRESS_HOURS * HOUR),
        },
        now,
      );
      await addIncidentEvent(
        trx,
        incident.id,
        actorOf(p),
        "opened",
        { reason: input.reason, ticketNos },
        now,
      );
    }
    const callId = `suspend_merchant:${incident.id}:${input.merchantId}`;
    const payload = { merchantId: input.merchantId, reason: input.reason };
    if (
      await enqueueOrderSystemCall(
        trx,
        { id: callId, incidentId: incident.id, action: "suspend_merchant", payload },
        now,
      )
    )
      await addIncidentEvent(
        trx,
        incident.id,
        actorOf(p),
        "merchant_suspension_requested",
        { callId, ...payload },
        now,
      );
    const linked = await linkTickets(trx, incident.id, ticketNos, now);
    if (linked.length) {
      await addIncidentEvent(trx, incident.id, actorOf(p), "tickets_linked", { ticketNos: linked }, now);
      await eventsInsert(
        linked.flatMap((ticketNo) => [
          {
            ticketNo,
            type: "incident_linked",
            visibility: "internal" as const,
            data: { incidentId: incident.id, kind: "emergency", key: { merchantId: input.merchantId } },
          },
          {
            ticketNo,
            type: "medical_guidance",
            visibility: "customer" as const,
            data: { text: MEDICAL_GUIDANCE["zh-CN"], textEn: MEDICAL_GUIDANCE.en, incidentId: incident.id },
          },
        ]),
        actorOf(p),
        now,
      ).execute(trx);
    }
    return { incident, created };
  });
}
