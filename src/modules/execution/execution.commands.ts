import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, type Text, text } from "../../platform/errors.ts";
import type { Packs } from "../../policy-packs/load.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { executionFeedback, feedbackEvent } from "../follow-up/result-feedback.domain.ts";
import { reservationOf } from "../ledger/ledger.domain.ts";
import {
  cancelHeldPayouts,
  payoutsOfExecutionOrder,
  releaseHeldPayouts,
  unreserve,
} from "../ledger/ledger.store.ts";
import type { RemedyItem, RemedyKind } from "../remedies/remedies.domain.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import { checkTransition, isStatus, type Status } from "../tickets/tickets.domain.ts";
import {
  type Actor,
  appendEvent,
  changeTicket,
  lockTicket,
  type TicketRow,
} from "../tickets/tickets.store.ts";
import { canSeeTicket, type Principal } from "../users/roles.ts";
import { startOrderClock, stopOrderClock } from "./execution.clocks.ts";
import {
  ACTION_WORDS,
  checkExecutionMove,
  type Deadline,
  departmentsOf,
  type ExecutionStatus,
  isOverdue,
  isTerminal,
  MONEY_ACTIONS,
  moneyOrderStatus,
  planExecution,
} from "./execution.domain.ts";
import {
  dependentsOf,
  type ExecutionOrderRow,
  findExecutionOrder,
  findOverdue,
  insertExecutionOrders,
  lockExecutionOrder,
  lockOrdersByIds,
  ordersOfTicket,
  updateExecutionOrder,
} from "./execution.store.ts";

/**
 * Execution orders in motion, each change one transaction that locks the ticket first (the order every
 * writer of a ticket keeps), writes the order and records the ticket's event. When the last order of a
 * ticket ends, the ticket comes back from `awaiting_execution` to its agent.
 */
export const SYSTEM: Actor = { id: null, name: "system", role: "system" };
export const actorOf = (p: Principal): Actor => ({ id: p.id, name: p.name, role: p.role });

const notFound = () => new AppError("NOT_FOUND", 404, text("执行单不存在", "Execution order not found"));

/** Moves the ticket when its state machine allows it, with the customer-visible event and its clocks. */
export async function moveTicket(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  ticket: TicketRow,
  to: Status,
  reason: Text,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const from = isStatus(ticket.status) ? ticket.status : "new";
  if (from === to || checkTransition(from, to, reason["zh-CN"]) !== null) return false;
  await changeTicket(
    trx,
    ticket.ticket_no,
    { status: to },
    actor,
    {
      type: "status_changed",
      visibility: "customer",
      data: { from, to, reason: reason["zh-CN"], reasonEn: reason.en },
    },
    now,
  );
  await syncTicketClocks(trx, ctx.packs, calendar, ticket.ticket_no, { fromStatus: from }, now);
  ticket.status = to;
  return true;
}

/**
 * A remedy's approved items as department orders, each with its deadline on the SLA engine's clock
 * (none while it waits for another).
 */
