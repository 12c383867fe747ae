import { shanghaiDate } from "../../platform/clock.ts";
import { type Text, text } from "../../platform/errors.ts";

/**
 * Month partitions of ticket events, and when a month may leave the hot tables, pure.
 *
 * A month is a Shanghai calendar month ("2026-11"): ticket numbers carry the line prefix and the Shanghai
 * date of receipt, so the events are cut by ticket number, one partition per line and month, and every
 * event of a ticket sits in the partition of its ticket's month.
 */

export type Month = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PREFIX = /^[A-Z]{2}$/;

export const isMonth = (s: string): boolean => MONTH.test(s);
export const isPrefix = (s: string): boolean => PREFIX.test(s);

export function monthOf(at: Date): Month {
  const d = shanghaiDate(at);
  return `${d.year}-${String(d.month).padStart(2, "0")}`;
}

export function shanghaiDay(at: Date): string {
  const d = shanghaiDate(at);
  return `${monthOf(at)}-${String(d.day).padStart(2, "0")}`;
}

export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, "0")}`;
}

/** This month and the `ahead` next ones: the partitions that must exist before their first ticket. */
export const monthsToPrepare = (now: Date, ahead: number): Month[] =>
  Array.from({ length: ahead + 1 }, (_, i) => addMonths(monthOf(now), i));

const digits = (month: Month) => month.replace("-", "");
const suffix = (month: Month) => month.replace("-", "_");

/** The ticket numbers of one line's month: FD202611… up to, not including, FD202612…. */
export const ticketRange = (prefix: string, month: Month) => ({
  from: `${prefix}${digits(month)}`,
  to: `${prefix}${digits(addMonths(month, 1))}`,
});

export const eventPartitionName = (prefix: string, month: Month) =>
  `ticket_events_${prefix.toLowerCase()}_${suffix(month)}`;

/** The line and month a partition's name says it holds; null for the default partition and any other table. */
export function parsePartitionName(name: string): { prefix: string; month: Month } | null {
  const e = /^ticket_events_([a-z]{2})_(\d{4})_(\d{2})$/.exec(name);
  return e ? { prefix: e[1]!.toUpperCase(), month: `${e[2]}-${e[3]}` } : null;
}

/**
 * Whether a month is old enough to archive: it ended at least `afterMonths` months ago. With the default
 * of 24, the longest retention of the packs (ecommerce, 2 years), a month is never archived while the
 * service could still need it; the blockers below cover tickets that closed late or are held.
 */
export const oldEnough = (month: Month, now: Date, afterMonths: number): boolean =>
  addMonths(month, afterMonths + 1) <= monthOf(now);

/** The newest month old enough to archive at `now`. */
export const newestArchivable = (now: Date, afterMonths: number): Month =>
  addMonths(monthOf(now), -(afterMonths + 1));

export type BlockerCode =
  | "TOO_RECENT"
  | "OPEN_TICKETS"
  | "LEGAL_HOLD"
  | "BLACKLIST_HOLD"
  | "PERSONAL_DATA_KEPT"
  | "OPEN_REMEDIES"
  | "MERGED_FROM_HOT"
  | "ARCHIVE_BUSY";

/** How many of the month's tickets block it for one reason, and a few of their numbers to look at. */
export interface BlockerCount {
  code: BlockerCode;
  tickets: number;
  examples: string[];
}

export interface Blocker extends BlockerCount {
  message: Text;
}

const WHY: Record<BlockerCode, (n: number) => Text> = {
  TOO_RECENT: () =>
    text("该月份尚未超过归档期限（ARCHIVE_AFTER_MONTHS）", "The month is younger than ARCHIVE_AFTER_MONTHS"),
  OPEN_TICKETS: (n) => text(`${n} 张服务单尚未办结`, `${n} tickets are not closed`),
  LEGAL_HOLD: (n) =>
    text(`${n} 张服务单或其客户处于法律保全中`, `${n} tickets or their customers are under a legal hold`),
  BLACKLIST_HOLD: (n) =>
    text(
      `${n} 张服务单的客户在有效黑名单中`,
      `${n} tickets belong to customers on an active blacklist record`,
    ),
  PERSONAL_DATA_KEPT: (n) =>
    text(
      `${n} 张服务单的个人信息仍在保存期内（尚未匿名化）`,
      `${n} tickets still hold personal data within its retention (not yet anonymised by the retention run)`,
    ),
  OPEN_REMEDIES: (n) =>
    text(
      `${n} 张服务单有未完成的补偿、执行单或争议`,
      `${n} tickets have a payout, execution order or dispute still open`,
    ),
  MERGED_FROM_HOT: (n) =>
    text(
      `${n} 张较新的服务单合并到了该月的服务单`,
      `${n} newer tickets are merged into tickets of this month`,
    ),
  ARCHIVE_BUSY: () => text("另一个归档任务正在进行", "Another archive run is under way"),
};

/** The reasons a month stays in the hot tables, worded for the operator; empty when it may go. */
export const blockers = (counts: BlockerCount[]): Blocker[] =>
  counts.filter((c) => c.tickets > 0).map((c) => ({ ...c, message: WHY[c.code](c.tickets) }));

export const tooRecent = (): Blocker => ({
  code: "TOO_RECENT",
  tickets: 0,
  examples: [],
  message: WHY.TOO_RECENT(0),
});

export const busy = (): Blocker => ({
  code: "ARCHIVE_BUSY",
  tickets: 0,
  examples: [],
  message: WHY.ARCHIVE_BUSY(0),
});
