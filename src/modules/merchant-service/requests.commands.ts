import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, text, validationError } from "../../platform/errors.ts";
import { findOrder } from "../orders/orders.store.ts";
import type { Principal } from "../users/roles.ts";
import {
  AUTO_CLOSE_HOURS,
  afterFeedback,
  checkRequestMove,
  classifyRequest,
  complaintAcknowledgement,
  deadlinesOf,
  departmentFor,
  escalationDue,
  type Feedback,
  MOVE_MESSAGES,
  type RequestCategory,
  type RequestChannel,
  type RequestStatus,
} from "./requests.domain.ts";
import {
  appendRequestEvents,
  claimOverdueRequests,
  claimUnratedResolved,
  findRequest,
  insertRequest,
  lockRequest,
  type NewRequestEvent,
  type RequestRow,
  updateRequest,
} from "./requests.store.ts";

/**
 * A merchant request's steps, each one transaction with its events: filed by a merchant user, answered,
 * routed and resolved by the merchant-service team, rated or reopened by the merchant, escalated by its
 * deadlines.
 */
export const requestNotFound = () =>
  new AppError("NOT_FOUND", 404, text("商家工单不存在", "Merchant request not found"));

export interface NewRequest {
  subject: string;
  body: string;
  category?: RequestCategory;
  channel?: RequestChannel;
  orderNo?: string;
  occurredAt?: string;
  merchantId?: string;
}

export async function fileRequest(ctx: AppContext, p: Principal, r: NewRequest): Promise<RequestRow> {
  const merchantId = r.merchantId ?? p.merchantIds[0];
  const now = ctx.clock.now();
  const problems = [];
  if (!merchantId || !p.merchantIds.includes(merchantId))
    problems.push({
      field: "merchantId",
      code: "NOT_YOUR_MERCHANT",
      message: text("只能为自己的店铺提交工单", "You can file requests for your own merchants only"),
    });
  // Another merchant's order answers as unknown: the form must not reveal which numbers exist.
  if (r.orderNo && (await findOrder(ctx.db, r.orderNo))?.merchant_id !== merchantId)
    problems.push({
      field: "orderNo",
      code: "UNKNOWN_ORDER",
      message: text("找不到您店铺的这个订单", "No such order of your merchant"),
    });
  const occurredAt = r.occurredAt ? new Date(r.occurredAt) : null;
  if (occurredAt && occurredAt > now)
    problems.push({
      field: "occurredAt",
      code: "IN_FUTURE",
      message: text("发生时间不能晚于现在", "The time it happened cannot be in the future"),
    });
  const category = r.category ?? classifyRequest(r.subject, r.body);
  // A complaint is recorded with when it happened (003: order, time, problem); the order is optional.
  if (category === "platform_complaint" && !occurredAt)
    problems.push({
      field: "occurredAt",
      code: "REQUIRED_FOR_COMPLAINT",
      message: text("投诉请写明发生时间", "A complaint needs the time it happened"),
    });
  if (problems.length) throw validationError(problems);
  const channel = r.channel ?? "message";
  const due = deadlinesOf(channel, category, now);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertRequest(trx, {
      merchant_id: merchantId!,
      requester_id: p.kind === "user" ? p.id : null,
      requester_name: p.name,
      channel,
      category,
      category_source: r.category ? "merchant" : "rules",
      subject: r.subject,
      body: r.body,
      order_no: r.orderNo ?? null,
      occurred_at: occurredAt,
      department: null,
      status: "new",
      first_response_due_at: due.firstResponseDueAt,
      resolution_due_at: due.resolutionDueAt,
      created_at: now,
      updated_at: now,
    });
    const events: NewRequestEvent[] = [
      {
        type: "filed",
        actor: p.name,
        data: { category, channel, suggestedDepartment: departmentFor(category) },
      },
    ];
    if (category === "platform_complaint")
      events.push({
        type: "apology",
        actor: "system",
        data: { text: complaintAcknowledgement({ orderNo: row.order_no, occurredAt }) },
      });
    await appendRequestEvents(trx, row.request_no, now, events);
    return row;
  });
}

