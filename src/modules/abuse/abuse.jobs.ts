import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import { lockOutboxCursor, moveOutboxCursor, outboxAfter } from "../tickets/outbox.store.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { COUNT_CAP, LOOKBACK_DAYS, markValue, scoreComplaint } from "./abuse.domain.ts";
import {
  addAudit,
  claimExpired,
  complainantFacts,
  endListing,
  insertMarks,
  saveScore,
} from "./abuse.store.ts";

/**
 * The scorer reads new requests from the `ticket_events` outbox, so intake's hot path pays nothing for it:
 * each request costs one ticket read and one statement of bounded index reads, whatever the stored tickets.
 * The expiry sweep ends listings whose time is up, each with its audit event.
 */

const CONSUMER = "abuse";
export const SCORER_BATCH = 100;
const EXPIRY_BATCH = 50;
const SYSTEM = { name: "system", role: "system" };
const DAY = 86_400_000;

export async function scoreBatch(ctx: AppContext, limit = SCORER_BATCH): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, CONSUMER);
    if (!cursor) return 0;
    const rows = await outboxAfter(trx, cursor, limit);
    if (!rows.length) return 0;
    for (const row of rows) {
      if (row.type !== "received") continue;
      const ticket = await findTicket(trx, row.ticket_no);
      if (!ticket) continue;
      const device = markValue(row.data.deviceId);
      const address = markValue(row.data.address);
      const at = ticket.created_at;
      await insertMarks(trx, [
        { kind: "phone", value: ticket.customer_phone, ticketNo: ticket.ticket_no, at },
        ...(device ? [{ kind: "device" as const, value: device, ticketNo: ticket.ticket_no, at }] : []),
        ...(address ? [{ kind: "address" as const, value: address, ticketNo: ticket.ticket_no, at }] : []),
      ]);
      const facts = await complainantFacts(trx, {
        phone: ticket.customer_phone,
        device,
        address,
        ticketNo: ticket.ticket_no,
        since: new Date(at.getTime() - LOOKBACK_DAYS * DAY),
        cap: COUNT_CAP,
      });
      const claimed = ticket.category_source === "customer" ? ticket.category : null;
      const classified =
        typeof row.data.classifierCategory === "string" && row.data.classifierDisagrees === true
          ? row.data.classifierCategory
          : null;
      const result = scoreComplaint({
        phoneComplaints: facts.phone,
        deviceComplaints: facts.device,
        addressComplaints: facts.address,
        ticketsOfPhone: facts.tickets,
        ordersOfPhone: facts.orders,
        refundsPaid: facts.refunds,
        refundFen: facts.refund_fen,
        claimedCategory: claimed,
        classifiedCategory: classified,
        earlierExcessiveDemands: facts.excessive,
        description: ticket.description,
      });
      await saveScore(
        trx,
        { ticketNo: ticket.ticket_no, phone: ticket.customer_phone, ...result },
        ctx.clock.now(),
      );
    }
    const last = rows[rows.length - 1]!;
    await moveOutboxCursor(trx, CONSUMER, { tx: last.tx, id: last.id });
    return rows.length;
  });
}

export async function expireListings(ctx: AppContext, now: Date, limit = EXPIRY_BATCH): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await claimExpired(trx, now, limit);
    for (const l of due) {
      await endListing(trx, l.id, { status: "expired", by: SYSTEM.name, reason: "expired" }, now);
      await addAudit(trx, l.id, SYSTEM, "expired", { expiresAt: l.expires_at.toISOString() }, now);
    }
    return due.length;
  });
}

export function abusePollers(ctx: AppContext): Poller[] {
  return [
    serialPoller("abuse.score", 1, () => scoreBatch(ctx), SCORER_BATCH),
    serialPoller("abuse.expire", 30, (now) => expireListings(ctx, now), EXPIRY_BATCH),
  ];
}