export async function createExecutionOrders(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  ticket: TicketRow,
  remedy: { id: string; items: readonly RemedyItem[]; deadlineHours: Partial<Record<RemedyKind, number>> },
  actor: Actor,
  now: Date,
): Promise<{ id: string; itemIndexes: number[]; blocked: boolean }[]> {
  const pack = packs.get(ticket.business_line as BusinessLine)!;
  const plan = planExecution(pack, remedy.items, remedy.deadlineHours);
  const idOf = (step: number) => `${remedy.id}-X${step}`;
  const rows = plan.map((o) => ({
    id: idOf(o.step),
    ticket_no: ticket.ticket_no,
    remedy_id: remedy.id,
    step: o.step,
    action: o.action,
    department: o.department,
    merchant_id: ticket.merchant_id,
    rider_id: ticket.rider_id,
    item_indexes: o.itemIndexes,
    status: "open" as const,
    blocked_by: o.blockedByStep ? idOf(o.blockedByStep) : null,
    deadline: JSON.stringify(o.deadline),
    due_at: null as Date | null,
    created_at: now,
    updated_at: now,
  }));
  for (const [i, row] of rows.entries())
    if (!plan[i]!.blockedByStep)
      row.due_at = await startOrderClock(
        trx,
        packs,
        calendar,
        { id: row.id, ticket_no: row.ticket_no, deadline: plan[i]!.deadline },
        now,
      );
  await insertExecutionOrders(trx, rows);
  if (rows.length)
    await appendEvent(
      trx,
      ticket.ticket_no,
      actor,
      {
        type: "execution_orders_created",
        visibility: "internal",
        data: {
          remedyId: remedy.id,
          orders: rows.map((r) => ({
            id: r.id,
            action: r.action,
            department: r.department,
            dueAt: r.due_at?.toISOString() ?? null,
            blockedBy: r.blocked_by,
          })),
        },
      },
      now,
    );
  return rows.map((r) => ({ id: r.id, itemIndexes: r.item_indexes, blocked: r.blocked_by !== null }));
}

/** Whether a principal works (and sees) an order: its department, and a merchant's or rider's own. */
export function canWorkOrder(p: Principal, o: ExecutionOrderRow): boolean {
  const departments = departmentsOf(p.role);
  if (departments !== "all" && !departments.includes(o.department)) return false;
  if (p.role === "merchant") return p.merchantIds.includes(o.merchant_id);
  if (p.role === "rider") return !!p.riderId && o.rider_id === p.riderId;
  return canSeeTicket(p, { merchant_id: o.merchant_id, rider_id: o.rider_id });
}

/**
 * A department's goods action done is news to the customer (picked up, inspected); money speaks through
 * its payment, and the actions that end a remedy (resend, redeliver, repair) through their result feedback,
 * so the customer hears of each thing once.
 */
const orderEvent = (o: ExecutionOrderRow, to: ExecutionStatus, extra: Record<string, unknown> = {}) => ({
  type: to === "in_progress" ? "execution_started" : to === "done" ? "execution_done" : "execution_failed",
  visibility:
    to === "done" && !MONEY_ACTIONS.includes(o.action) && !executionFeedback(o.action, o.id)
      ? ("customer" as const)
      : ("internal" as const),
  data: { orderId: o.id, remedyId: o.remedy_id, action: o.action, department: o.department, ...extra },
});

/**
 * An order that ended lets its dependents go (done: their clocks start now, e.g. the refund's 24 h from
 * the inspection of the returned goods) or takes them down with it (failed).
 */
async function settleDependents(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  order: ExecutionOrderRow,
  actor: Actor,
  now: Date,
): Promise<void> {
  for (const next of await dependentsOf(trx, order.id)) {
    if (isTerminal(next.status)) continue;
    if (order.status === "done") {
      const due = await startOrderClock(
        trx,
        packs,
        calendar,
        { ...next, deadline: next.deadline as Deadline },
        now,
      );
      await updateExecutionOrder(trx, next.id, { due_at: due }, now);
      await releaseHeldPayouts(trx, next.id, now);
      continue;
    }
    const reason = `前置步骤${ACTION_WORDS[order.action]["zh-CN"]}未完成`;
    await updateExecutionOrder(
      trx,
      next.id,
      { status: "failed", failure_reason: reason, finished_at: now },
      now,
    );
    const cancelled = await cancelHeldPayouts(trx, next.id, now);
    for (const e of cancelled) {
      const r = reservationOf(e.kind, e.amount_fen);
      await unreserve(trx, e.order_no, r.refundFen, r.compensationFen, now);
    }
    await appendEvent(
      trx,
      next.ticket_no,
      actor,
      orderEvent(next, "failed", { reason, cancelledPayouts: cancelled.map((e) => e.id) }),
      now,
    );
    await settleDependents(trx, packs, calendar, { ...next, status: "failed" }, actor, now);
  }
}

