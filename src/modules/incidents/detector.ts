import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Packs } from "../../policy-packs/load.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import {
  lockOutboxCursor,
  moveOutboxCursor,
  outboxAhead,
  outboxEventsAfter,
  outboxHeld,
} from "../tickets/outbox.store.ts";
import { eventsInsert } from "../tickets/tickets.store.ts";
import {
  baselineHours,
  type Complaint,
  familyOf,
  hourOf,
  type IncidentKey,
  isVolumeSpike,
  keyMatches,
  thresholdWindow,
  type WindowKey,
  windowKeysOf,
  windowStart,
} from "./incidents.domain.ts";
import {
  addIncidentEvents,
  addVolume,
  complaintsOf,
  insertIncident,
  insertSignals,
  keyOf,
  linkMany,
  openBatchIncidents,
  unexplainedInWindows,
  volumesAt,
} from "./incidents.store.ts";

/**
 * The batch detector: a consumer of the event outbox. Each batch of events after its cursor is handled
 * in the transaction that moves the cursor, so every new ticket is counted once, by one process, even
 * with several processes on one PostgreSQL (the cursor row's lock makes them take turns). A complaint
 * joins the open incident its key matches; else it is counted in its windows, and the first window to
 * reach the pack's threshold opens a batch incident linking every unexplained complaint in it.
 *
 * A batch costs a fixed number of statements whatever its size and whatever the number of stored
 * tickets: the batch's complaints are counted, their windows read and their links written set-wise,
 * and the rules are applied to them one by one in memory, in the order they were made. Only opening an
 * incident (rare) costs statements of its own.
 */

export const DETECTOR = "incidents";
export const DETECTOR_BATCH = 500;
export const SYSTEM = { id: null, name: "system", role: "system" };
/**
 * How many unexplained complaints of a key are read around a new one, on top of the batch's own: fewer
 * than `count` of them can lie in any window (else an incident would have opened), so a few times the
 * threshold covers the two windows either side of it.
 */
const WINDOW_READ_FACTOR = 4;

type Trx = Transaction<Database>;

/**
 * The snapshot of this process's last read-ahead (see `outboxAhead`): per process, since each process
 * only needs to see what is new to it; the cursor row is shared and authoritative.
 */
const readAhead = new WeakMap<AppContext, string>();

/**
 * One batch of outbox events: how many it read, and whether events may be left that a transaction still
 * running holds back and the read-ahead did not reach (the caller looks again soon).
 *
 * The cursor only passes events once every transaction before them is settled, so a transaction
 * running long anywhere on the server (another consumer's batch, a report, another database's) would
 * hold detection back with it. Once caught up to that point, the detector also reads ahead: the
 * committed events after it are handled at once, which is safe because handling a complaint twice is a
 * no-op (its signals exist); the cursor reaches them later and finds them handled.
 */
export async function detectOnce(
  ctx: AppContext,
  now: Date,
  limit = DETECTOR_BATCH,
): Promise<{ read: number; held: boolean }> {
  return ctx.db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, DETECTOR);
    if (!cursor) return { read: 0, held: false };
    const rows = await outboxEventsAfter(trx, cursor, limit);
    const last = rows[rows.length - 1];
    const ticketNos = rows.filter((r) => r.type === "received").map((r) => r.ticket_no);
    let held = false;
    if (rows.length < limit && (await outboxHeld(trx, last ?? cursor))) {
      const ahead = await outboxAhead(trx, last ?? cursor, readAhead.get(ctx) ?? null, limit);
      readAhead.set(ctx, ahead.snapshot);
      for (const r of ahead.rows) if (r.type === "received") ticketNos.push(r.ticket_no);
      held = ahead.rows.length >= limit;
    }
    await detect(trx, ctx.packs, await complaintsOf(trx, [...new Set(ticketNos)]), now);
    if (last) await moveOutboxCursor(trx, DETECTOR, { tx: last.tx, id: last.id });
    return { read: rows.length, held };
  });
}

/** A complaint of a family, with its pack's rule and the windows it counts in. */
interface Counted {
  c: Complaint;
  family: string;
  rule: PolicyPack["thresholds"]["batchIncident"];
  keys: WindowKey[];
}

const windowId = (line: string, family: string, k: { dimension: string; key: string }) =>
  JSON.stringify([line, family, k.dimension, k.key]);
const volumeId = (line: string, family: string, merchantId: string, hour: Date) =>
  JSON.stringify([line, family, merchantId, hour.getTime()]);

