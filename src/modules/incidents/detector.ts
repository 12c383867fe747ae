import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { lockOutboxCursor, moveOutboxCursor, outboxAfter } from "../tickets/outbox.store.ts";
import { eventsInsert } from "../tickets/tickets.store.ts";
import {
  baselineHours,
  type Complaint,
  familyOf,
  hourOf,
  type IncidentKey,
  isVolumeSpike,
  keyMatches,
  reachesThreshold,
  type WindowKey,
  windowKeysOf,
  windowStart,
} from "./incidents.domain.ts";
import {
  addIncidentEvent,
  allUnexplainedInWindow,
  complaintsOf,
  countVolume,
  insertIncident,
  insertSignals,
  keyOf,
  linkTickets,
  openBatchIncidents,
  unexplainedInWindow,
  volumeAt,
} from "./incidents.store.ts";

/**
 * The batch detector: a consumer of the event outbox. Each batch of events after its cursor is handled
 * in the transaction that moves the cursor, so every new ticket is counted once, by one process, even
 * with several processes on one PostgreSQL (the cursor row's lock makes them take turns). A complaint
 * joins the open incident its key matches; else it is counted in its windows, and the first window to
 * reach the pack's threshold opens a batch incident linking every unexplained complaint in it.
 */

export const DETECTOR = "incidents";
export const DETECTOR_BATCH = 200;
export const SYSTEM = { id: null, name: "system", role: "system" };

type Trx = Transaction<Database>;

/** One batch of outbox events. Returns how many events it read. */
export async function detectBatch(ctx: AppContext, now: Date, limit = DETECTOR_BATCH): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, DETECTOR);
    if (!cursor) return 0;
    const rows = await outboxAfter(trx, cursor, limit);
    if (!rows.length) return 0;
    const received = rows.filter((r) => r.type === "received").map((r) => r.ticket_no);
    const complaints = (await complaintsOf(trx, received)).sort(
      (a, b) => a.at.getTime() - b.at.getTime() || a.ticketNo.localeCompare(b.ticketNo),
    );
    for (const c of complaints) {
      const pack = ctx.packs.get(c.businessLine as BusinessLine);
      if (pack) await detect(trx, pack, c, now);
    }
    const last = rows[rows.length - 1]!;
    await moveOutboxCursor(trx, DETECTOR, { tx: last.tx, id: last.id });
    return rows.length;
  });
}

async function detect(trx: Trx, pack: PolicyPack, c: Complaint, now: Date): Promise<void> {
  const family = familyOf(pack, c.category, c.subType);
  if (!family) return;
  const rule = pack.thresholds.batchIncident;
  // Complaints older than any window (history read on a first start) can no longer open anything.
  if (c.at <= windowStart(now, rule.windowHours)) return;
  const keys = windowKeysOf(c);
  const line = c.businessLine;
  await insertSignals(
    trx,
    keys.map((k) => ({
      businessLine: line,
      family,
      dimension: k.dimension,
      key: k.key,
      ticketNo: c.ticketNo,
      at: c.at,
    })),
  );
  const spike = rule.volumeSpike;
  const hourCount = spike ? await countVolume(trx, line, family, c.merchantId, hourOf(c.at)) : 0;

  const joined = (await openBatchIncidents(trx, line, family)).find((i) => keyMatches(keyOf(i), c));
  if (joined) {
    await link(trx, joined.id, keyOf(joined), [c.ticketNo], now);
    return;
  }
  for (const k of keys) {
    const window = { businessLine: line, family, dimension: k.dimension, key: k.key };
    const from = windowStart(c.at, rule.windowHours);
    const recent = await unexplainedInWindow(trx, window, from, c.at, rule.count);
    if (
      !reachesThreshold(
        recent.map((r) => new Date(r.at)),
        c.at,
        rule,
      )
    )
      continue;
    const tickets = await allUnexplainedInWindow(trx, window, from, c.at);
    await open(trx, line, family, k, tickets, now, { count: rule.count, windowHours: rule.windowHours });
    return;
  }
  if (spike) {
    const baseline = await volumeAt(
      trx,
      line,
      family,
      c.merchantId,
      baselineHours(hourOf(c.at), spike.baselineDays),
    );
    if (!isVolumeSpike(hourCount, baseline, spike)) return;
    const merchant = keys.find((k) => k.dimension === "merchant")!;
    const window = { businessLine: line, family, dimension: "merchant" as const, key: merchant.key };
    const tickets = await allUnexplainedInWindow(trx, window, new Date(hourOf(c.at).getTime() - 1), c.at);
    await open(trx, line, family, merchant, tickets, now, {
      volumeSpike: { hourCount, baseline },
    });
  }
}

async function open(
  trx: Trx,
  line: string,
  family: string,
  k: WindowKey,
  ticketNos: string[],
  at: Date,
  why: Record<string, unknown>,
): Promise<void> {
  const incident = await insertIncident(
    trx,
    {
      kind: "batch",
      businessLine: line,
      family,
      dimension: "volumeSpike" in why ? "volume_spike" : k.dimension,
      key: k.incidentKey,
      reason: null,
      openedBy: SYSTEM.name,
      progressDueAt: null,
    },
    at,
  );
  await addIncidentEvent(
    trx,
    incident.id,
    SYSTEM,
    "opened",
    { dimension: incident.dimension, family, key: k.incidentKey, ...why },
    at,
  );
  await link(trx, incident.id, k.incidentKey, ticketNos, at);
}

/** Links tickets and records it on both sides: the incident's timeline and each ticket's. */
async function link(trx: Trx, incidentId: string, key: IncidentKey, ticketNos: string[], at: Date) {
  const linked = await linkTickets(trx, incidentId, ticketNos, at);
  if (!linked.length) return;
  await addIncidentEvent(trx, incidentId, SYSTEM, "tickets_linked", { ticketNos: linked }, at);
  await eventsInsert(
    linked.map((ticketNo) => ({
      ticketNo,
      type: "incident_linked",
      visibility: "internal" as const,
      data: { incidentId, kind: "batch", key },
    })),
    SYSTEM,
    at,
  ).execute(trx);
}