/** When no order of the ticket is left open, the ticket goes back to its agent to tell the customer. */
async function afterOrdersChanged(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  ticket: TicketRow,
  actor: Actor,
  now: Date,
): Promise<void> {
  if (ticket.status !== "awaiting_execution") return;
  const orders = await ordersOfTicket(trx, ticket.ticket_no);
  if (orders.some((o) => !isTerminal(o.status))) return;
  await moveTicket(
    trx,
    ctx,
    calendar,
    ticket,
    "in_progress",
    text("处理方案已执行完毕", "The remedy has been carried out"),
    actor,
    now,
  );
}

/** One order changed: its clock stops when it ended, its dependents follow, and the ticket when it was the last. */
async function afterOrderChanged(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  ticket: TicketRow,
  order: ExecutionOrderRow,
  actor: Actor,
  now: Date,
): Promise<void> {
  if (!isTerminal(order.status)) return;
  await stopOrderClock(trx, ctx.packs, calendar, order, now);
  await settleDependents(trx, ctx.packs, calendar, order, actor, now);
  await afterOrdersChanged(trx, ctx, calendar, ticket, actor, now);
}

/** A department starts, completes or fails its order. */
export async function moveExecutionOrder(
  ctx: AppContext,
  p: Principal,
  orderId: string,
  to: ExecutionStatus,
  words: { note?: string; reason?: string },
): Promise<ExecutionOrderRow> {
  const calendar = await calendarOf(ctx.db);
  let ticketRow: TicketRow | undefined;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const found = await findExecutionOrder(trx, orderId);
    if (!found || !canWorkOrder(p, found)) throw notFound();
    const ticket = (await lockTicket(trx, found.ticket_no))!;
    ticketRow = ticket;
    const order = (await lockExecutionOrder(trx, orderId))!;
    const predecessor = order.blocked_by ? await findExecutionOrder(trx, order.blocked_by) : undefined;
    const problem = checkExecutionMove(
      { status: order.status, action: order.action, blocked: !!predecessor && predecessor.status !== "done" },
      to,
      words.reason,
    );
    if (problem === "REASON_REQUIRED")
      throw new AppError("VALIDATION_FAILED", 400, text("请填写失败原因", "Say why it failed"), [
        { field: "reason", code: "REQUIRED", message: text("请填写失败原因", "a reason is required") },
      ]);
    if (problem === "BLOCKED")
      throw conflict(
        "EXECUTION_BLOCKED",
        text("需等待前置执行单完成", `Waits for ${predecessor?.id ?? "an earlier order"} to be done`),
      );
    if (problem === "FOLLOWS_LEDGER")
      throw conflict(
        "EXECUTION_FOLLOWS_LEDGER",
        text("退款与赔偿执行单随付款结果自动完成", "Refund and compensation orders follow their payments"),
      );
    if (problem)
      throw conflict(
        "ILLEGAL_TRANSITION",
        text(
          `执行单不能从“${order.status}”变更为“${to}”`,
          `Cannot move the order from ${order.status} to ${to}`,
        ),
      );
    const now = ctx.clock.now();
    const patch: Partial<ExecutionOrderRow> = { status: to };
    if (to === "in_progress") Object.assign(patch, { owner_id: p.id, owner_name: p.name, started_at: now });
    if (to === "done" || to === "failed") patch.finished_at = now;
    if (words.note) patch.note = words.note;
    if (to === "failed") patch.failure_reason = words.reason ?? null;
    await updateExecutionOrder(trx, orderId, patch, now);
    const next = { ...order, ...patch } as ExecutionOrderRow;
    await appendEvent(
      trx,
      order.ticket_no,
      actorOf(p),
      orderEvent(order, to, {
        ...(words.note ? { note: words.note } : {}),
        ...(words.reason ? { reason: words.reason } : {}),
      }),
      now,
    );
    const feedback = to === "done" ? executionFeedback(order.action, order.id) : null;
    if (feedback)
      await appendEvent(
        trx,
        order.ticket_no,
        actorOf(p),
        feedbackEvent(feedback, { action: order.action, orderId: order.id }),
        now,
      );
    await afterOrderChanged(trx, ctx, calendar, ticket, next, actorOf(p), now);
    return next;
  });
  if (ticketRow) publishTicket(ctx, ticketRow);
  return result;
}

