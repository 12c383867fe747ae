import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, type Text, text } from "../../platform/errors.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import {
  type Actor,
  appendEvent,
  changeTicket,
  lockTicket,
  type TicketRow,
} from "../tickets/tickets.store.ts";
import {
  followUpSchedule,
  followUpSettings,
  handlingMinutes,
  returnVisitReason,
} from "./follow-up.domain.ts";
import { cancelPending, countOtherTickets, insertFollowUps } from "./follow-up.store.ts";

/**
 * How follow-up moves a ticket: a resolution schedules the survey, the return visit and the quiet-period
 * close; the customer's confirmation (or the quiet period) closes it with its handling time; an unhappy
 * answer or a problem that came back reopens it to the supervisors as a second round (二次处理).
 */
export const SYSTEM: Actor = { id: null, name: "system", role: "system" };
export const CUSTOMER: Actor = { id: null, name: "customer", role: "customer" };

const DAY = 86_400_000;

export const packOf = (ctx: AppContext, t: TicketRow): PolicyPack | undefined =>
  ctx.packs.get(t.business_line as BusinessLine);

/**
 * One ticket's change in one transaction under its lock, like the staff commands: the calendar is read
 * before (PGlite), consoles and progress pages hear of it after the commit.
 */
export async function withLockedTicket<T>(
  ctx: AppContext,
  ticketNo: string,
  work: (t: TicketRow, trx: Transaction<Database>, now: Date, calendar: BusinessCalendar) => Promise<T>,
): Promise<T> {
  const calendar = await calendarOf(ctx.db);
  let touched: TicketRow | undefined;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const t = await lockTicket(trx, ticketNo);
    if (!t) throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
    touched = t;
    return work(t, trx, ctx.clock.now(), calendar);
  });
  if (touched)
    ctx.live.publish({
      ticketNo: touched.ticket_no,
      type: "changed",
      merchantId: touched.merchant_id,
      riderId: touched.rider_id,
    });
  return result;
}

/**
 * Called in the transaction of every status change a staff member makes: a resolution sets follow-up in
 * motion, a reopening cancels what was pending. `t` is the ticket as it is after the change.
 */
export async function afterStatusChange(
  trx: Transaction<Database>,
  ctx: AppContext,
  t: TicketRow,
  to: string,
  now: Date,
): Promise<void> {
  if (to === "reopened") await cancelPending(trx, t.ticket_no, now);
  if (to !== "resolved") return;
  const pack = packOf(ctx, t);
  if (!pack) return;
  const settings = followUpSettings(pack);
  const window = pack.thresholds.repeatComplainant.windowDays;
  const since = new Date(t.created_at.getTime() - window * DAY);
  const others = await countOtherTickets(trx, t.customer_phone, t.ticket_no, since);
  const visit = returnVisitReason(
    {
      ticketNo: t.ticket_no,
      severity: t.severity,
      urgent: t.urgent,
      escalationLevel: t.escalation_level,
      secondRounds: t.second_rounds,
      otherTicketsOfCustomer: others,
    },
    settings.samplePercent,
  );
  await insertFollowUps(trx, t.ticket_no, now, followUpSchedule(settings, now, visit));
}

export type ClosedBy = "customer" | "survey" | "quiet_period";

const CLOSE_WORDS: Record<ClosedBy, Text> = {
  customer: text("您已确认问题解决", "you confirmed the problem is solved"),
  survey: text("您在评价中确认问题已解决", "you confirmed in the survey that it is solved"),
  quiet_period: text("解决后无进一步反馈，自动关闭", "closed automatically after a quiet period"),
};

/** Closes a resolved ticket, recording its handling time on the ticket and on the event. */
export async function closeResolved(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  by: ClosedBy,
  actor: Actor,
  now: Date,
): Promise<number> {
  const minutes = handlingMinutes(t.created_at, t.resolved_at ?? now);
  const reason = CLOSE_WORDS[by];
  await changeTicket(
    trx,
    t.ticket_no,
    { status: "closed", closed_at: now, handling_minutes: minutes },
    actor,
    {
      type: "status_changed",
      visibility: "customer",
      data: {
        from: t.status,
        to: "closed",
        reason: reason["zh-CN"],
        reasonEn: reason.en,
        closedBy: by,
        handlingMinutes: minutes,
      },
    },
    now,
  );
  await syncTicketClocks(trx, ctx.packs, calendar, t.ticket_no, { fromStatus: t.status }, now);
  return minutes;
}

export interface SecondRound {
  source: "survey" | "return_visit";
  /** The customer's words, as they said them (or as the agent noted them on the call). */
  words: string | null;
  data: Record<string, unknown>;
}

/**
 * A second round: the resolved or closed ticket is reopened to the supervisors' queue, unassigned, with
 * the customer's words on a `second_round` event; the ticket counts it. A ticket already back in
 * handling only records what the customer said.
 */
export async function reopenForSecondRound(
  trx: Transaction<Database>,
  ctx: AppContext,
  calendar: BusinessCalendar,
  t: TicketRow,
  round: SecondRound,
  actor: Actor,
  now: Date,
): Promise<boolean> {
  const reopen = ["resolved", "closed"].includes(t.status) && !t.merged_into;
  const event = {
    type: "second_round",
    visibility: "internal" as const,
    data: { source: round.source, words: round.words, reopened: reopen, ...round.data },
  };
  if (!reopen) {
    await appendEvent(trx, t.ticket_no, actor, event, now);
    return false;
  }
  const reason =
    round.source === "survey"
      ? text(
          "根据您的评价，已转主管二次处理",
          "reopened for a second look by a supervisor, after your rating",
        )
      : text(
          "回访中您反馈问题仍未解决，已转主管二次处理",
          "reopened for a supervisor after our follow-up call",
        );
  await changeTicket(
    trx,
    t.ticket_no,
    {
      status: "reopened",
      resolved_at: null,
      closed_at: null,
      handling_minutes: null,
      queue: "supervisor",
      escalation_level: Math.max(t.escalation_level, 1),
      assignee_id: null,
      second_rounds: t.second_rounds + 1,
    },
    actor,
    {
      type: "status_changed",
      visibility: "customer",
      data: { from: t.status, to: "reopened", reason: reason["zh-CN"], reasonEn: reason.en },
    },
    now,
  );
  await appendEvent(trx, t.ticket_no, actor, event, now);
  await cancelPending(trx, t.ticket_no, now);
  await syncTicketClocks(trx, ctx.packs, calendar, t.ticket_no, { fromStatus: t.status }, now);
  return true;
}

/** The customer confirms on the progress page (ticket number + phone) that the problem is solved. */
export async function confirmByCustomer(
  ctx: AppContext,
  ticketNo: string,
  phone: string,
): Promise<{ status: string; handlingMinutes: number }> {
  const notFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
  return withLockedTicket(ctx, ticketNo, async (t, trx, now, calendar) => {
    // A wrong phone answers like an unknown ticket, as on the progress page.
    if (t.customer_phone !== normalisePhone(phone)) throw notFound();
    if (t.status === "closed" && t.handling_minutes !== null)
      return { status: t.status, handlingMinutes: t.handling_minutes };
    if (t.status !== "resolved")
      throw conflict(
        "TICKET_NOT_RESOLVED",
        text("服务单尚未处理完成，暂不能确认", "The ticket is not resolved yet, so it cannot be confirmed"),
      );
    const minutes = await closeResolved(trx, ctx, calendar, t, "customer", CUSTOMER, now);
    return { status: "closed", handlingMinutes: minutes };
  });
}