/** A merchant reads its own merchants' requests only; another's looks absent. */
export async function ownRequest(ctx: AppContext, p: Principal, requestNo: string): Promise<RequestRow> {
  const r = await findRequest(ctx.db, requestNo);
  if (!r || !p.merchantIds.includes(r.merchant_id)) throw requestNotFound();
  return r;
}

export async function staffRequest(ctx: AppContext, requestNo: string): Promise<RequestRow> {
  const r = await findRequest(ctx.db, requestNo);
  if (!r) throw requestNotFound();
  return r;
}

/** One locked step; `own` limits a merchant to its requests, staff pass null. */
async function step(
  ctx: AppContext,
  requestNo: string,
  own: Principal | null,
  change: (
    r: RequestRow,
    now: Date,
  ) => { patch: Parameters<typeof updateRequest>[2]; events: NewRequestEvent[] },
): Promise<RequestRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const r = await lockRequest(trx, requestNo);
    if (!r || (own && !own.merchantIds.includes(r.merchant_id))) throw requestNotFound();
    const now = ctx.clock.now();
    const { patch, events } = change(r, now);
    const after = await updateRequest(trx, requestNo, { ...patch, updated_at: now });
    await appendRequestEvents(trx, requestNo, now, events);
    return after;
  });
}

const illegal = (code: keyof typeof MOVE_MESSAGES) =>
  code === "ILLEGAL_TRANSITION" || code === "NOT_RESOLVED"
    ? conflict(code === "NOT_RESOLVED" ? "NOT_RESOLVED" : "ILLEGAL_TRANSITION", MOVE_MESSAGES[code])
    : validationError([
        { field: code === "RESULT_REQUIRED" ? "note" : "reason", code, message: MOVE_MESSAGES[code] },
      ]);

export const takeRequest = (ctx: AppContext, p: Principal, requestNo: string) =>
  step(ctx, requestNo, null, (r) => {
    if (r.status === "closed") throw illegal("ILLEGAL_TRANSITION");
    const status: RequestStatus =
      r.status === "new" || r.status === "reopened" ? "in_progress" : (r.status as RequestStatus);
    return {
      patch: { assignee_id: p.kind === "user" ? p.id : null, assignee_name: p.name, status },
      events: [{ type: "taken", actor: p.name, data: { from: r.status, to: status } }],
    };
  });

/**
 * A message on the request. The team's first visible answer is the first response; it takes a new request
 * into work. The merchant's answer brings a request that waited for it back to the team.
 */
export const postMessage = (
  ctx: AppContext,
  p: Principal,
  requestNo: string,
  m: { body: string; internal?: boolean },
  side: "merchant" | "staff",
) =>
  step(ctx, requestNo, side === "merchant" ? p : null, (r, now) => {
    if (r.status === "closed")
      throw conflict(
        "REQUEST_CLOSED",
        text("工单已关闭，请提交新工单", "The request is closed; file a new one"),
      );
    const internal = side === "staff" && (m.internal ?? false);
    const visibleAnswer = side === "staff" && !internal;
    let status = r.status as RequestStatus;
    if (visibleAnswer && (status === "new" || status === "reopened")) status = "in_progress";
    if (side === "merchant" && status === "awaiting_merchant") status = "in_progress";
    return {
      patch: {
        status,
        ...(visibleAnswer && !r.first_responded_at ? { first_responded_at: now } : {}),
        ...(visibleAnswer && !r.assignee_id && p.kind === "user"
          ? { assignee_id: p.id, assignee_name: p.name }
          : {}),
      },
      events: [
        { type: "message", actor: p.name, internal, data: { body: m.body, from: side } },
        ...(status !== r.status
          ? [{ type: "status", actor: p.name, data: { from: r.status, to: status } }]
          : []),
      ],
    };
  });

