import type { Text } from "../../platform/errors.ts";
import { text } from "../../platform/errors.ts";
import type { Department, ExecutionAction, PackClockRule, PolicyPack } from "../../policy-packs/schema.ts";
import type { RemedyItem, RemedyKind } from "../remedies/remedies.domain.ts";
import { addBusinessDays, type BusinessCalendar } from "../sla/calendar.domain.ts";
import type { ClockTarget } from "../sla/sla.domain.ts";

/**
 * Execution orders (执行单): one per department action of an approved remedy — refund, compensation,
 * resend, redeliver, pick-up for return, inspection, repair — each with its department, deadline and
 * owner. Pure: the plan, the deadlines and the legal moves, from the pack's execution table.
 *
 * A step may wait for another (the refund of a returned item waits for its inspection, a repair for the
 * pick-up): it stays open without a deadline until its predecessor is done, and fails with it.
 */

export const EXECUTION_STATUSES = ["open", "in_progress", "done", "failed"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const EXECUTION_ACTIONS = [
  "refund",
  "compensation",
  "resend",
  "redeliver",
  "pickup",
  "inspection",
  "repair",
] as const satisfies readonly ExecutionAction[];

/** Money orders follow their ledger entries: paid → done, given up → failed; nobody ticks them by hand. */
export const MONEY_ACTIONS: readonly ExecutionAction[] = ["refund", "compensation"];

export type Deadline = { hours: number } | { businessDays: number };

export interface PlannedOrder {
  step: number;
  action: ExecutionAction;
  department: Department;
  deadline: Deadline;
  blockedByStep: number | null;
  /** The remedy items this order carries out. */
  itemIndexes: number[];
}

/** The deadline of one action: the item's own, then the SLA section's named timer, then the execution table. */
function deadlineOf(
  pack: PolicyPack,
  action: ExecutionAction,
  itemHours: Partial<Record<RemedyKind, number>>,
): Deadline {
  const step = pack.remedyPolicy.execution[action];
  const sla = pack.sla;
  const own: Partial<Record<ExecutionAction, number | undefined>> = {
    refund: itemHours.refund ?? itemHours.price_difference ?? sla.refundAfterReceiptHours,
    compensation: itemHours.compensation ?? sla.compensationPaidHours,
    resend: itemHours.resend ?? itemHours.exchange ?? sla.resendHours,
    redeliver: itemHours.redeliver,
    repair: itemHours.repair,
  };
  const hours = own[action];
  if (hours) return { hours };
  const businessDays =
    action === "repair" ? (sla.repairBusinessDays ?? step.businessDays) : step.businessDays;
  return businessDays ? { businessDays } : { hours: step.hours };
}

/** The department actions an approved remedy needs, in the order they happen. */
export function planExecution(
  pack: PolicyPack,
  items: readonly RemedyItem[],
  itemHours: Partial<Record<RemedyKind, number>>,
): PlannedOrder[] {
  const perishable = pack.remedyPolicy.perishable;
  const orders: PlannedOrder[] = [];
  const indexes = (...kinds: RemedyKind[]) =>
    items.flatMap((item, i) => (kinds.includes(item.kind) ? [i] : []));
  const has = (kind: RemedyKind) => items.some((i) => i.kind === kind);
  const add = (action: ExecutionAction, itemIndexes: number[], blockedBy: PlannedOrder | null) => {
    if (!itemIndexes.length) return null;
    const order: PlannedOrder = {
      step: orders.length + 1,
      action,
      department: pack.remedyPolicy.execution[action].department,
      deadline: deadlineOf(pack, action, itemHours),
      blockedByStep: blockedBy?.step ?? null,
      itemIndexes,
    };
    orders.push(order);
    return order;
  };
  // Goods that are not perishable travel back first: for a return, an exchange or a repair.
  const pickup = add(
    "pickup",
    perishable ? indexes("return") : indexes("return", "exchange", "repair"),
    null,
  );
  const inspection = add(
    "inspection",
    perishable ? indexes("return") : indexes("return", "exchange"),
    pickup,
  );
  add("refund", indexes("refund", "price_difference"), has("return") ? inspection : null);
  add("compensation", indexes("compensation"), null);
  add("resend", indexes("resend", "exchange"), has("exchange") && !perishable ? inspection : null);
  add("redeliver", indexes("redeliver"), null);
  add("repair", indexes("repair"), perishable ? null : pickup);
  return orders;
}

/** When an order started (or was released) at `from` is due. */
export function dueAt(pack: PolicyPack, deadline: Deadline, from: Date, calendar: BusinessCalendar): Date {
  if ("hours" in deadline) return new Date(from.getTime() + deadline.hours * 3_600_000);
  return addBusinessDays(from, deadline.businessDays, pack.serviceHours, calendar);
}

/** The SLA engine's clock of an order is named after it, so the ticket shows which order ran late. */
export const CLOCK_PREFIX = "execution:";
export const clockNameOf = (orderId: string): string => `${CLOCK_PREFIX}${orderId}`;

/**
 * An order's deadline as a clock of the SLA engine: hours count wall-clock time, business days the
 * business calendar. The ticket's statuses neither pause nor stop it (the department's work goes on
 * while the ticket waits); only the order's own end stops it, and breaking it escalates.
 */
export function executionClock(deadline: Deadline): { rule: PackClockRule; target: ClockTarget } {
  const basis = "hours" in deadline ? "calendar" : "business";
  const target = "hours" in deadline ? { minutes: deadline.hours * 60 } : deadline;
  // The schema's literal unions type as `never` through its Union helper; the value is a valid rule.
  const rule = { basis, pauseIn: [], stopIn: [], escalates: true } as unknown as PackClockRule;
  return { rule, target };
}

export type ExecutionProblem = "ILLEGAL_TRANSITION" | "BLOCKED" | "REASON_REQUIRED" | "FOLLOWS_LEDGER";

const MOVES: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  open: ["in_progress", "failed"],
  in_progress: ["done", "failed"],
  done: [],
  failed: [],
};

