import type { Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text } from "../../platform/errors.ts";
import type { BusinessLine, Severity } from "../../policy-packs/schema.ts";
import { afterStatusChange } from "../follow-up/follow-up.commands.ts";
import { afterMerchantStatus } from "../merchant-service/verification.commands.ts";
import type { BusinessCalendar } from "../sla/calendar.domain.ts";
import { calendarOf } from "../sla/calendar.store.ts";
import { syncTicketClocks } from "../sla/sla.commands.ts";
import type { SlaTrigger } from "../sla/sla.domain.ts";
import { subTypeOf } from "../triage/triage.domain.ts";
import { canSeeTicket, type Principal } from "../users/roles.ts";
import { findUserByUsername } from "../users/users.store.ts";
import {
  checkMerge,
  checkTicketMove,
  isStatus,
  priorityOf,
  type Status,
  statusAfterTake,
} from "./tickets.domain.ts";
import {
  type Actor,
  appendEvent,
  changeTicket,
  lockTicket,
  replyByOtherSince,
  type TicketRow,
} from "./tickets.store.ts";

/**
 * The staff's operations on a ticket, each one transaction: lock the row, ask the domain, write the
 * change and its event together. Routes call these; nothing else writes tickets after intake.
 */
const notFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));

export const actorOf = (p: Principal): Actor => ({ id: p.id, name: p.name, role: p.role });

async function withTicket<T>(
  ctx: AppContext,
  principal: Principal,
  ticketNo: string,
  work: (
    t: TicketRow,
    trx: Transaction<Database>,
    now: Date,
    sla: SlaTrigger,
    calendar: BusinessCalendar,
  ) => Promise<T>,
): Promise<T> {
  let changed: TicketRow | undefined;
  // Before the transaction: on PGlite a first read of the calendar inside it would wait for it.
  const calendar = await calendarOf(ctx.db);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const ticket = await lockTicket(trx, ticketNo);
    // Out of scope looks the same as absent: a merchant learns nothing of other merchants' tickets.
    if (!ticket || !canSeeTicket(principal, ticket)) throw notFound();
    changed = ticket;
    const now = ctx.clock.now();
    // The SLA clocks follow what the command did: a new status, a reply the customer reads, new facts.
    const sla: SlaTrigger = { fromStatus: ticket.status };
    const out = await work(ticket, trx, now, sla, calendar);
    await syncTicketClocks(trx, ctx.packs, calendar, ticketNo, sla, now);
    return out;
  });
  if (changed) publishChange(ctx, changed);
  return result;
}

/** After the commit, never before: a listener that re-reads must find the change. */
const publishChange = (ctx: AppContext, t: TicketRow) =>
  ctx.live.publish({
    ticketNo: t.ticket_no,
    type: "changed",
    merchantId: t.merchant_id,
    riderId: t.rider_id,
  });

const statusOf = (t: TicketRow): Status => (isStatus(t.status) ? t.status : "new");

export async function takeTicket(ctx: AppContext, p: Principal, ticketNo: string): Promise<void> {
  // The customer's timeline names the agent as the console does (客服小王), never by a login name. Read
  // before the transaction: on PGlite a read on ctx.db inside it would wait for it.
  const me = await findUserByUsername(ctx.db, p.name);
  await withTicket(ctx, p, ticketNo, async (t, trx, now) => {
    if (
      ![
        "new",
        "reopened",
        "in_progress",
        "awaiting_customer",
        "awaiting_merchant",
        "awaiting_execution",
        "needs_info",
      ].includes(t.status)
    )
      throw conflict("TICKET_NOT_OPEN", text("服务单已结束，无法领取", "The ticket is no longer open"));
    if (t.assignee_id === p.id) return;
    const to = statusAfterTake(statusOf(t));
    await changeTicket(
      trx,
      ticketNo,
      { assignee_id: p.id, status: to },
      actorOf(p),
      {
        type: "assigned",
        visibility: "customer",
        data: { assignee: p.name, assigneeName: me?.display_name ?? p.name, from: t.status, to },
      },
      now,
    );
  });
}

/** The agent a ticket may be assigned to, or a 400 naming `username`. */
async function assigneeNamed(ctx: AppContext, username: string) {
  const user = await findUserByUsername(ctx.db, username);
  if (!user || !["agent", "supervisor", "manager", "admin"].includes(user.role))
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      text("指派对象必须是客服人员", "The assignee must be a service agent"),
      [
        {
          field: "username",
          code: "NOT_AN_AGENT",
          message: text("该用户不存在或不是客服人员", "no such agent"),
        },
      ],
    );
  return user;
}

type Assignee = Awaited<ReturnType<typeof assigneeNamed>>;

