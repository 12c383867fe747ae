import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text } from "../../platform/errors.ts";
import { appendEvent, type TicketRow } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import { packOf, reopenForSecondRound, SYSTEM, withLockedTicket } from "./follow-up.commands.ts";
import { followUpSettings, type ReturnVisitReason, returnVisitDeadline } from "./follow-up.domain.ts";
import {
  findReturnVisit,
  insertReturnVisit,
  lockReturnVisit,
  type ReturnVisitRow,
  recordVisit,
} from "./follow-up.store.ts";

/**
 * Return visits (回访): a task for an agent some days after resolution, the call's outcome recorded;
 * "the problem came back" reopens the ticket as a second round.
 */
export type VisitOutcome = "satisfied" | "problem_returned" | "unreachable";

/** Due after a resolution (called by the follow-up job under the ticket's lock): the task appears. */
export async function openReturnVisit(
  trx: Transaction<Database>,
  ctx: AppContext,
  t: TicketRow,
  resolvedAt: Date,
  reason: ReturnVisitReason,
  now: Date,
): Promise<boolean> {
  const pack = packOf(ctx, t);
  if (!pack) return false;
  const id = `${t.ticket_no}-V${Math.floor(resolvedAt.getTime() / 1000).toString(36)}`;
  const deadline = returnVisitDeadline(followUpSettings(pack), resolvedAt);
  const created = await insertReturnVisit(trx, {
    id,
    ticket_no: t.ticket_no,
    business_line: t.business_line,
    reason,
    status: "due",
    resolved_at: resolvedAt,
    due_at: now,
    deadline_at: deadline,
    created_at: now,
  });
  if (created)
    await appendEvent(
      trx,
      t.ticket_no,
      SYSTEM,
      {
        type: "return_visit_due",
        visibility: "internal",
        data: { returnVisitId: id, reason, deadlineAt: deadline.toISOString() },
      },
      now,
    );
  return created;
}

const visitNotFound = () => new AppError("NOT_FOUND", 404, text("回访任务不存在", "Return visit not found"));

/** The agent's record of the call; "problem_returned" reopens the ticket to the supervisors. */
export async function recordReturnVisit(
  ctx: AppContext,
  p: Principal,
  id: string,
  outcome: VisitOutcome,
  note: string | null,
): Promise<ReturnVisitRow & { ticketStatus: string }> {
  const found = await findReturnVisit(ctx.db, id);
  if (!found) throw visitNotFound();
  if (outcome === "problem_returned" && !note)
    throw new AppError("VALIDATION_FAILED", 400, text("请记录客户反馈的问题", "Note what came back"), [
      {
        field: "note",
        code: "REQUIRED",
        message: text(
          "问题复发时请记录客户的原话，主管据此处理",
          "note the customer's words for the supervisor",
        ),
      },
    ]);
  const actor = { id: p.id, name: p.name, role: p.role };
  return withLockedTicket(ctx, found.ticket_no, async (t, trx, now, calendar) => {
    const v = (await lockReturnVisit(trx, id))!;
    if (v.status !== "due")
      throw conflict(
        "RETURN_VISIT_NOT_DUE",
        text("该回访任务已完成或已取消", `This return visit is already ${v.status}`),
      );
    await recordVisit(trx, id, { outcome, note, visitedBy: p.name }, now);
    await appendEvent(
      trx,
      t.ticket_no,
      actor,
      { type: "return_visit_done", visibility: "internal", data: { returnVisitId: id, outcome, note } },
      now,
    );
    let ticketStatus = t.status;
    if (outcome === "problem_returned") {
      const reopened = await reopenForSecondRound(
        trx,
        ctx,
        calendar,
        t,
        { source: "return_visit", words: note, data: { returnVisitId: id } },
        actor,
        now,
      );
      if (reopened) ticketStatus = "reopened";
    }
    return {
      ...v,
      status: "done" as const,
      outcome,
      note,
      visited_by: p.name,
      visited_at: now,
      ticketStatus,
    };
  });
}
