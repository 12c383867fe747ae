import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, type Locale, text } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { DEPARTMENTS, type Department } from "../../policy-packs/schema.ts";
import { need, principalOf } from "../users/auth.ts";
import { ticketScope } from "../users/roles.ts";
import { canWorkOrder, moveExecutionOrder } from "./execution.commands.ts";
import {
  ACTION_WORDS,
  departmentsOf,
  EXECUTION_ACTIONS,
  EXECUTION_STATUSES,
  type ExecutionStatus,
} from "./execution.domain.ts";
import { type ExecutionOrderRow, findExecutionOrder, listBoard } from "./execution.store.ts";

/**
 * The execution-order board (执行单): each department sees and completes its own orders — merchants
 * theirs, riders theirs, warehouse and finance their departments'; supervisors and managers see all.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const OrderParams = T.Object({ orderId: T.String({ pattern: "^[A-Z]{2}\\d{8,}-R\\d+-X\\d+$" }) });

const OrderSchema = T.Object({
  id: T.String(),
  ticketNo: T.String(),
  remedyId: T.String(),
  step: T.Integer(),
  action: lit(EXECUTION_ACTIONS),
  actionText: T.String(),
  department: lit(DEPARTMENTS),
  merchantId: T.String(),
  riderId: nullable(T.String()),
  itemIndexes: T.Array(T.Integer()),
  status: lit(EXECUTION_STATUSES),
  blockedBy: nullable(T.String()),
  deadline: T.Object({ hours: T.Optional(T.Integer()), businessDays: T.Optional(T.Integer()) }),
  dueAt: nullable(T.String({ description: "null while the order waits for the one it is blocked by" })),
  overdue: T.Boolean(),
  overdueAt: nullable(T.String()),
  owner: nullable(T.Object({ id: nullable(T.String()), name: T.String() })),
  note: nullable(T.String()),
  failureReason: nullable(T.String()),
  createdAt: T.String(),
  startedAt: nullable(T.String()),
  finishedAt: nullable(T.String()),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function executionOrderView(o: ExecutionOrderRow, locale: Locale, now: Date) {
  return {
    id: o.id,
    ticketNo: o.ticket_no,
    remedyId: o.remedy_id,
    step: o.step,
    action: o.action,
    actionText: ACTION_WORDS[o.action][locale],
    department: o.department,
    merchantId: o.merchant_id,
    riderId: o.rider_id,
    itemIndexes: o.item_indexes,
    status: o.status,
    blockedBy: o.blocked_by,
    deadline: o.deadline,
    dueAt: iso(o.due_at),
    overdue: (o.status === "open" || o.status === "in_progress") && !!o.due_at && o.due_at < now,
    overdueAt: iso(o.overdue_at),
    owner: o.owner_name ? { id: o.owner_id, name: o.owner_name } : null,
    note: o.note,
    failureReason: o.failure_reason,
    createdAt: o.created_at.toISOString(),
    startedAt: iso(o.started_at),
    finishedAt: iso(o.finished_at),
  };
}

const notFound = () => new AppError("NOT_FOUND", 404, text("执行单不存在", "Execution order not found"));

export function executionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/execution-orders",
    {
      preValidation: need("execution.read"),
      schema: {
        tags: ["execution"],
        summary: "The execution-order board: a department's orders, open ones first by deadline",
        querystring: T.Object({
          department: T.Optional(lit(DEPARTMENTS)),
          status: T.Optional(
            T.Array(lit(EXECUTION_STATUSES), { description: "one status or several (repeat the parameter)" }),
          ),
          ticketNo: T.Optional(T.String({ maxLength: 40 })),
          remedyId: T.Optional(T.String({ maxLength: 60 })),
          view: T.Optional(lit(["open", "overdue"] as const)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(OrderSchema),
            total: T.Integer(),
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const q = request.query as {
        department?: Department;
        status?: ExecutionStatus[];
        ticketNo?: string;
        remedyId?: string;
        view?: "open" | "overdue";
        limit?: number;
        offset?: number;
      };
      const own = departmentsOf(p.role);
      const departments =
        own === "all"
          ? q.department
            ? [q.department]
            : "all"
          : own.filter((d) => !q.department || d === q.department);
      const now = ctx.clock.now();
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const result = await listBoard(ctx.db, {
        departments,
        // The same scope as their tickets: a rider account with no rider id once saw every rider's orders.
        ...ticketScope(p),
        status: q.view === "open" ? ["open", "in_progress"] : q.status,
        ticketNo: q.ticketNo,
        remedyId: q.remedyId,
        overdueAt: q.view === "overdue" ? now : undefined,
        limit,
        offset,
      });
      const locale = localeOf(request);
      return {
        items: result.items.map((o) => executionOrderView(o, locale, now)),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    "/api/v1/execution-orders/:orderId",
    {
      preValidation: need("execution.read"),
      schema: {
        tags: ["execution"],
        summary: "One execution order",
        params: OrderParams,
        response: { 200: OrderSchema, ...errors },
      },
    },
    async (request) => {
      const { orderId } = request.params as { orderId: string };
      const o = await findExecutionOrder(ctx.db, orderId);
      if (!o || !canWorkOrder(principalOf(request), o)) throw notFound();
      return executionOrderView(o, localeOf(request), ctx.clock.now());
    },
  );

  app.post(
    "/api/v1/execution-orders/:orderId/transitions",
    {
      preValidation: need("execution.work"),
      schema: {
        tags: ["execution"],
        summary: "Start (in_progress), complete (done) or fail (failed, with a reason) an execution order",
        description:
          "open → in_progress → done | failed, or open → failed. Starting takes ownership. An order waiting for " +
          "another answers 409 EXECUTION_BLOCKED; refund and compensation orders follow their payments (409).",
        params: OrderParams,
        body: T.Object(
          {
            to: lit(["in_progress", "done", "failed"] as const),
            note: T.Optional(T.String({ maxLength: 1000, description: "e.g. the waybill number" })),
            reason: T.Optional(T.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: OrderSchema, ...errors },
      },
    },
    async (request) => {
      const { orderId } = request.params as { orderId: string };
      const b = request.body as { to: ExecutionStatus; note?: string; reason?: string };
      const o = await moveExecutionOrder(ctx, principalOf(request), orderId, b.to, {
        note: b.note?.trim() || undefined,
        reason: b.reason?.trim() || undefined,
      });
      return executionOrderView(o, localeOf(request), ctx.clock.now());
    },
  );
}