/** Applies the rules to a batch of new complaints. */
export async function detect(trx: Trx, packs: Packs, complaints: readonly Complaint[], now: Date) {
  const counted: Counted[] = [];
  for (const c of [...complaints].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.ticketNo.localeCompare(b.ticketNo),
  )) {
    const pack = packs.get(c.businessLine as BusinessLine);
    const family = pack && familyOf(pack, c.category, c.subType);
    if (!pack || !family) continue;
    const rule = pack.thresholds.batchIncident;
    // Complaints older than any window (history read on a first start) can no longer open anything.
    if (c.at <= windowStart(now, rule.windowHours)) continue;
    counted.push({ c, family, rule, keys: windowKeysOf(c) });
  }
  const fresh = await insertSignals(
    trx,
    counted.flatMap(({ c, family, keys }) =>
      keys.map((k) => ({
        businessLine: c.businessLine,
        family,
        dimension: k.dimension,
        key: k.key,
        ticketNo: c.ticketNo,
        at: c.at,
      })),
    ),
  );
  // A complaint counted before (read again after a retry) changes nothing.
  const batch = counted.filter((x) => fresh.has(x.c.ticketNo));
  if (!batch.length) return;

  const volume = await hourVolumes(trx, batch);
  const incidents = (
    await openBatchIncidents(trx, [
      ...new Map(
        batch.map((x) => [
          JSON.stringify([x.c.businessLine, x.family]),
          { businessLine: x.c.businessLine, family: x.family },
        ]),
      ).values(),
    ])
  ).map((i) => ({ id: i.id, businessLine: i.business_line, family: i.family!, key: keyOf(i) }));
  const windows = await windowStates(trx, batch);
  // The batch's later complaints are not counted yet (they are judged in their turn); linked ones are explained.
  const pending = new Set(batch.map((x) => x.c.ticketNo));
  const explained = new Set<string>();
  const unexplained = (line: string, family: string, k: WindowKey) =>
    windows
      .get(windowId(line, family, k))!
      .filter((s) => !pending.has(s.ticketNo) && !explained.has(s.ticketNo));
  const links: { incidentId: string; ticketNo: string; key: IncidentKey }[] = [];
  const explain = (incidentId: string, key: IncidentKey, ticketNos: readonly string[]) => {
    for (const ticketNo of ticketNos) {
      explained.add(ticketNo);
      links.push({ incidentId, ticketNo, key });
    }
  };

  for (const { c, family, rule, keys } of batch) {
    pending.delete(c.ticketNo);
    const line = c.businessLine;
    const joined = incidents.find(
      (i) => i.businessLine === line && i.family === family && keyMatches(i.key, c),
    );
    if (joined) {
      explain(joined.id, joined.key, [c.ticketNo]);
      continue;
    }
    const fired = firstRule(
      { c, rule, keys },
      (k) => unexplained(line, family, k),
      () => {
        const v = volume.get(volumeId(line, family, c.merchantId, hourOf(c.at)))!;
        return {
          hourCount: v.counted.filter((t) => !pending.has(t)).length + v.before,
          baseline: v.baseline,
        };
      },
    );
    if (!fired) continue;
    const id = await open(trx, line, family, fired.dimension, fired.key, now, fired.why);
    incidents.push({ id, businessLine: line, family, key: fired.key });
    explain(id, fired.key, fired.ticketNos);
  }
  await link(trx, links, now);
}

/**
 * The first rule a complaint makes fire, in order: the batch and product windows (most specific first),
 * then an abnormal rise at the merchant, then the merchant's window. The rise is judged before the
 * merchant's plain count, which would otherwise always be reached first (three in a day come before a
 * rise of the hour); a rise is the sharper finding, and a slow build-up still opens the merchant window.
 */
function firstRule(
  { c, rule, keys }: Pick<Counted, "c" | "rule" | "keys">,
  unexplained: (k: WindowKey) => { ticketNo: string; at: Date }[],
  hourVolume: () => { hourCount: number; baseline: number[] },
): { dimension: string; key: IncidentKey; ticketNos: string[]; why: Record<string, unknown> } | null {
  for (const k of keys) {
    const signals = unexplained(k);
    if (k.dimension === "merchant" && rule.volumeSpike) {
      const { hourCount, baseline } = hourVolume();
      if (isVolumeSpike(hourCount, baseline, rule.volumeSpike)) {
        const hour = hourOf(c.at);
        return {
          dimension: "volume_spike",
          key: k.incidentKey,
          ticketNos: signals.filter((s) => s.at >= hour && s.at <= c.at).map((s) => s.ticketNo),
          why: { volumeSpike: { hourCount, baseline } },
        };
      }
    }
    const window = thresholdWindow(
      signals.map((s) => s.at),
      c.at,
      rule,
    );
    if (window)
      return {
        dimension: k.dimension,
        key: k.incidentKey,
        ticketNos: signals.filter((s) => s.at > window.from && s.at <= window.to).map((s) => s.ticketNo),
        why: { count: rule.count, windowHours: rule.windowHours },
      };
  }
  return null;
}

/**
 * Each merchant-hour's count of the batch's complaints (counted in one statement) and, where the count
 * can reach a spike's `minCount`, the same hour's counts on the baseline days (read in one statement).
 */