export function checkExecutionMove(
  order: { status: ExecutionStatus; action: ExecutionAction; blocked: boolean },
  to: ExecutionStatus,
  reason: string | undefined,
): ExecutionProblem | null {
  if (MONEY_ACTIONS.includes(order.action)) return "FOLLOWS_LEDGER";
  if (!MOVES[order.status].includes(to)) return "ILLEGAL_TRANSITION";
  if (to === "in_progress" && order.blocked) return "BLOCKED";
  if (to === "failed" && !reason?.trim()) return "REASON_REQUIRED";
  return null;
}

export const isTerminal = (status: ExecutionStatus): boolean => status === "done" || status === "failed";

/** A money order's status from its payouts: all paid → done, any given up → failed, any begun → in progress. */
export function moneyOrderStatus(entries: readonly { status: string; attempts: number }[]): ExecutionStatus {
  if (entries.length && entries.every((e) => e.status === "succeeded" || e.status === "cancelled"))
    return "done";
  if (entries.some((e) => e.status === "failed")) return "failed";
  if (entries.some((e) => e.attempts > 0 || e.status === "processing")) return "in_progress";
  return "open";
}

export const isOverdue = (
  order: { status: ExecutionStatus; dueAt: Date | null; overdueAt: Date | null },
  now: Date,
): boolean => !isTerminal(order.status) && !!order.dueAt && order.dueAt < now && !order.overdueAt;

/** Which departments' orders a role works: its own; supervisors and managers act for any. */
export function departmentsOf(role: string): readonly Department[] | "all" {
  if (role === "merchant") return ["merchant"];
  if (role === "rider") return ["logistics"];
  if (role === "warehouse") return ["warehouse"];
  if (role === "finance") return ["finance"];
  return "all";
}

export const ACTION_WORDS: Record<ExecutionAction, Text> = {
  refund: text("退款", "refund"),
  compensation: text("赔偿打款", "compensation payment"),
  resend: text("补发", "resend"),
  redeliver: text("重新配送", "redelivery"),
  pickup: text("上门取件", "pick-up for return"),
  inspection: text("验货", "inspection"),
  repair: text("维修", "repair"),
};
