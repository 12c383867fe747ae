import type { Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text, validationError } from "../../platform/errors.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import {
  actorOf,
  createExecutionOrders,
  moveTicket,
  publishTicket,
} from "../execution/execution.commands.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { openPayouts } from "../ledger/ledger.commands.ts";
import { findAccount } from "../ledger/ledger.store.ts";
import { openMediation } from "../merchant-service/mediation.commands.ts";
import { findOrder } from "../orders/orders.store.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { isOpen, isStatus } from "../tickets/tickets.domain.ts";
import { appendEvent, lockTicket, type TicketRow } from "../tickets/tickets.store.ts";
import { allows, canSeeTicket, type Principal } from "../users/roles.ts";
import { decide, type Proposal, propose, type RemedyItem, type RemedyKind } from "./remedies.domain.ts";
import {
  findRemedy,
  findRemedyByKey,
  findVerification,
  insertRemedy,
  lockRemedy,
  nextRemedySeq,
  type RemedyRow,
  remediesOfTicket,
  saveVerification,
  supersedePending,
  updateRemedy,
  type VerificationInput,
  verificationFacts,
} from "./remedies.store.ts";

/**
 * The remedy's life, one transaction per step, the ticket locked first: verification, decision (approved
 * at once within the agent's limits, else waiting for a supervisor), approval or rejection, and the
 * customer's answer. Approval opens the execution orders and the payouts in the same transaction.
 */
type Executor = Db | Transaction<Database>;

const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
const remedyNotFound = () => new AppError("NOT_FOUND", 404, text("处理方案不存在", "Remedy not found"));

const packOf = (ctx: AppContext, t: TicketRow): PolicyPack => ctx.packs.get(t.business_line as BusinessLine)!;

/** What the ticket's pack proposes now, from its order, its verification and the order's ledger. */
export async function proposalFor(
  ctx: AppContext,
  db: Executor,
  t: TicketRow,
): Promise<{ proposal: Proposal; paidFen: number }> {
  const [order, verification, account] = [
    await findOrder(db, t.order_no),
    await findVerification(db, t.ticket_no),
    await findAccount(db, t.order_no),
  ];
  if (!order) throw new AppError("NOT_FOUND", 404, text("订单不存在", "Order not found"));
  const proposal = propose(packOf(ctx, t), {
    category: t.category,
    subType: t.sub_type,
    severity: t.severity as "serious" | "general" | "minor",
    expectedResolution: t.expected_resolution,
    order: {
      paidFen: order.paid_fen,
      items: order.items,
      paidAt: order.paid_at,
      deliveredAt: order.delivered_at,
    },
    verification: verification ? verificationFacts(verification) : null,
    refundedFen: account?.refundedFen ?? 0,
    compensatedFen: account?.compensatedFen ?? 0,
    now: ctx.clock.now(),
  });
  return { proposal, paidFen: order.paid_fen };
}

async function withLockedTicket<T>(
  ctx: AppContext,
  p: Principal | null,
  ticketNo: string,
  work: (t: TicketRow, trx: Transaction<Database>, now: Date) => Promise<T>,
): Promise<T> {
  let locked: TicketRow | undefined;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const t = await lockTicket(trx, ticketNo);
    if (!t || (p && !canSeeTicket(p, t))) throw ticketNotFound();
    locked = t;
    return work(t, trx, ctx.clock.now());
  });
  if (locked) publishTicket(ctx, locked);
  return result;
}

export async function recordVerification(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  input: VerificationInput,
): Promise<void> {
  await withLockedTicket(ctx, p, ticketNo, async (t, trx, now) => {
    if (t.status === "closed")
      throw conflict(
        "TICKET_CLOSED",
        text("服务单已关闭，请先重新打开", "The ticket is closed; reopen it first"),
      );
    await saveVerification(trx, ticketNo, input, p.name, now);
    await appendEvent(
      trx,
      ticketNo,
      actorOf(p),
      {
        type: "verification_recorded",
        visibility: "internal",
        data: {
          verified: input.verified,
          liableParty: input.liableParty,
          findings: input.findings,
          evidenceIds: input.evidenceIds,
          foodSafetyViolation: input.foodSafetyViolation,
          fraud: input.fraud,
          lossFen: input.lossFen,
          affectedItems: input.affectedItems,
        },
      },
      now,
    );
  });
}

