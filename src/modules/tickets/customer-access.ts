import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { findTicket, type TicketRow } from "./tickets.store.ts";

/**
 * The customer's key to a ticket on the public pages: its number and the phone it was filed with. A
 * wrong phone and an unknown number answer the same 404, so nobody can probe whose ticket exists.
 */
export async function ticketOfCustomer(ctx: AppContext, ticketNo: string, phone: string): Promise<TicketRow> {
  const t = await findTicket(ctx.db, ticketNo);
  if (!t || t.customer_phone !== normalisePhone(phone))
    throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
  return t;
}
