import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import {
  lockOutboxCursor,
  moveOutboxCursor,
  type OutboxEvent,
  outboxEventsAfter,
} from "../tickets/outbox.store.ts";
import { COUNT_CAP, LOOKBACK_DAYS, markValue, scoreComplaint } from "./abuse.domain.ts";
import {
  addAudit,
  claimExpired,
  complainantFacts,
  endListing,
  insertMarks,
  type ScoredTicket,
  saveScores,
  scoredTickets,
} from "./abuse.store.ts";

/**
 * The scorer reads new requests from the `ticket_events` outbox, so intake's hot path pays nothing for it:
 * a page of requests costs one ticket read and, per round (below), three statements of bounded index reads,
 * whatever the stored tickets.
 * The expiry sweep ends listings whose time is up, each with its audit event.
 */

const CONSUMER = "abuse";
// A page's statements cost about the same whatever its length, so a long page makes a backlog cheaper per
// ticket; a round still holds one request per phone, device and address.
export const SCORER_BATCH = 500;
const EXPIRY_BATCH = 50;
const SYSTEM = { name: "system", role: "system" };
const DAY = 86_400_000;

export async function scoreBatch(ctx: AppContext, limit = SCORER_BATCH): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, CONSUMER);
    if (!cursor) return 0;
    const rows = await outboxEventsAfter(trx, cursor, limit);
    if (!rows.length) return 0;
    const received = rows.filter((r) => r.type === "received");
    const tickets = new Map(
      (
        await scoredTickets(
          trx,
          received.map((r) => r.ticket_no),
        )
      ).map((t) => [t.ticket_no, t]),
    );
    const requests = received.flatMap((row) => {
      const ticket = tickets.get(row.ticket_no);
      return ticket ? [requestOf(row, ticket)] : [];
    });
    for (const round of roundsOf(requests)) await scoreRound(ctx, trx, round);
    const last = rows[rows.length - 1]!;
    await moveOutboxCursor(trx, CONSUMER, { tx: last.tx, id: last.id });
    return rows.length;
  });
}

type Request = ReturnType<typeof requestOf>;

function requestOf(row: OutboxEvent, ticket: ScoredTicket) {
  return {
    row,
    ticket,
    device: markValue(row.data.deviceId),
    address: markValue(row.data.address),
  };
}

/**
 * A page is scored a round at a time, each round in three statements. A customer's requests are scored
 * in the order they came, each seeing the marks and scores of the ones before it: so a round holds at
 * most one request per phone, device and address, and a second one waits for the next round.
 */
function roundsOf(requests: readonly Request[]): Request[][] {
  const rounds: { keys: Set<string>; members: Request[] }[] = [];
  for (const r of requests) {
    const keys = [
      `p:${r.ticket.customer_phone}`,
      ...(r.device ? [`d:${r.device}`] : []),
      ...(r.address ? [`a:${r.address}`] : []),
    ];
    // After the last round that holds any of its keys, so its earlier requests are scored first.
    let after = -1;
    rounds.forEach((round, i) => {
      if (keys.some((k) => round.keys.has(k))) after = i;
    });
    let round = rounds[after + 1];
    if (!round) {
      round = { keys: new Set(), members: [] };
      rounds.push(round);
    }
    for (const k of keys) round.keys.add(k);
    round.members.push(r);
  }
  return rounds.map((r) => r.members);
}

async function scoreRound(ctx: AppContext, trx: Transaction<Database>, round: readonly Request[]) {
  await insertMarks(
    trx,
    round.flatMap(({ ticket, device, address }) => {
      const at = ticket.created_at;
      return [
        { kind: "phone" as const, value: ticket.customer_phone, ticketNo: ticket.ticket_no, at },
        ...(device ? [{ kind: "device" as const, value: device, ticketNo: ticket.ticket_no, at }] : []),
        ...(address ? [{ kind: "address" as const, value: address, ticketNo: ticket.ticket_no, at }] : []),
      ];
    }),
  );
  const facts = await complainantFacts(
    trx,
    round.map(({ ticket, device, address }) => ({
      phone: ticket.customer_phone,
      device,
      address,
      ticketNo: ticket.ticket_no,
      since: new Date(ticket.created_at.getTime() - LOOKBACK_DAYS * DAY),
    })),
    COUNT_CAP,
  );
  const scores = round.map(({ row, ticket }, i) => {
    const f = facts[i]!;
    const claimed = ticket.category_source === "customer" ? ticket.category : null;
    const classified =
      typeof row.data.classifierCategory === "string" && row.data.classifierDisagrees === true
        ? row.data.classifierCategory
        : null;
    const result = scoreComplaint({
      phoneComplaints: f.phone,
      deviceComplaints: f.device,
      addressComplaints: f.address,
      ticketsOfPhone: f.tickets,
      ordersOfPhone: f.orders,
      refundsPaid: f.refunds,
      refundFen: f.refund_fen,
      claimedCategory: claimed,
      classifiedCategory: classified,
      earlierExcessiveDemands: f.excessive,
      description: ticket.description,
    });
    return { ticketNo: ticket.ticket_no, phone: ticket.customer_phone, ...result };
  });
  await saveScores(trx, scores, ctx.clock.now());
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