/** Approval's effects: department orders with deadlines, the money reserved and its payouts, the ticket's status. */
async function applyApproval(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  r: RemedyRow,
  paidFen: number,
  p: Principal,
  now: Date,
): Promise<void> {
  const items = r.items as RemedyItem[];
  const orders = await createExecutionOrders(
    trx,
    ctx.packs,
    calendar,
    t,
    { id: r.id, items, deadlineHours: r.deadline_hours as Partial<Record<RemedyKind, number>> },
    actorOf(p),
    now,
  );
  await openPayouts(
    trx,
    ctx,
    {
      id: r.id,
      ticketNo: t.ticket_no,
      orderNo: r.order_no,
      paidFen,
      items,
      compensationCapFen: r.compensation_cap_fen,
      authorisedBy: r.approved_by ?? p.name,
    },
    orders,
    now,
  );
  await appendEvent(
    trx,
    t.ticket_no,
    actorOf(p),
    {
      type: "remedy_approved",
      visibility: "customer",
      data: { remedyId: r.id, items, approvedBy: r.approved_by },
    },
    now,
  );
  if (orders.length)
    await moveTicket(
      trx,
      ctx,
      calendar,
      t,
      "awaiting_execution",
      text("处理方案已确定，正在执行", "The remedy is decided and being carried out"),
      actorOf(p),
      now,
    );
}

export interface DecisionInput {
  items?: RemedyItem[];
  note?: string;
  idempotencyKey?: string;
}

/**
 * The agent's decision. Within the limits (or by someone who may approve) it is approved at once;
 * above them it waits in the supervisors' inbox. A new decision supersedes one still waiting.
 */
export async function decideRemedy(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  input: DecisionInput,
): Promise<{ remedy: RemedyRow; replayed: boolean }> {
  const calendar = await calendarOf(ctx.db);
  return withLockedTicket(ctx, p, ticketNo, async (t, trx, now) => {
    if (input.idempotencyKey) {
      const earlier = await findRemedyByKey(trx, ticketNo, input.idempotencyKey);
      if (earlier) return { remedy: earlier, replayed: true };
    }
    if (!isStatus(t.status) || !isOpen(t.status) || t.merged_into)
      throw conflict(
        "TICKET_NOT_OPEN",
        text("服务单已结束，无法决定处理方案", "The ticket is no longer open"),
      );
    const { proposal, paidFen } = await proposalFor(ctx, trx, t);
    const outcome = decide(packOf(ctx, t), proposal, input.items);
    if ("problems" in outcome) throw validationError(outcome.problems);
    const { decision } = outcome;
    for (const { id } of await supersedePending(trx, ticketNo, now))
      await appendEvent(
        trx,
        ticketNo,
        actorOf(p),
        { type: "remedy_superseded", visibility: "internal", data: { remedyId: id } },
        now,
      );
    const seq = await nextRemedySeq(trx, ticketNo);
    const approvedNow = !decision.approval.required || allows(p, "remedies.approve");
    const row: RemedyRow = {
      id: `${ticketNo}-R${seq}`,
      ticket_no: ticketNo,
      seq,
      order_no: t.order_no,
      business_line: t.business_line,
      pack_version: t.pack_version,
      status: approvedNow ? "approved" : "pending_approval",
      choice: decision.option,
      statute: decision.statute,
      items: decision.items,
      deadline_hours: decision.deadlineHours as Record<string, number>,
      proposal: proposal as unknown as Record<string, unknown>,
      approval_reasons: decision.approval.reasons,
      money_fen: decision.approval.moneyFen,
      compensation_cap_fen: proposal.compensationCapFen,
      note: input.note ?? null,
      decided_by: p.name,
      decided_at: now,
      approved_by: approvedNow ? p.name : null,
      approved_at: approvedNow ? now : null,
      rejected_by: null,
      rejected_at: null,
      reject_reason: null,
      customer_response: null,
      customer_comment: null,
      customer_responded_at: null,
      idempotency_key: input.idempotencyKey ?? null,
      created_at: now,
      updated_at: now,
    };
    await insertRemedy(trx, {
      ...row,
      items: JSON.stringify(row.items),
      deadline_hours: JSON.stringify(row.deadline_hours),
      proposal: JSON.stringify(row.proposal),
      approval_reasons: JSON.stringify(row.approval_reasons),
    });
    await appendEvent(
      trx,
      ticketNo,
      actorOf(p),
      {
        type: "remedy_decided",
        // Approved at once, the customer hears of it as approved; waiting, they hear that it waits.
        visibility: approvedNow ? "internal" : "customer",
        data: {
          remedyId: row.id,
          items: row.items,
          option: row.choice,
          statute: row.statute,
          approvalRequired: decision.approval.required,
          approvalReasons: decision.approval.reasons.map((r) => r["zh-CN"]),
          ...(input.note ? { note: input.note } : {}),
        },
      },
      now,
    );
    if (approvedNow) await applyApproval(trx, ctx, calendar, t, row, paidFen, p, now);
    return { remedy: row, replayed: false };
  });
}

/** Runs `work` on a remedy with its ticket locked first and the remedy locked second. */
async function withLockedRemedy<T>(
  ctx: AppContext,
  p: Principal,
  remedyId: string,
  work: (r: RemedyRow, t: TicketRow, trx: Transaction<Database>, now: Date) => Promise<T>,
): Promise<T> {
  const found = await findRemedy(ctx.db, remedyId);
  if (!found) throw remedyNotFound();
  return withLockedTicket(ctx, p, found.ticket_no, async (t, trx, now) => {
    const r = (await lockRemedy(trx, remedyId))!;
    return work(r, t, trx, now);
  });
}

