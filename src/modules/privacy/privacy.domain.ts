import { shanghaiDate } from "../../platform/clock.ts";
import { type ErrorDetail, text } from "../../platform/errors.ts";

/**
 * Personal data protection rules (PIPL), pure. What is kept how long after a ticket closes, when the daily
 * retention run is due, and what stops a customer's erasure request.
 */

/** The kinds of personal data the retention job erases, each with its own retention. */
export const DATA_KINDS = ["ticket_personal", "attachments", "message_bodies", "call_recordings"] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const DATA_KIND_TEXT: Record<DataKind, string> = {
  ticket_personal: "the ticket's phone, name, description and details (address)",
  attachments: "photos and videos the customer uploaded",
  message_bodies: "reply, chat and e-mail bodies",
  call_recordings: "the hotline call's caller number and recording link",
};

/** What replaces erased free text, so a reader sees that something was there. */
export const REDACTED = "[已匿名 redacted]";

/** The Beijing hour after which the day's retention run starts: the quiet hours of a service desk. */
export const RETENTION_RUN_HOUR = 3;

/** The same instant `months` calendar months earlier (day clamped to the shorter month's end). */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export interface RetentionRule {
  dataKind: DataKind;
  businessLine: string;
  months: number;
  /** "pack": the business line's policy pack; "override": an admin's rule for the kind. */
  source: "pack" | "override";
  /** Tickets closed before this instant have this kind erased. */
  closedBefore: Date;
}

/**
 * Each data kind keeps the pack's retention of its business line unless an admin set a months figure for
 * the kind, which then applies to every line: the packs carry the law's per-line figures, the override is
 * for a kind the company must keep shorter or longer (e.g. recordings).
 */
export function retentionRules(
  packMonths: { businessLine: string; months: number }[],
  overrides: Partial<Record<DataKind, number>>,
  now: Date,
): RetentionRule[] {
  return DATA_KINDS.flatMap((dataKind) =>
    packMonths.map(({ businessLine, months: packMonthsOfLine }) => {
      const override = overrides[dataKind];
      const months = override ?? packMonthsOfLine;
      return {
        dataKind,
        businessLine,
        months,
        source: override === undefined ? ("pack" as const) : ("override" as const),
        closedBefore: monthsBefore(now, months),
      };
    }),
  );
}

/** The Beijing day whose run is due at `now`, or null before the run hour. */
export function retentionDayDue(now: Date): string | null {
  const d = shanghaiDate(now);
  if (d.hour < RETENTION_RUN_HOUR) return null;
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

export interface ErasureObstacles {
  legalHolds: { reason: string; ticketNo: string | null }[];
  openTickets: string[];
  openRemedies: string[];
  openMediations: string[];
}

/** Why a customer's data cannot be erased now; empty when it can. */
export function erasureBlockers(o: ErasureObstacles): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const hold of o.legalHolds)
    out.push({
      field: hold.ticketNo ? `tickets.${hold.ticketNo}` : "phone",
      code: "LEGAL_HOLD",
      message: text(`数据处于法律保全中：${hold.reason}`, `The data is under a legal hold: ${hold.reason}`),
    });
  for (const ticketNo of o.openTickets)
    out.push({
      field: `tickets.${ticketNo}`,
      code: "OPEN_TICKET",
      message: text(
        `服务单 ${ticketNo} 尚未办结，办结后才能删除`,
        `Ticket ${ticketNo} is still open; erasure is possible once it is closed`,
      ),
    });
  for (const ticketNo of o.openRemedies)
    out.push({
      field: `tickets.${ticketNo}`,
      code: "OPEN_REMEDY",
      message: text(
        `服务单 ${ticketNo} 的补偿尚未执行完毕`,
        `A remedy of ticket ${ticketNo} is still being carried out`,
      ),
    });
  for (const ticketNo of o.openMediations)
    out.push({
      field: `tickets.${ticketNo}`,
      code: "OPEN_DISPUTE",
      message: text(`服务单 ${ticketNo} 有未结的争议调解`, `Ticket ${ticketNo} has an open dispute`),
    });
  return out;
}

/** Ticket statuses after which the retention clock runs. */
export const FINISHED_STATUSES = ["closed", "not_applicable"] as const;
