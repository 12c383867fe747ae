import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text, validationError } from "../../platform/errors.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { actorOf, moveTicket, SYSTEM } from "../execution/execution.commands.ts";
import { withLockedTicket } from "../follow-up/follow-up.commands.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { startDeadline, stopDeadline } from "../sla/sla.commands.ts";
import { type Actor, appendEvent, type TicketRow } from "../tickets/tickets.store.ts";
import { canSeeTicket, type Principal } from "../users/roles.ts";
import { recordLiability } from "./liability.ts";
import { openMediation } from "./mediation.commands.ts";
import {
  findMissed,
  insertVerification,
  lockPendingVerification,
  updateVerification,
  type VerificationRow,
  verificationsOfTicket,
} from "./merchant-service.store.ts";
import {
  BACK_TO_AGENT,
  clockNameOf,
  isMissed,
  type MerchantDecision,
  missedLiable,
  STATUS_AFTER_VERIFICATION,
  verificationClock,
} from "./verification.domain.ts";

/**
 * The merchant's verification of a complaint about its store, one transaction per step under the
 * ticket's lock: sent (the deadline starts on the SLA engine), answered by the merchant (accept: the
 * merchant is liable; dispute: a mediation opens), or missed (the platform decides). Each end stops the
 * clock and hands the ticket back to its agent.
 */
const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
const packOf = (ctx: AppContext, t: TicketRow): PolicyPack => ctx.packs.get(t.business_line as BusinessLine)!;

/** One ticket under its lock (follow-up's helper: calendar read first, live update after the commit). */
function withScopedTicket<T>(
  ctx: AppContext,
  p: Principal | null,
  ticketNo: string,
  work: (t: TicketRow, trx: Transaction<Database>, now: Date, calendar: BusinessCalendar) => Promise<T>,
): Promise<T> {
  return withLockedTicket(ctx, ticketNo, (t, trx, now, calendar) => {
    // Another merchant's ticket looks the same as no ticket.
    if (p && !canSeeTicket(p, t)) throw ticketNotFound();
    return work(t, trx, now, calendar);
  });
}

/** Starts a verification unless one is pending; in the caller's transaction, the ticket locked. */
export async function sendToMerchant(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  actor: Actor,
  now: Date,
): Promise<VerificationRow> {
  const earlier = await verificationsOfTicket(trx, t.ticket_no);
  const pending = earlier.find((v) => v.status === "pending");
  if (pending) return pending;
  const id = `${t.ticket_no}-MV${earlier.length + 1}`;
  const clock = await startDeadline(
    trx,
    ctx.packs,
    calendar,
    t.ticket_no,
    clockNameOf(id),
    verificationClock(packOf(ctx, t)),
    now,
  );
  const row: VerificationRow = {
    id,
    ticket_no: t.ticket_no,
    merchant_id: t.merchant_id,
    status: "pending",
    requested_by: actor.name,
    requested_at: now,
    due_at: clock?.dueAt ?? now,
    answered_by: null,
    answered_at: null,
    statement: null,
    attachment_ids: [],
    mediation_id: null,
  };
  await insertVerification(trx, row);
  await appendEvent(
    trx,
    t.ticket_no,
    actor,
    {
      type: "merchant_verification_requested",
      visibility: "internal",
      data: { verificationId: id, merchantId: t.merchant_id, dueAt: row.due_at.toISOString() },
    },
    now,
  );
  return row;
}

/**
 * Called in the transaction of a staff status change: sending the ticket to `awaiting_merchant` starts a
 * verification; taking it back before the merchant answered withdraws the pending one (its clock stops).
 */
export async function afterMerchantStatus(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  from: string,
  to: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  if (to === "awaiting_merchant" && from !== to) {
    await sendToMerchant(trx, ctx, calendar, t, actor, now);
    return;
  }
  if (from !== "awaiting_merchant" || to === from) return;
  const pending = await lockPendingVerification(trx, t.ticket_no);
  if (!pending) return;
  await updateVerification(trx, pending.id, {
    status: "withdrawn",
    answered_by: actor.name,
    answered_at: now,
  });
  await stopDeadline(trx, ctx.packs, calendar, t.ticket_no, clockNameOf(pending.id), now);
}

/** An agent asks the merchant to verify: the ticket waits for the merchant, the deadline starts. */
export async function requestVerification(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
): Promise<VerificationRow> {
  return withScopedTicket(ctx, p, ticketNo, async (t, trx, now, calendar) => {
    if (t.status !== "awaiting_merchant") {
      const reason = text("已请商家核实", "Sent to the merchant to verify");
      const moved = await moveTicket(trx, ctx, calendar, t, "awaiting_merchant", reason, actorOf(p), now);
      if (!moved)
        throw conflict(
          "ILLEGAL_TRANSITION",
          text(
            `当前状态 ${t.status} 不能请商家核实`,
            `A ticket in ${t.status} cannot be sent to the merchant`,
          ),
        );
    }
    return sendToMerchant(trx, ctx, calendar, t, actorOf(p), now);
  });
}

