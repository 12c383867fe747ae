import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { maskPhone } from "../../platform/format.ts";
import { breachedClocks, type Clock, isBreached } from "../sla/sla.domain.ts";
import { findUsersByIds } from "../users/users.store.ts";
import { LIST_COUNT_CAP, type TicketRow } from "./tickets.store.ts";

/**
 * A ticket as a row of a list: the staff queue and the escalation queue show the same facts, so they
 * share the schema and the mapping here.
 */

export const QueueItemProps = {
  ticketNo: T.String(),
  status: T.String(),
  businessLine: T.String(),
  category: T.String(),
  subType: T.Union([T.String(), T.Null()]),
  severity: T.String(),
  priority: T.Integer(),
  urgent: T.Boolean(),
  channel: T.String(),
  queue: T.String(),
  assignee: T.Union([T.Object({ username: T.String(), displayName: T.String() }), T.Null()]),
  customerPhone: T.String({ description: "masked" }),
  orderNo: T.String(),
  merchantId: T.String(),
  escalationLevel: T.Integer({ description: "0 agent, 1 supervisor, 2 operations manager" }),
  breached: T.Array(T.String(), { description: "SLA clocks whose promise is broken now" }),
  firstResponseDueAt: T.String(),
  resolutionDueAt: T.String(),
  createdAt: T.String(),
};

/** What a list row needs of each clock for a countdown and a badge. */
export const ClockSummary = T.Object({
  name: T.String({ description: "firstResponse, resolution, review, progressUpdate, execution:<orderId>…" }),
  state: T.Union([T.Literal("running"), T.Literal("paused"), T.Literal("stopped")]),
  dueAt: T.Union([T.String(), T.Null()], { description: "null while paused" }),
  remindAt: T.Union([T.String(), T.Null()], { description: "from then on the clock is due soon" }),
  remainingMs: T.Union([T.Integer(), T.Null()], { description: "while paused: what is left" }),
  breached: T.Boolean(),
  level: T.Integer({ description: "escalation levels this clock has fired" }),
});

const cap = LIST_COUNT_CAP.toLocaleString("en");
/** A list's total, as `listTickets` counts it. */
export const ListTotalProps = {
  total: T.Integer({ description: `matching tickets, counted up to ${cap}` }),
  totalExact: T.Boolean({ description: `false when more than ${cap} match: total is then ${cap}` }),
};

export const QueueItem = T.Object({
  ...QueueItemProps,
  clocks: T.Array(ClockSummary, { description: "the ticket's SLA clocks, first response first" }),
});

export type Assignees = Map<string, { username: string; displayName: string }>;

export async function assigneesOf(ctx: AppContext, rows: readonly TicketRow[]): Promise<Assignees> {
  const ids = [...new Set(rows.map((r) => r.assignee_id).filter((x): x is string => !!x))];
  const users = await findUsersByIds(ctx.db, ids);
  return new Map(users.map((u) => [u.id, { username: u.username, displayName: u.display_name }]));
}

/** The promises broken now: from the ticket's SLA clocks, or its two deadlines when it has none. */
export function breachedOf(t: TicketRow, clocks: readonly Clock[] | undefined, now: Date): string[] {
  if (clocks?.length) return clocks.filter((c) => isBreached(c, now)).map((c) => c.name);
  return breachedClocks(
    {
      firstResponseDueAt: t.first_response_due_at,
      resolutionDueAt: t.resolution_due_at,
      firstRespondedAt: t.first_responded_at,
      resolvedAt: t.resolved_at,
    },
    now,
  );
}

export const clockSummary = (c: Clock, now: Date) => ({
  name: c.name,
  state: c.stoppedAt ? ("stopped" as const) : c.pausedSince ? ("paused" as const) : ("running" as const),
  dueAt: c.dueAt?.toISOString() ?? null,
  remindAt: c.remindAt?.toISOString() ?? null,
  remainingMs: c.remainingMs === null ? null : Math.round(c.remainingMs),
  breached: isBreached(c, now),
  level: c.level,
});

/** The list row's fields apart from the clocks (the detail shows its clocks in full under `sla`). */
export function queueItemBase(t: TicketRow, assignees: Assignees, breached: string[]) {
  return {
    ticketNo: t.ticket_no,
    status: t.status,
    businessLine: t.business_line,
    category: t.category,
    subType: t.sub_type,
    severity: t.severity,
    priority: t.priority,
    urgent: t.urgent,
    channel: t.channel,
    queue: t.queue,
    assignee: t.assignee_id ? (assignees.get(t.assignee_id) ?? null) : null,
    customerPhone: maskPhone(t.customer_phone),
    orderNo: t.order_no,
    merchantId: t.merchant_id,
    escalationLevel: t.escalation_level,
    breached,
    firstResponseDueAt: t.first_response_due_at.toISOString(),
    resolutionDueAt: t.resolution_due_at.toISOString(),
    createdAt: t.created_at.toISOString(),
  };
}

export function queueItem(
  t: TicketRow,
  assignees: Assignees,
  clocks: readonly Clock[] | undefined,
  now: Date,
) {
  return {
    ...queueItemBase(t, assignees, breachedOf(t, clocks, now)),
    clocks: (clocks ?? []).map((c) => clockSummary(c, now)),
  };
}
