import type { AppContext } from "../../platform/context.ts";
import { recordAudit } from "../privacy/privacy.commands.ts";
import { DATA_KINDS, FINISHED_STATUSES } from "../privacy/privacy.domain.ts";
import {
  type Blocker,
  blockers,
  busy,
  eventPartitionName,
  type Month,
  monthsToPrepare,
  oldEnough,
  shanghaiDay,
  tooRecent,
} from "./archive.domain.ts";
import {
  archiveTableExists,
  blockerCounts,
  claimArchiveDay,
  copyToArchive,
  countRows,
  deferEventsKey,
  deleteRows,
  dependentsOf,
  detachPartition,
  insertArchiveRun,
  monthTicketCount,
  moveToArchive,
} from "./archive.store.ts";
import {
  attachedPartitions,
  boundLockWait,
  hotTicketMonths,
  monthPredicate,
  type Prepared,
  preparePartition,
  takePartitionLock,
  ticketPrefixes,
} from "./partitions.store.ts";

/** Partitions are made for this month and the next two, so a month never starts without its own. */
export const MONTHS_AHEAD = 2;

type Ctx = Pick<AppContext, "db" | "packs" | "clock" | "config">;

export interface PreparedPartitions {
  created: string[];
  /** Months whose events already sit in the default partition (see preparePartition). */
  inDefault: string[];
}

/**
 * Makes the coming months' event partitions for every line prefix of the loaded packs (and any prefix
 * that already has partitions), each in a short transaction of its own under the partition lock: a
 * process that finds the lock taken leaves the work to the one holding it.
 */
export async function preparePartitions(ctx: Ctx): Promise<PreparedPartitions> {
  const months = monthsToPrepare(ctx.clock.now(), MONTHS_AHEAD);
  const attached = await attachedPartitions(ctx.db);
  const existing = new Set(attached.map((p) => p.name));
  const prefixes = new Set([...ctx.packs.values()].map((p) => p.ticketPrefix));
  for (const p of attached) prefixes.add(p.prefix);
  const wanted = [...prefixes].sort().flatMap((prefix) => months.map((m): [string, Month] => [prefix, m]));
  const out: PreparedPartitions = { created: [], inDefault: [] };
  for (const [prefix, month] of wanted) {
    const name = eventPartitionName(prefix, month);
    if (existing.has(name)) continue;
    const result = await ctx.db
      .transaction()
      .execute(async (trx): Promise<Prepared | "busy"> => {
        if (!(await takePartitionLock(trx))) return "busy";
        await boundLockWait(trx);
        return preparePartition(trx, prefix, month, existing);
      })
      .catch((error: { code?: string }) => {
        // lock_not_available: the table was busy for a second; the next run makes it.
        if (error.code === "55P03") return "busy" as const;
        throw error;
      });
    if (result === "created") out.created.push(name);
    if (result === "default_has_rows") out.inDefault.push(name);
  }
  return out;
}

export interface ArchiveReport {
  month: Month;
  outcome: "archived" | "refused" | "nothing" | "dry_run";
  tickets: number;
  events: number;
  /** Rows moved per table (or, in a dry run, that would move). */
  moved: Record<string, number>;
  reasons: Blocker[];
}

/**
 * Moves one month out of the hot tables into the `archive` schema, or says why not. The month's tickets
 * of every line go together: their rows in every table that hangs off tickets are copied into
 * archive.<table> and deleted, children first; the tickets are copied into archive.tickets and deleted,
 * their events' key to them deferred; last, their event partitions are detached and moved into the schema
 * whole (a month whose events sit in the default partition moves them row by row). The detach locks
 * ticket_events until the commit, so it comes after every other move. Every run,
 * refused or not, is recorded in `archive_runs` and, when something moved, in the audit log.
 */