/** The merchant's evidence must exist and be new or already this ticket's; it then belongs to the ticket. */
async function linkEvidence(trx: Transaction<Database>, ticketNo: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await trx
    .selectFrom("attachments")
    .select(["id", "ticket_no"])
    .where("id", "in", ids)
    .execute();
  const usable = new Set(found.filter((a) => !a.ticket_no || a.ticket_no === ticketNo).map((a) => a.id));
  const bad = ids.findIndex((id) => !usable.has(id));
  if (bad >= 0)
    throw validationError([
      {
        field: `attachmentIds[${bad}]`,
        code: "UNKNOWN_ATTACHMENT",
        message: text("附件不存在或属于其他服务单", "No such attachment, or it belongs to another ticket"),
      },
    ]);
  await trx
    .updateTable("attachments")
    .set({ ticket_no: ticketNo })
    .where("id", "in", ids)
    .where("ticket_no", "is", null)
    .execute();
}

export async function answerVerification(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  answer: { decision: MerchantDecision; statement: string; attachmentIds: string[] },
): Promise<VerificationRow> {
  return withScopedTicket(ctx, p, ticketNo, async (t, trx, now, calendar) => {
    const v = await lockPendingVerification(trx, ticketNo);
    if (!v)
      throw conflict(
        "NO_PENDING_VERIFICATION",
        text("该服务单没有待核实的请求", "This ticket has no verification waiting for an answer"),
      );
    // The deadline job may not have run yet; past the deadline the decision is the platform's.
    if (isMissed({ status: v.status, dueAt: v.due_at }, now))
      throw conflict(
        "VERIFICATION_DEADLINE_PASSED",
        text("核实时限已过，由平台判定", "The verification deadline has passed; the platform decides"),
      );
    await linkEvidence(trx, ticketNo, answer.attachmentIds);
    const actor = actorOf(p);
    const status = answer.decision === "accept" ? "accepted" : "disputed";
    const mediationId =
      status === "disputed"
        ? await openMediation(
            trx,
            t,
            {
              source: "merchant_dispute",
              merchantStatement: answer.statement,
              merchantEvidence: answer.attachmentIds,
            },
            actor,
            now,
          )
        : null;
    if (status === "accepted")
      await recordLiability(
        trx,
        ticketNo,
        "merchant",
        `商家确认责任：${answer.statement}`,
        answer.attachmentIds,
        actor,
        now,
      );
    const patch = {
      status,
      answered_by: p.name,
      answered_at: now,
      statement: answer.statement,
      attachment_ids: answer.attachmentIds,
      mediation_id: mediationId,
    } as const;
    await updateVerification(trx, v.id, patch);
    await stopDeadline(trx, ctx.packs, calendar, ticketNo, clockNameOf(v.id), now);
    await appendEvent(
      trx,
      ticketNo,
      actor,
      {
        type: "merchant_verification_answered",
        visibility: "internal",
        data: {
          verificationId: v.id,
          decision: answer.decision,
          statement: answer.statement,
          attachmentIds: answer.attachmentIds,
          ...(mediationId ? { mediationId } : {}),
        },
      },
      now,
    );
    await moveTicket(trx, ctx, calendar, t, STATUS_AFTER_VERIFICATION, BACK_TO_AGENT[status], actor, now);
    return { ...v, ...patch, attachment_ids: [...answer.attachmentIds] };
  });
}

/**
 * The platform's decision on verifications whose deadline passed unanswered: the pack's liable party
 * (the merchant by default), an event `merchant_verification_missed`, the ticket back to its agent.
 * One ticket per transaction; a verification answered in the meantime is left alone.
 */
export async function decideMissedVerifications(ctx: AppContext, now: Date, limit = 100): Promise<number> {
  const due = await findMissed(ctx.db, now, limit);
  let decided = 0;
  for (const d of due) {
    decided += await withScopedTicket(ctx, null, d.ticket_no, async (t, trx, at, calendar) => {
      const v = await lockPendingVerification(trx, t.ticket_no);
      if (!v || v.id !== d.id || !isMissed({ status: v.status, dueAt: v.due_at }, at)) return 0;
      const liable = missedLiable(packOf(ctx, t));
      await updateVerification(trx, v.id, { status: "missed" });
      await stopDeadline(trx, ctx.packs, calendar, t.ticket_no, clockNameOf(v.id), at);
      await recordLiability(trx, t.ticket_no, liable, "商家未在时限内核实，平台判定", [], SYSTEM, at);
      await appendEvent(
        trx,
        t.ticket_no,
        SYSTEM,
        {
          type: "merchant_verification_missed",
          visibility: "internal",
          data: { verificationId: v.id, dueAt: v.due_at.toISOString(), liable },
        },
        at,
      );
      await moveTicket(trx, ctx, calendar, t, STATUS_AFTER_VERIFICATION, BACK_TO_AGENT.missed, SYSTEM, at);
      return 1;
    });
  }
  return decided;
}
