import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { Packs } from "../../policy-packs/load.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { startDeadline, stopDeadline } from "../sla/sla.commands.ts";
import { clockNameOf, type Deadline, executionClock } from "./execution.domain.ts";

/**
 * Every execution order's deadline is a clock of the SLA engine, so an order running late reminds,
 * breaks and escalates the ticket exactly like a first-response or resolution deadline. The clock
 * starts when the order can start (at once, or when the step it waits for is done) and stops when the
 * order ends; the order's `due_at` is the clock's deadline, never computed a second way.
 */
export async function startOrderClock(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  order: { id: string; ticket_no: string; deadline: Deadline },
  at: Date,
): Promise<Date | null> {
  const clock = await startDeadline(
    trx,
    packs,
    calendar,
    order.ticket_no,
    clockNameOf(order.id),
    executionClock(order.deadline),
    at,
  );
  return clock?.dueAt ?? null;
}

/** Met (done) or no longer owed (failed): what was broken stays broken, for the record. */
export function stopOrderClock(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  order: { id: string; ticket_no: string },
  at: Date,
): Promise<void> {
  return stopDeadline(trx, packs, calendar, order.ticket_no, clockNameOf(order.id), at);
}