async function hourVolumes(trx: Trx, batch: readonly Counted[]) {
  const groups = new Map<
    string,
    { key: { businessLine: string; family: string; merchantId: string; hour: Date }; counted: string[] }
  >();
  for (const { c, family } of batch) {
    const id = volumeId(c.businessLine, family, c.merchantId, hourOf(c.at));
    const g = groups.get(id) ?? {
      key: { businessLine: c.businessLine, family, merchantId: c.merchantId, hour: hourOf(c.at) },
      counted: [],
    };
    g.counted.push(c.ticketNo);
    groups.set(id, g);
  }
  const totals = await addVolume(
    trx,
    [...groups.values()].map((g) => ({ ...g.key, n: g.counted.length })),
  );
  const total = new Map(
    totals.map((t) => [volumeId(t.businessLine, t.family, t.merchantId, t.hour), t.count]),
  );
  const spikeOf = new Map(
    batch.map((x) => [
      volumeId(x.c.businessLine, x.family, x.c.merchantId, hourOf(x.c.at)),
      x.rule.volumeSpike,
    ]),
  );
  const wanted = [...groups.entries()].filter(([id]) => {
    const spike = spikeOf.get(id);
    return spike && (total.get(id) ?? 0) >= spike.minCount;
  });
  const baselines = await volumesAt(
    trx,
    wanted.map(([id, g]) => ({ ...g.key, hours: baselineHours(g.key.hour, spikeOf.get(id)!.baselineDays) })),
  );
  const seen = new Map(
    baselines.map((b) => [volumeId(b.businessLine, b.family, b.merchantId, b.hour), b.count]),
  );
  const out = new Map<string, { before: number; counted: string[]; baseline: number[] }>();
  for (const [id, g] of groups) {
    const spike = spikeOf.get(id);
    const hours = spike ? baselineHours(g.key.hour, spike.baselineDays) : [];
    out.set(id, {
      before: (total.get(id) ?? g.counted.length) - g.counted.length,
      counted: g.counted,
      baseline: hours.map(
        (h) => seen.get(volumeId(g.key.businessLine, g.key.family, g.key.merchantId, h)) ?? 0,
      ),
    });
  }
  return out;
}

/** The complaints of every window key of the batch not yet part of an incident, read in one statement. */
async function windowStates(
  trx: Trx,
  batch: readonly Counted[],
): Promise<Map<string, { ticketNo: string; at: Date }[]>> {
  const reads = new Map<
    string,
    { line: string; family: string; k: WindowKey; from: number; to: number; n: number; count: number }
  >();
  for (const { c, family, rule, keys } of batch)
    for (const k of keys) {
      const id = windowId(c.businessLine, family, k);
      const span = rule.windowHours * 3_600_000;
      const r = reads.get(id) ?? {
        line: c.businessLine,
        family,
        k,
        from: Infinity,
        to: -Infinity,
        n: 0,
        count: rule.count,
      };
      r.from = Math.min(r.from, c.at.getTime() - span);
      r.to = Math.max(r.to, c.at.getTime() + span);
      r.n += 1;
      reads.set(id, r);
    }
  const list = [...reads.entries()];
  const rows = await unexplainedInWindows(
    trx,
    list.map(([, r]) => ({
      businessLine: r.line,
      family: r.family,
      dimension: r.k.dimension,
      key: r.k.key,
      from: new Date(r.from),
      to: new Date(r.to),
      limit: WINDOW_READ_FACTOR * r.count + r.n,
    })),
  );
  const states = new Map<string, { ticketNo: string; at: Date }[]>(list.map(([id]) => [id, []]));
  for (const row of rows) states.get(list[row.i]![0])!.push({ ticketNo: row.ticket_no, at: row.at });
  return states;
}

async function open(
  trx: Trx,
  line: string,
  family: string,
  dimension: string,
  key: IncidentKey,
  at: Date,
  why: Record<string, unknown>,
): Promise<string> {
  const incident = await insertIncident(
    trx,
    {
      kind: "batch",
      businessLine: line,
      family,
      dimension,
      key,
      reason: null,
      openedBy: SYSTEM.name,
      progressDueAt: null,
    },
    at,
  );
  await addIncidentEvents(
    trx,
    [{ incidentId: incident.id, type: "opened", data: { dimension, family, key, ...why } }],
    SYSTEM,
    at,
  );
  return incident.id;
}

/** Links the batch's tickets and records it on both sides: each incident's timeline and each ticket's. */
async function link(
  trx: Trx,
  links: readonly { incidentId: string; ticketNo: string; key: IncidentKey }[],
  at: Date,
) {
  const linked = await linkMany(trx, links, at);
  if (!linked.length) return;
  const byIncident = new Map<string, string[]>();
  for (const l of linked) byIncident.set(l.incidentId, [...(byIncident.get(l.incidentId) ?? []), l.ticketNo]);
  await addIncidentEvents(
    trx,
    [...byIncident].map(([incidentId, ticketNos]) => ({
      incidentId,
      type: "tickets_linked",
      data: { ticketNos },
    })),
    SYSTEM,
    at,
  );
  const keyOfIncident = new Map(links.map((l) => [l.incidentId, l.key]));
  await eventsInsert(
    linked.map((l) => ({
      ticketNo: l.ticketNo,
      type: "incident_linked",
      visibility: "internal" as const,
      data: { incidentId: l.incidentId, kind: "batch", key: keyOfIncident.get(l.incidentId) },
    })),
    SYSTEM,
    at,
  ).execute(trx);
}
