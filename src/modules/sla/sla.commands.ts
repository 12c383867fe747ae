import type { Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import type { Packs } from "../../policy-packs/load.ts";
import type { BusinessLine, PackClockRule, Severity } from "../../policy-packs/schema.ts";
import { findTicket, lockTickets, setTicketDeadlines } from "../tickets/tickets.store.ts";
import type { BusinessCalendar } from "./calendar.domain.ts";
import {
  type Clock,
  type ClockName,
  type ClockTarget,
  moveToCalendar,
  reconcileClocks,
  ruleOf,
  type SlaTrigger,
  slaEnv,
  startClock,
  stopClock,
  ticketDeadlines,
} from "./sla.domain.ts";
import { clocksOfTickets, loadTicketClocks, runningBusinessClocks, saveClocks } from "./sla.store.ts";

/**
 * The clocks follow every change a staff command makes to a ticket, in the command's transaction:
 * a status that pauses, stops or restarts a clock, a reply the customer reads, new facts that change a
 * target. The ticket's two deadline columns are kept in step. The calendar is read by the caller before
 * its transaction opens (on PGlite a query outside the transaction would wait for it).
 */
export async function syncTicketClocks(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  ticketNo: string,
  trigger: SlaTrigger,
  now: Date,
): Promise<void> {
  const t = await findTicket(trx, ticketNo);
  if (!t) return;
  if (!trigger.customerReply && !trigger.reclassified && trigger.fromStatus === t.status) return;
  const pack = packs.get(t.business_line as BusinessLine);
  if (!pack) return;
  const clocks = await loadTicketClocks(trx, ticketNo);
  const changed = reconcileClocks(
    pack,
    clocks,
    { status: t.status, category: t.category, severity: t.severity as Severity, urgent: t.urgent },
    trigger,
    now,
    calendar,
  );
  if (!changed.length) return;
  await saveClocks(
    trx,
    changed.map((clock) => ({ ticketNo, clock })),
  );
  const due = ticketDeadlines(changed);
  const patch = {
    firstResponseDueAt:
      due.firstResponseDueAt && due.firstResponseDueAt.getTime() !== t.first_response_due_at.getTime()
        ? due.firstResponseDueAt
        : undefined,
    resolutionDueAt:
      due.resolutionDueAt && due.resolutionDueAt.getTime() !== t.resolution_due_at.getTime()
        ? due.resolutionDueAt
        : undefined,
  };
  await setTicketDeadlines(trx, [{ ticketNo, ...patch }]);
}

/**
 * Starts a deadline other than the intake's clocks on a ticket, in the caller's transaction: a remedy's
 * (see `remedyDeadline`) under a name of the caller's choosing, e.g. "remedy:R1:refund". The engine
 * reminds and escalates it like any other; the caller stops it with `stopDeadline` when it is met.
 */
export async function startDeadline(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  ticketNo: string,
  name: string,
  deadline: { rule: PackClockRule; target: ClockTarget },
  at: Date,
): Promise<Clock | null> {
  const t = await findTicket(trx, ticketNo);
  const pack = t && packs.get(t.business_line as BusinessLine);
  if (!pack) return null;
  const clock = startClock({ name: name as ClockName, ...deadline }, at, slaEnv(pack, calendar));
  await saveClocks(trx, [{ ticketNo, clock }]);
  return clock;
}

export async function stopDeadline(
  trx: Transaction<Database>,
  packs: Packs,
  calendar: BusinessCalendar,
  ticketNo: string,
  name: string,
  at: Date,
): Promise<void> {
  const t = await findTicket(trx, ticketNo);
  const pack = t && packs.get(t.business_line as BusinessLine);
  const clock = (await loadTicketClocks(trx, ticketNo)).find((c) => c.name === name);
  if (!pack || !clock) return;
  await saveClocks(trx, [{ ticketNo, clock: stopClock(clock, at, slaEnv(pack, calendar)) }]);
}

/**
 * After an admin changed the calendar from `from` on: every running clock on service time that the
 * change can reach gets its deadline in the new calendar, a page of tickets per transaction. Tickets are
 * locked before their clocks, in ticket order, as the staff commands do. Returns the clocks moved.
 */
export async function moveClocksToCalendar(
  db: Db,
  packs: Packs,
  before: BusinessCalendar,
  after: BusinessCalendar,
  from: Date,
  now: Date,
  pageSize = 500,
): Promise<number> {
  let moved = 0;
  let key: { ticketNo: string; name: string } | null = null;
  for (;;) {
    const page = await runningBusinessClocks(db, from, key, pageSize);
    if (!page.length) return moved;
    const last = page[page.length - 1]!;
    key = { ticketNo: last.ticket_no, name: last.name };
    const ticketNos = [...new Set(page.map((r) => r.ticket_no))];
    moved += await db.transaction().execute(async (trx) => {
      const tickets = await lockTickets(trx, ticketNos);
      const clocks = await clocksOfTickets(trx, ticketNos);
      const changed: { ticketNo: string; clock: Clock }[] = [];
      for (const t of tickets) {
        const pack = packs.get(t.business_line as BusinessLine);
        if (!pack) continue;
        const [was, will] = [slaEnv(pack, before), slaEnv(pack, after)];
        for (const c of clocks.get(t.ticket_no) ?? []) {
          const next = moveToCalendar(c, now, was, will, ruleOf(pack, c.name)?.escalates !== false);
          if (next !== c) changed.push({ ticketNo: t.ticket_no, clock: next });
        }
      }
      await saveClocks(trx, changed);
      await setTicketDeadlines(
        trx,
        ticketNos.map((ticketNo) => ({
          ticketNo,
          ...ticketDeadlines(changed.filter((c) => c.ticketNo === ticketNo).map((c) => c.clock)),
        })),
      );
      return changed.length;
    });
    if (page.length < pageSize) return moved;
  }
}