/**
 * A supervisor approves a remedy that waits for it. Approving one already approved changes nothing and
 * answers the same (fifty approvals at once pay once).
 */
export async function approveRemedy(
  ctx: AppContext,
  p: Principal,
  remedyId: string,
  note: string | undefined,
): Promise<RemedyRow> {
  const calendar = await calendarOf(ctx.db);
  return withLockedRemedy(ctx, p, remedyId, async (r, t, trx, now) => {
    if (r.status === "approved") return r;
    if (r.status !== "pending_approval")
      throw conflict(
        "REMEDY_NOT_PENDING",
        text("该方案不在待审批状态", `The remedy is ${r.status}, not pending`),
      );
    const order = await findOrder(trx, r.order_no);
    const approved = { ...r, status: "approved" as const, approved_by: p.name, approved_at: now };
    await updateRemedy(trx, r.id, { status: "approved", approved_by: p.name, approved_at: now }, now);
    await applyApproval(trx, ctx, calendar, t, approved, order?.paid_fen ?? 0, p, now);
    if (note)
      await appendEvent(
        trx,
        t.ticket_no,
        actorOf(p),
        { type: "note", visibility: "internal", data: { body: note } },
        now,
      );
    return approved;
  });
}

export async function rejectRemedy(
  ctx: AppContext,
  p: Principal,
  remedyId: string,
  reason: string,
): Promise<RemedyRow> {
  return withLockedRemedy(ctx, p, remedyId, async (r, t, trx, now) => {
    if (r.status === "rejected") return r;
    if (r.status !== "pending_approval")
      throw conflict(
        "REMEDY_NOT_PENDING",
        text("该方案不在待审批状态", `The remedy is ${r.status}, not pending`),
      );
    await updateRemedy(
      trx,
      r.id,
      { status: "rejected", rejected_by: p.name, rejected_at: now, reject_reason: reason },
      now,
    );
    await appendEvent(
      trx,
      t.ticket_no,
      actorOf(p),
      // The customer is told the remedy is being reconsidered; the reason stays with the staff.
      { type: "remedy_rejected", visibility: "customer", data: { remedyId: r.id, reason } },
      now,
    );
    return { ...r, status: "rejected", rejected_by: p.name, rejected_at: now, reject_reason: reason };
  });
}

/** The remedy the customer is asked about: the latest approved one. */
export async function currentRemedy(db: Executor, ticketNo: string): Promise<RemedyRow | undefined> {
  return (await remediesOfTicket(db, ticketNo)).filter((r) => r.status === "approved").at(-1);
}

/**
 * The customer accepts or disputes the approved remedy: by ticket number and phone (as on the progress
 * page), or through an agent on the phone. A dispute is recorded for mediation.
 */
export async function respondToRemedy(
  ctx: AppContext,
  who: { principal: Principal } | { phone: string },
  ticketNo: string,
  answer: { response: "accept" | "dispute"; comment?: string },
): Promise<RemedyRow> {
  const p = "principal" in who ? who.principal : null;
  return withLockedTicket(ctx, p, ticketNo, async (t, trx, now) => {
    if ("phone" in who && normalisePhone(who.phone) !== t.customer_phone) throw ticketNotFound();
    const r = await currentRemedy(trx, ticketNo);
    if (!r)
      throw conflict("NO_REMEDY", text("暂无可确认的处理方案", "There is no decided remedy to answer yet"));
    if (r.customer_response)
      throw conflict("ALREADY_ANSWERED", text("您已对该方案作出答复", "This remedy was already answered"));
    const response = answer.response === "accept" ? "accepted" : "disputed";
    await updateRemedy(
      trx,
      r.id,
      { customer_response: response, customer_comment: answer.comment ?? null, customer_responded_at: now },
      now,
    );
    await appendEvent(
      trx,
      ticketNo,
      p ? actorOf(p) : { id: null, name: "customer", role: "customer" },
      {
        type: response === "accepted" ? "remedy_accepted" : "remedy_disputed",
        visibility: "customer",
        data: {
          remedyId: r.id,
          ...(answer.comment ? { comment: answer.comment } : {}),
          ...(response === "disputed" ? { mediation: "pending" } : {}),
        },
        channel: p ? "phone" : "web",
      },
      now,
    );
    // A disputed remedy goes to the platform's mediators, the customer's words as their statement.
    if (response === "disputed")
      await openMediation(
        trx,
        t,
        {
          source: "remedy_dispute",
          merchantStatement: null,
          merchantEvidence: [],
          customerStatement: answer.comment,
        },
        p ? actorOf(p) : { id: null, name: "customer", role: "customer" },
        now,
      );
    return {
      ...r,
      customer_response: response,
      customer_comment: answer.comment ?? null,
      customer_responded_at: now,
    };
  });
}
