/**
 * The ticket's life as one table of legal moves. Pure: no I/O, no clock; callers pass what they know.
 */
export const STATUSES = [
  "new",
  "in_progress",
  "awaiting_customer",
  "awaiting_merchant",
  "awaiting_execution",
  "needs_info",
  "not_applicable",
  "resolved",
  "closed",
  "reopened",
] as const;
export type Status = (typeof STATUSES)[number];

const WORKING: Status[] = [
  "in_progress",
  "awaiting_customer",
  "awaiting_merchant",
  "awaiting_execution",
  "needs_info",
];

/** Where each status may go next. Anything not listed is illegal. */
export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  new: ["in_progress", "awaiting_merchant", "needs_info", "not_applicable"],
  in_progress: [
    "awaiting_customer",
    "awaiting_merchant",
    "awaiting_execution",
    "needs_info",
    "not_applicable",
    "resolved",
  ],
  awaiting_customer: ["in_progress", "resolved", "closed"],
  awaiting_merchant: ["in_progress", "awaiting_execution", "resolved"],
  awaiting_execution: ["in_progress", "resolved"],
  needs_info: ["in_progress", "not_applicable", "closed"],
  not_applicable: ["closed", "reopened"],
  resolved: ["closed", "reopened"],
  closed: ["reopened"],
  reopened: [...WORKING, "resolved"],
};

export const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

export const canTransition = (from: Status, to: Status): boolean => TRANSITIONS[from].includes(to);

/** Statuses in which the ticket still waits for us: the queue shows them and deadlines run. */
export const isOpen = (status: Status): boolean => !["resolved", "closed", "not_applicable"].includes(status);

/** Moves that need a reason from the agent, because the customer will read it or an audit will ask. */
/**
 * The time the customer is shown as "expected completion": the resolution deadline while the ticket is
 * open, and once it is finished the time it was resolved (or closed).
 */
export function expectedCompletionAt(t: {
  status: string;
  resolution_due_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
}): Date | null {
  return isStatus(t.status) && isOpen(t.status) ? t.resolution_due_at : (t.resolved_at ?? t.closed_at);
}

export const REASON_REQUIRED: readonly Status[] = ["not_applicable", "reopened", "needs_info"];

export type TransitionProblem = "ILLEGAL_TRANSITION" | "REASON_REQUIRED";

export function checkTransition(
  from: Status,
  to: Status,
  reason: string | undefined,
): TransitionProblem | null {
  if (!canTransition(from, to)) return "ILLEGAL_TRANSITION";
  if (REASON_REQUIRED.includes(to) && !reason?.trim()) return "REASON_REQUIRED";
  return null;
}

/**
 * A ticket's move: its status's rules, and a merged duplicate stays closed, since its work goes on in the
 * ticket it was merged into. Reopened, it would be open and merged at once, and a merge of its target back
 * into it would make the two point at each other.
 */
export function checkTicketMove(
  ticket: { status: Status; mergedInto: string | null },
  to: Status,
  reason: string | undefined,
): TransitionProblem | "MERGED" | null {
  if (ticket.mergedInto) return "MERGED";
  return checkTransition(ticket.status, to, reason);
}

/** The moves `checkTicketMove` allows a ticket (what the console offers): none for a merged duplicate. */
export const movesOf = (ticket: { status: Status; mergedInto: string | null }): readonly Status[] =>
  ticket.mergedInto ? [] : TRANSITIONS[ticket.status];

/** Taking a new or reopened ticket starts the work; taking one already being worked only changes its owner. */
export function statusAfterTake(from: Status): Status {
  return from === "new" || from === "reopened" ? "in_progress" : from;
}

/** A duplicate can be merged while it is still open; the survivor must be open too and not the same ticket. */
export function checkMerge(
  source: { ticketNo: string; status: Status; orderNo: string; customerPhone: string },
  target: { ticketNo: string; status: Status; customerPhone: string },
): "SAME_TICKET" | "SOURCE_NOT_OPEN" | "TARGET_NOT_OPEN" | "DIFFERENT_CUSTOMER" | null {
  if (source.ticketNo === target.ticketNo) return "SAME_TICKET";
  if (!isOpen(source.status)) return "SOURCE_NOT_OPEN";
  if (!isOpen(target.status)) return "TARGET_NOT_OPEN";
  if (source.customerPhone !== target.customerPhone) return "DIFFERENT_CUSTOMER";
  return null;
}

/** Priority 1 is the most pressing. Food safety first; then what stops a buyer's business; then the rest. */
export function priorityOf(severity: "serious" | "general" | "minor", urgent: boolean): number {
  if (severity === "serious") return 1;
  if (urgent) return 2;
  return severity === "general" ? 3 : 4;
}

/**
 * The customer's answer is what `awaiting_customer` waited for, and their materials what `needs_info`
 * (需补充材料) asked for: the work resumes. Other statuses stay.
 */
export function statusAfterCustomerMessage(from: Status): Status {
  return from === "awaiting_customer" || from === "needs_info" ? "in_progress" : from;
}