export const routeRequest = (
  ctx: AppContext,
  p: Principal,
  requestNo: string,
  to: { department: string; note?: string },
) =>
  step(ctx, requestNo, null, (r) => {
    if (r.status === "closed" || r.status === "resolved") throw illegal("ILLEGAL_TRANSITION");
    return {
      patch: { department: to.department, ...(r.status === "new" ? { status: "in_progress" } : {}) },
      events: [{ type: "routed", actor: p.name, data: { department: to.department, note: to.note ?? null } }],
    };
  });

export const moveRequest = (
  ctx: AppContext,
  p: Principal,
  requestNo: string,
  move: { to: RequestStatus; note?: string },
) =>
  step(ctx, requestNo, null, (r, now) => {
    const problem = checkRequestMove(r.status as RequestStatus, move.to, move.note);
    if (problem) throw illegal(problem);
    const resolving = move.to === "resolved";
    return {
      patch: {
        status: move.to,
        ...(resolving ? { resolved_at: now } : {}),
        // A resolution is also an answer: a request settled on the first reply has been responded to.
        ...(resolving && !r.first_responded_at ? { first_responded_at: now } : {}),
        ...(!r.assignee_id && p.kind === "user" ? { assignee_id: p.id, assignee_name: p.name } : {}),
      },
      events: [
        { type: "status", actor: p.name, data: { from: r.status, to: move.to, note: move.note ?? null } },
        ...(resolving ? [{ type: "result", actor: p.name, data: { text: move.note } }] : []),
      ],
    };
  });

export const giveFeedback = (ctx: AppContext, p: Principal, requestNo: string, f: Feedback) =>
  step(ctx, requestNo, p, (r, now) => {
    const next = afterFeedback(
      { status: r.status as RequestStatus, category: r.category as RequestCategory },
      f,
      now,
    );
    if (!next) throw illegal("NOT_RESOLVED");
    if (next.status === "closed")
      return {
        patch: { status: "closed", closed_at: now, satisfaction: f.satisfied ? f.rating : null },
        events: [
          {
            type: "feedback",
            actor: p.name,
            data: {
              satisfied: true,
              rating: f.satisfied ? f.rating : null,
              comment: f.satisfied ? (f.comment ?? null) : null,
            },
          },
        ],
      };
    return {
      patch: {
        status: "reopened",
        resolved_at: null,
        resolution_due_at: next.resolutionDueAt!,
        reopen_count: r.reopen_count + 1,
        // A fresh promise may break again: the manager hears of it as of the first time.
        escalation_level: Math.min(r.escalation_level, 1),
      },
      events: [
        {
          type: "feedback",
          actor: p.name,
          data: { satisfied: false, reason: f.satisfied ? null : f.reason },
        },
      ],
    };
  });

/** The deadline job: late first answers go to a supervisor, broken resolution promises to the manager. */
export async function escalateOverdueRequests(ctx: AppContext, now: Date, limit = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await claimOverdueRequests(trx, now, limit);
    for (const r of due) {
      const e = escalationDue(
        {
          status: r.status as RequestStatus,
          escalationLevel: r.escalation_level,
          firstRespondedAt: r.first_responded_at,
          resolvedAt: r.resolved_at,
          firstResponseDueAt: r.first_response_due_at,
          resolutionDueAt: r.resolution_due_at,
        },
        now,
      );
      if (!e) continue;
      await updateRequest(trx, r.request_no, { escalation_level: e.level, updated_at: now });
      await appendRequestEvents(trx, r.request_no, now, [
        { type: "escalated", actor: "system", internal: true, data: { level: e.level, clock: e.clock } },
      ]);
    }
    return due.length;
  });
}

export async function closeUnratedRequests(ctx: AppContext, now: Date, limit = 100): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = new Date(now.getTime() - AUTO_CLOSE_HOURS * 3600_000);
    const due = await claimUnratedResolved(trx, before, limit);
    for (const r of due) {
      await updateRequest(trx, r.request_no, { status: "closed", closed_at: now, updated_at: now });
      await appendRequestEvents(trx, r.request_no, now, [
        { type: "status", actor: "system", data: { from: "resolved", to: "closed", note: "auto_close" } },
      ]);
    }
    return due.length;
  });
}