async function assignTo(ctx: AppContext, p: Principal, ticketNo: string, user: Assignee): Promise<void> {
  await withTicket(ctx, p, ticketNo, async (t, trx, now) => {
    if (["resolved", "closed", "not_applicable"].includes(t.status))
      throw conflict("TICKET_NOT_OPEN", text("服务单已结束，无法指派", "The ticket is no longer open"));
    const to = statusAfterTake(statusOf(t));
    await changeTicket(
      trx,
      ticketNo,
      { assignee_id: user.id, status: to },
      actorOf(p),
      {
        type: "assigned",
        visibility: "customer",
        data: { assignee: user.username, assigneeName: user.display_name, by: p.name, from: t.status, to },
      },
      now,
    );
  });
}

export async function assignTicket(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  username: string,
): Promise<void> {
  await assignTo(ctx, p, ticketNo, await assigneeNamed(ctx, username));
}

export type AssignmentResult =
  | { ticketNo: string; ok: true }
  | { ticketNo: string; ok: false; error: AppError };

/**
 * Many tickets to one agent, as a supervisor hands an absent agent's queue to a colleague. Each ticket is
 * assigned in its own transaction, as by hand: a ticket closed or merged meanwhile, or not there, is
 * answered for itself and does not hold the others back. A failure that is not the ticket's (the
 * database gone) stops the run; the tickets assigned before it stay assigned.
 */
export async function assignTickets(
  ctx: AppContext,
  p: Principal,
  ticketNos: readonly string[],
  username: string,
): Promise<AssignmentResult[]> {
  const user = await assigneeNamed(ctx, username);
  const results: AssignmentResult[] = [];
  for (const ticketNo of ticketNos) {
    try {
      await assignTo(ctx, p, ticketNo, user);
      results.push({ ticketNo, ok: true });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      results.push({ ticketNo, ok: false, error });
    }
  }
  return results;
}

export async function replyToTicket(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  body: string,
  visibility: "customer" | "internal",
  /** When the agent began writing: a colleague's reply after it is shown before this one is sent. */
  writingSince?: Date,
): Promise<void> {
  await withTicket(ctx, p, ticketNo, async (t, trx, now, sla) => {
    if (t.status === "closed" && visibility === "customer")
      throw conflict(
        "TICKET_CLOSED",
        text("服务单已关闭，请先重新打开", "The ticket is closed; reopen it first"),
      );
    // Two agents answering one customer at once promise two things; the ticket is locked here, so of two
    // replies sent together the second one sees the first.
    const meanwhile =
      visibility === "customer" && writingSince
        ? await replyByOtherSince(trx, ticketNo, actorOf(p).name, writingSince)
        : undefined;
    if (meanwhile)
      throw new AppError(
        "REPLIED_MEANWHILE",
        409,
        text(
          `${meanwhile.actor} 在您撰写期间已回复客户：“${meanwhile.body}”。确认后可仍然发送。`,
          `${meanwhile.actor} replied to the customer while you were writing: "${meanwhile.body}". Confirm to send yours anyway.`,
        ),
      );
    // A reply the customer can read is our first response; an internal note is not.
    sla.customerReply = visibility === "customer";
    if (visibility === "customer" && !t.first_responded_at)
      await changeTicket(
        trx,
        ticketNo,
        { first_responded_at: now },
        actorOf(p),
        {
          type: "first_response",
          visibility: "internal",
          data: { dueAt: t.first_response_due_at.toISOString(), late: now > t.first_response_due_at },
        },
        now,
      );
    await appendEvent(
      trx,
      ticketNo,
      actorOf(p),
      { type: visibility === "customer" ? "reply" : "note", visibility, data: { body } },
      now,
    );
  });
}

export async function transitionTicket(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  to: Status,
  reason: string | undefined,
): Promise<void> {
  await withTicket(ctx, p, ticketNo, async (t, trx, now, _sla, calendar) => {
    const from = statusOf(t);
    const problem = checkTicketMove({ status: from, mergedInto: t.merged_into }, to, reason);
    if (problem === "MERGED")
      throw conflict(
        "TICKET_MERGED",
        text(
          `此服务单已合并到 ${t.merged_into}，请在该服务单上继续处理`,
          `This ticket was merged into ${t.merged_into}; carry on there`,
        ),
      );
    if (problem === "ILLEGAL_TRANSITION")
      throw new AppError(
        "ILLEGAL_TRANSITION",
        409,
        text(`不能从“${from}”变更为“${to}”`, `Cannot move from ${from} to ${to}`),
        [
          {
            field: "to",
            code: "ILLEGAL_TRANSITION",
            message: text(`当前状态 ${from} 不允许变更为 ${to}`, `${from} → ${to} is not allowed`),
          },
        ],
      );
    if (problem === "REASON_REQUIRED")
      throw new AppError(
        "VALIDATION_FAILED",
        400,
        text("此状态变更需要填写原因", "This change needs a reason"),
        [
          {
            field: "reason",
            code: "REQUIRED",
            message: text("请填写原因，客户会看到", "give a reason; the customer will see it"),
          },
        ],
      );
    const patch: Partial<TicketRow> = { status: to };
    if (to === "resolved") patch.resolved_at = now;
    if (to === "closed") patch.closed_at = now;
    if (to === "reopened") {
      patch.resolved_at = null;
      patch.closed_at = null;
    }
    await changeTicket(
      trx,
      ticketNo,
      patch,
      actorOf(p),
      { type: "status_changed", visibility: "customer", data: { from, to, ...(reason ? { reason } : {}) } },
      now,
    );
    // Resolving schedules the survey, the return visit and the quiet-period close; reopening cancels them.
    await afterStatusChange(trx, ctx, { ...t, ...patch } as TicketRow, to, now);
    // Sent to the merchant: its verification deadline starts; taken back: the pending one is withdrawn.
    await afterMerchantStatus(trx, ctx, calendar, t, from, to, actorOf(p), now);
  });
}