/**
 * A money order follows its payouts (called by the ledger in the payment's transaction, the ticket
 * already locked): paid → done, given up → failed, begun → in progress.
 */
export async function syncMoneyOrder(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  ticket: TicketRow,
  orderId: string,
  now: Date,
): Promise<void> {
  const order = await lockExecutionOrder(trx, orderId);
  if (!order || isTerminal(order.status)) return;
  const to = moneyOrderStatus(await payoutsOfExecutionOrder(trx, orderId));
  if (to === order.status) return;
  const patch: Partial<ExecutionOrderRow> = { status: to };
  if (to === "in_progress") patch.started_at = now;
  if (isTerminal(to)) patch.finished_at = now;
  await updateExecutionOrder(trx, orderId, patch, now);
  await appendEvent(trx, ticket.ticket_no, SYSTEM, orderEvent(order, to), now);
  await afterOrderChanged(
    trx,
    ctx,
    calendar,
    ticket,
    { ...order, ...patch } as ExecutionOrderRow,
    SYSTEM,
    now,
  );
}

/** Finance retried a failed payout: its order is in progress again. */
export async function reopenMoneyOrder(
  trx: Transaction<Database>,
  orderId: string,
  now: Date,
): Promise<void> {
  const order = await lockExecutionOrder(trx, orderId);
  if (order?.status === "failed")
    await updateExecutionOrder(trx, orderId, { status: "in_progress", finished_at: null }, now);
}

/** After the commit, never before: consoles and progress pages re-read what changed. */
export const publishTicket = (ctx: AppContext, t: TicketRow) =>
  ctx.live.publish({
    ticketNo: t.ticket_no,
    type: "changed",
    merchantId: t.merchant_id,
    riderId: t.rider_id,
  });

export const OVERDUE_BATCH = 100;

/**
 * Records each overdue order once, as an `execution_overdue` event on its ticket. Tickets are locked
 * before their orders, as every writer does; an order another worker holds is skipped this round.
 * (Escalating them through the SLA engine's chain is left to that engine; the event is its input.)
 */
export async function markOverdueOrders(ctx: AppContext, now: Date, limit = OVERDUE_BATCH): Promise<number> {
  const due = await findOverdue(ctx.db, now, limit);
  if (!due.length) return 0;
  const tickets = [...new Set(due.map((d) => d.ticket_no))].sort();
  const marked = await ctx.db.transaction().execute(async (trx) => {
    const locked: TicketRow[] = [];
    for (const ticketNo of tickets) {
      const t = await lockTicket(trx, ticketNo);
      if (t) locked.push(t);
    }
    const orders = await lockOrdersByIds(
      trx,
      due.map((d) => d.id),
    );
    let n = 0;
    for (const o of orders) {
      if (!isOverdue({ status: o.status, dueAt: o.due_at, overdueAt: o.overdue_at }, now)) continue;
      await updateExecutionOrder(trx, o.id, { overdue_at: now }, now);
      await appendEvent(
        trx,
        o.ticket_no,
        SYSTEM,
        {
          type: "execution_overdue",
          visibility: "internal",
          data: {
            orderId: o.id,
            remedyId: o.remedy_id,
            action: o.action,
            department: o.department,
            dueAt: o.due_at?.toISOString() ?? null,
            ownerName: o.owner_name,
          },
        },
        now,
      );
      n++;
    }
    return { n, locked };
  });
  for (const t of marked.locked) publishTicket(ctx, t);
  return marked.n;
}
