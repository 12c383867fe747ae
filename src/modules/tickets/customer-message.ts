import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import { isStatus, statusAfterCustomerMessage } from "./tickets.domain.ts";
import { type Actor, appendEvent, changeTicket, lockTicket, type NewEvent } from "./tickets.store.ts";

/**
 * Something the customer sent to an existing ticket (an e-mail reply, a chat transcript): the event, and
 * when the ticket was waiting for the customer, its move back to `in_progress` (with the SLA clocks that
 * pause while we wait), in one transaction. `within` adds the channel's own writes to that transaction
 * and returns data for the event. False when the ticket does not exist.
 */
export async function recordCustomerMessage(
  ctx: AppContext,
  ticketNo: string,
  customer: Actor,
  event: NewEvent,
  within?: (trx: Transaction<Database>) => Promise<Record<string, unknown>>,
): Promise<boolean> {
  // Before the transaction: on PGlite a first read of the calendar inside it would wait for it.
  const calendar = await calendarOf(ctx.db);
  const ticket = await ctx.db.transaction().execute(async (trx) => {
    const t = await lockTicket(trx, ticketNo);
    if (!t) return null;
    const now = ctx.clock.now();
    const extra = within ? await within(trx) : {};
    await appendEvent(trx, ticketNo, customer, { ...event, data: { ...event.data, ...extra } }, now);
    const from = isStatus(t.status) ? t.status : "new";
    const to = statusAfterCustomerMessage(from);
    if (to !== from) {
      await changeTicket(
        trx,
        ticketNo,
        { status: to },
        customer,
        { type: "status_changed", visibility: "customer", data: { from, to, cause: "customer_message" } },
        now,
      );
      await syncTicketClocks(trx, ctx.packs, calendar, ticketNo, { fromStatus: from }, now);
    }
    return t;
  });
  if (!ticket) return false;
  ctx.live.publish({
    ticketNo,
    type: "changed",
    merchantId: ticket.merchant_id,
    riderId: ticket.rider_id,
  });
  return true;
}