export async function reclassifyTicket(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  change: {
    category?: string;
    subType?: string | null;
    severity?: Severity;
    urgent?: boolean;
    reason: string;
  },
): Promise<void> {
  await withTicket(ctx, p, ticketNo, async (t, trx, now, sla) => {
    const pack = ctx.packs.get(t.business_line as BusinessLine)!;
    const category = pack.categories.find((c) => c.code === (change.category ?? t.category));
    const details = [];
    if (!category)
      details.push({
        field: "category",
        code: "UNKNOWN_CATEGORY",
        message: text(
          "问题类型不属于该业务线",
          `category must be one of ${pack.categories.map((c) => c.code).join(", ")}`,
        ),
      });
    let subType = change.subType === undefined ? (change.category ? null : t.sub_type) : change.subType;
    if (category && subType && !category.subTypes.some((s) => s.code === subType))
      details.push({
        field: "subType",
        code: "UNKNOWN_SUB_TYPE",
        message: text("问题子类型不属于该问题类型", "subType does not belong to the category"),
      });
    if (details.length)
      throw new AppError("VALIDATION_FAILED", 400, text("请求内容有误", "Some fields are invalid"), details);
    if (category && !subType) subType = subTypeOf(pack, category, t.description)?.code ?? null;
    const severity = change.severity ?? (t.severity as Severity);
    const urgent = change.urgent ?? t.urgent;
    // New facts, new promises: the clocks measure the time already used against the new targets.
    sla.reclassified = true;
    const queue =
      change.category && change.category !== t.category && t.queue !== "supervisor"
        ? category!.queue
        : t.queue;
    await changeTicket(
      trx,
      ticketNo,
      {
        category: category!.code,
        sub_type: subType,
        category_source: "staff",
        severity,
        urgent,
        priority: priorityOf(severity, urgent),
        queue,
      },
      actorOf(p),
      {
        type: "reclassified",
        visibility: "internal",
        data: {
          from: { category: t.category, subType: t.sub_type, severity: t.severity, urgent: t.urgent },
          to: { category: category!.code, subType, severity, urgent },
          reason: change.reason,
        },
      },
      now,
    );
  });
}

export async function mergeTicket(
  ctx: AppContext,
  p: Principal,
  ticketNo: string,
  into: string,
  reason: string | undefined,
): Promise<void> {
  const calendar = await calendarOf(ctx.db);
  const pair = await ctx.db.transaction().execute(async (trx) => {
    // Lock both in a fixed order so two merges of the same pair cannot deadlock.
    const [first, second] = [ticketNo, into].sort();
    const a = await lockTicket(trx, first!);
    const b = await lockTicket(trx, second!);
    // By number, not by position: when one of the two does not exist, the other must not stand in for it
    // (a merge "into" a number that is no ticket once picked the source itself as its target).
    const source = [a, b].find((t) => t?.ticket_no === ticketNo);
    const target = [a, b].find((t) => t?.ticket_no === into);
    if (!source || !canSeeTicket(p, source)) throw notFound();
    if (!target || !canSeeTicket(p, target))
      throw new AppError("VALIDATION_FAILED", 400, text("目标服务单不存在", "Target ticket not found"), [
        { field: "into", code: "NOT_FOUND", message: text("目标服务单不存在", "no such ticket") },
      ]);
    const problem = checkMerge(
      { ticketNo, status: statusOf(source), orderNo: source.order_no, customerPhone: source.customer_phone },
      { ticketNo: into, status: statusOf(target), customerPhone: target.customer_phone },
    );
    if (problem)
      throw conflict(
        `MERGE_${problem}`,
        text("无法合并这两张服务单", `Cannot merge: ${problem.toLowerCase().replace(/_/g, " ")}`),
      );
    const now = ctx.clock.now();
    await changeTicket(
      trx,
      ticketNo,
      { status: "closed", closed_at: now, merged_into: into },
      actorOf(p),
      {
        type: "merged_into",
        visibility: "customer",
        data: { into, from: source.status, ...(reason ? { reason } : {}) },
      },
      now,
    );
    await syncTicketClocks(trx, ctx.packs, calendar, ticketNo, { fromStatus: source.status }, now);
    await appendEvent(
      trx,
      into,
      actorOf(p),
      {
        type: "merged_from",
        visibility: "internal",
        data: { from: ticketNo, ...(reason ? { reason } : {}) },
      },
      now,
    );
    return [source, target];
  });
  for (const t of pair) publishChange(ctx, t);
}