export async function archiveMonth(
  ctx: Ctx,
  month: Month,
  who: { actor: string; actorRole: string },
  options: { dryRun?: boolean } = {},
): Promise<ArchiveReport> {
  const startedAt = ctx.clock.now();
  const finish = async (report: ArchiveReport) => {
    await insertArchiveRun(ctx.db, {
      ...report,
      startedAt,
      finishedAt: ctx.clock.now(),
      actor: who.actor,
    });
    return report;
  };
  const empty = { tickets: 0, events: 0, moved: {} };
  if (!oldEnough(month, startedAt, ctx.config.archiveAfterMonths))
    return finish({ month, outcome: "refused", ...empty, reasons: [tooRecent()] });

  const report = await ctx.db
    .transaction()
    .execute(async (trx): Promise<ArchiveReport> => {
      if (!(await takePartitionLock(trx))) return { month, outcome: "refused", ...empty, reasons: [busy()] };
      const prefixes = await ticketPrefixes(trx, month);
      const tickets = await monthTicketCount(trx, prefixes, month);
      if (tickets === 0) return { month, outcome: "nothing", ...empty, reasons: [] };
      const reasons = blockers(await blockerCounts(trx, prefixes, month, FINISHED_STATUSES, DATA_KINDS));
      if (reasons.length) return { month, outcome: "refused", tickets, events: 0, moved: {}, reasons };

      const dependents = await dependentsOf(trx, prefixes, month);
      const ofMonth = monthPredicate("ticket_no", prefixes, month);
      const attached = new Set((await attachedPartitions(trx)).map((p) => p.name));
      const moved: Record<string, number> = {};
      const events = await countRows(trx, "ticket_events", ofMonth);
      if (options.dryRun) {
        for (const d of dependents) moved[d.table] = await countRows(trx, d.table, d.where);
        return { month, outcome: "dry_run", tickets, events, moved, reasons: [] };
      }

      await deferEventsKey(trx);
      for (const d of dependents) moved[d.table] = await copyToArchive(trx, d.table, d.table, d.where);
      for (const d of dependents) await deleteRows(trx, d.table, d.where);
      // A line's events go whole with their partition; without one (they arrived before it was made, or a
      // partition of that name was archived before) they are moved row by row from the default partition.
      const detach: string[] = [];
      for (const prefix of prefixes) {
        const name = eventPartitionName(prefix, month);
        if (attached.has(name) && !(await archiveTableExists(trx, name))) detach.push(name);
        else {
          const rows = monthPredicate("ticket_no", [prefix], month);
          await copyToArchive(trx, "ticket_events", name, rows);
          await deleteRows(trx, "ticket_events", rows);
        }
      }
      moved.ticket_events = events;
      moved.tickets = await copyToArchive(trx, "tickets", "tickets", ofMonth);
      await deleteRows(trx, "tickets", ofMonth);

      // From here to the commit every reader and writer of ticket_events waits: the detaches, the check of
      // the deferred key (no remaining event points at a deleted ticket) and the moves of the detached tables.
      await boundLockWait(trx);
      for (const name of detach) await detachPartition(trx, "ticket_events", name);
      await deferEventsKey(trx, true);
      for (const name of detach) await moveToArchive(trx, name);
      await recordAudit(
        trx,
        {
          actor: who.actor,
          actorRole: who.actorRole,
          action: "archive.month",
          target: month,
          data: { tickets, events, moved },
        },
        ctx.clock.now(),
      );
      return { month, outcome: "archived", tickets, events, moved, reasons: [] };
    })
    .catch(async (error: unknown) => {
      // Rolled back, nothing moved; the record says what stopped it (a lock wait, a row of another month).
      await insertArchiveRun(ctx.db, {
        month,
        startedAt,
        finishedAt: ctx.clock.now(),
        actor: who.actor,
        outcome: "failed",
        ...empty,
        reasons: [{ code: "FAILED", message: String(error) }],
      });
      throw error;
    });
  return finish(report);
}

/**
 * Once a Shanghai day (whichever process claims it), tries every month with hot tickets that is old
 * enough. A refused month is tried again the next day, its reasons recorded each time.
 */
export async function archiveDue(ctx: Ctx): Promise<ArchiveReport[]> {
  const now = ctx.clock.now();
  const due = (await hotTicketMonths(ctx.db)).filter((m) => oldEnough(m, now, ctx.config.archiveAfterMonths));
  if (!due.length || !(await claimArchiveDay(ctx.db, shanghaiDay(now)))) return [];
  const reports: ArchiveReport[] = [];
  for (const month of due)
    reports.push(await archiveMonth(ctx, month, { actor: "system", actorRole: "system" }));
  return reports;
}
