import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import type { Locale, Text } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { need, principalOf } from "../users/auth.ts";
import {
  fileRequest,
  giveFeedback,
  moveRequest,
  type NewRequest,
  ownRequest,
  postMessage,
  routeRequest,
  staffRequest,
  takeRequest,
} from "./requests.commands.ts";
import {
  type Feedback,
  REQUEST_CATEGORIES,
  REQUEST_CHANNELS,
  REQUEST_DEPARTMENTS,
  REQUEST_STATUSES,
  type RequestStatus,
} from "./requests.domain.ts";
import { listRequests, type RequestEventRow, type RequestRow, requestEvents } from "./requests.store.ts";

/**
 * Merchant requests (商家工单): merchants file and follow their own under `/merchant/requests`; the
 * merchant-service team works them under `/merchant-requests`. Staff see internal notes and escalation
 * events; the merchant's view leaves them out.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const NoParams = T.Object({ requestNo: T.String({ pattern: "^MR\\d{8,}$" }) });
type NoParamsOf = { requestNo: string };

const RequestSchema = T.Object({
  requestNo: T.String(),
  merchantId: T.String(),
  requester: T.String(),
  channel: lit(REQUEST_CHANNELS),
  category: lit(REQUEST_CATEGORIES),
  subject: T.String(),
  body: T.String(),
  orderNo: nullable(T.String()),
  occurredAt: nullable(T.String()),
  department: nullable(T.String()),
  status: lit(REQUEST_STATUSES),
  assignee: nullable(T.String()),
  escalationLevel: T.Integer({
    description: "0 agent, 1 supervisor (late first answer), 2 manager (late resolution)",
  }),
  firstResponseDueAt: T.String(),
  resolutionDueAt: T.String(),
  firstRespondedAt: nullable(T.String()),
  resolvedAt: nullable(T.String()),
  satisfaction: nullable(T.Integer()),
  reopenCount: T.Integer(),
  createdAt: T.String(),
});
const DetailSchema = T.Object({
  request: RequestSchema,
  timeline: T.Array(
    T.Object({
      at: T.String(),
      type: T.String(),
      actor: T.String(),
      internal: T.Boolean(),
      text: nullable(T.String()),
      data: T.Record(T.String(), T.Unknown()),
    }),
  ),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const view = (r: RequestRow) => ({
  requestNo: r.request_no,
  merchantId: r.merchant_id,
  requester: r.requester_name,
  channel: r.channel,
  category: r.category,
  subject: r.subject,
  body: r.body,
  orderNo: r.order_no,
  occurredAt: iso(r.occurred_at),
  department: r.department,
  status: r.status,
  assignee: r.assignee_name,
  escalationLevel: r.escalation_level,
  firstResponseDueAt: r.first_response_due_at.toISOString(),
  resolutionDueAt: r.resolution_due_at.toISOString(),
  firstRespondedAt: iso(r.first_responded_at),
  resolvedAt: iso(r.resolved_at),
  satisfaction: r.satisfaction,
  reopenCount: r.reopen_count,
  createdAt: r.created_at.toISOString(),
});

/** The line a person reads for each event: the message, the apology, the result. */
function lineOf(e: RequestEventRow, locale: Locale): string | null {
  const d = e.data as Record<string, unknown>;
  if (e.type === "message") return String(d.body ?? "");
  if (e.type === "apology") return (d.text as Text)[locale];
  if (e.type === "result") return String(d.text ?? "");
  if (e.type === "feedback") return d.satisfied ? String(d.comment ?? "") || null : String(d.reason ?? "");
  return null;
}

async function detail(ctx: AppContext, r: RequestRow, staff: boolean, locale: Locale) {
  const events = await requestEvents(ctx.db, r.request_no, staff);
  return {
    request: view(r),
    timeline: events.map((e) => ({
      at: e.at.toISOString(),
      type: e.type,
      actor: e.actor,
      internal: e.internal,
      text: lineOf(e, locale),
      data: e.data as Record<string, unknown>,
    })),
  };
}

const ListQuery = T.Object({
  status: T.Optional(lit(REQUEST_STATUSES)),
  category: T.Optional(lit(REQUEST_CATEGORIES)),
  mine: T.Optional(T.Boolean({ description: "only requests assigned to the caller" })),
  escalated: T.Optional(T.Boolean({ description: "only requests escalated to a supervisor or above" })),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
type ListQueryOf = {
  status?: string;
  category?: string;
  mine?: boolean;
  escalated?: boolean;
  limit?: number;
};
const listReply = { 200: T.Object({ items: T.Array(RequestSchema), total: T.Integer() }), ...errors };
const MessageBody = (internalAllowed: boolean) =>
  T.Object(
    {
      body: T.String({ minLength: 1, maxLength: 4000 }),
      ...(internalAllowed
        ? { internal: T.Optional(T.Boolean({ description: "a staff note the merchant never sees" })) }
        : {}),
    },
    { additionalProperties: false },
  );

export function requestsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ["merchant-service"];

  app.post(
    "/api/v1/merchant/requests",
    {
      preValidation: need("merchant.requests"),
      schema: {
        tags,
        summary:
          "File a request to merchant service (question or complaint); classified when no category is given",
        body: T.Object(
          {
            subject: T.String({ minLength: 2, maxLength: 100 }),
            body: T.String({ minLength: 2, maxLength: 4000 }),
            category: T.Optional(lit(REQUEST_CATEGORIES)),
            channel: T.Optional(lit(REQUEST_CHANNELS)),
            orderNo: T.Optional(T.String({ minLength: 1, maxLength: 40 })),
            occurredAt: T.Optional(T.String({ format: "date-time" })),
            merchantId: T.Optional(
              T.String({ description: "which of your merchants; the first by default" }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: RequestSchema, ...errors },
      },
    },
    async (request, reply) => {
      const r = await fileRequest(ctx, principalOf(request), request.body as NewRequest);
      return reply.code(201).send(view(r));
    },
  );

  app.get(
    "/api/v1/merchant/requests",
    {
      preValidation: need("merchant.requests"),
      schema: {
        tags,
        summary: "Your merchants' requests, newest first",
        querystring: ListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const q = request.query as ListQueryOf;
      const p = principalOf(request);
      const { items, total } = await listRequests(ctx.db, {
        ...q,
        merchantIds: p.merchantIds,
        limit: q.limit ?? 50,
      });
      return { items: items.map(view), total };
    },
  );

  app.get(
    "/api/v1/merchant/requests/:requestNo",
    {
      preValidation: need("merchant.requests"),
      schema: {
        tags,
        summary: "One of your requests with its conversation (staff notes left out)",
        params: NoParams,
        response: { 200: DetailSchema, ...errors },
      },
    },
    async (request) => {
      const r = await ownRequest(ctx, principalOf(request), (request.params as NoParamsOf).requestNo);
      return detail(ctx, r, false, localeOf(request));
    },
  );

  app.post(
    "/api/v1/merchant/requests/:requestNo/messages",
    {
      preValidation: need("merchant.requests"),
      schema: {
        tags,
        summary: "Write to the team on your request",
        params: NoParams,
        body: MessageBody(false),
        response: { 201: RequestSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { requestNo } = request.params as NoParamsOf;
      const r = await postMessage(
        ctx,
        principalOf(request),
        requestNo,
        request.body as { body: string },
        "merchant",
      );
      return reply.code(201).send(view(r));
    },
  );

  app.post(
    "/api/v1/merchant/requests/:requestNo/feedback",
    {
      preValidation: need("merchant.requests"),
      schema: {
        tags,
        summary: "Rate a resolved request (closes it) or say you are not satisfied (reopens it)",
        params: NoParams,
        body: T.Union([
          T.Object(
            {
              satisfied: T.Literal(true),
              rating: T.Integer({ minimum: 1, maximum: 5 }),
              comment: T.Optional(T.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          T.Object(
            { satisfied: T.Literal(false), reason: T.String({ minLength: 2, maxLength: 2000 }) },
            { additionalProperties: false },
          ),
        ]),
        response: { 200: RequestSchema, ...errors },
      },
    },
    async (request) => {
      const { requestNo } = request.params as NoParamsOf;
      return view(await giveFeedback(ctx, principalOf(request), requestNo, request.body as Feedback));
    },
  );

  app.get(
    "/api/v1/merchant-requests",
    {
      preValidation: need("merchant_requests.work"),
      schema: {
        tags,
        summary: "The merchant-service queue, newest first",
        querystring: ListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const q = request.query as ListQueryOf;
      const p = principalOf(request);
      const { items, total } = await listRequests(ctx.db, {
        status: q.status,
        category: q.category,
        assigneeId: q.mine ? p.id : undefined,
        minEscalationLevel: q.escalated ? 1 : undefined,
        limit: q.limit ?? 50,
      });
      return { items: items.map(view), total };
    },
  );

  app.get(
    "/api/v1/merchant-requests/:requestNo",
    {
      preValidation: need("merchant_requests.work"),
      schema: {
        tags,
        summary: "A merchant request with its whole history",
        params: NoParams,
        response: { 200: DetailSchema, ...errors },
      },
    },
    async (request) =>
      detail(ctx, await staffRequest(ctx, (request.params as NoParamsOf).requestNo), true, localeOf(request)),
  );

  const staffStep = (
    path: string,
    summary: string,
    body: TSchema | null,
    run: (request: FastifyRequest, requestNo: string) => Promise<RequestRow>,
    code = 200,
  ) =>
    app.post(
      `/api/v1/merchant-requests/:requestNo/${path}`,
      {
        preValidation: need("merchant_requests.work"),
        schema: {
          tags,
          summary,
          params: NoParams,
          ...(body ? { body } : {}),
          response: { [code]: RequestSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(code).send(view(await run(request, (request.params as NoParamsOf).requestNo))),
    );

  staffStep("take", "Take the request: it is yours and in work", null, (request, no) =>
    takeRequest(ctx, principalOf(request), no),
  );
  staffStep(
    "messages",
    "Answer the merchant, or add an internal note; the first answer is the first response",
    MessageBody(true),
    (request, no) =>
      postMessage(
        ctx,
        principalOf(request),
        no,
        request.body as { body: string; internal?: boolean },
        "staff",
      ),
    201,
  );
  staffStep(
    "route",
    "Route the matter to the department responsible",
    T.Object(
      { department: lit(REQUEST_DEPARTMENTS), note: T.Optional(T.String({ maxLength: 2000 })) },
      { additionalProperties: false },
    ),
    (request, no) =>
      routeRequest(ctx, principalOf(request), no, request.body as { department: string; note?: string }),
  );
  staffStep(
    "transitions",
    "Move the request: wait for the merchant, back in work, or resolved with the result the merchant reads",
    T.Object(
      {
        to: lit(["in_progress", "awaiting_merchant", "resolved"] as const),
        note: T.Optional(T.String({ maxLength: 4000, description: "the result, required to resolve" })),
      },
      { additionalProperties: false },
    ),
    (request, no) =>
      moveRequest(ctx, principalOf(request), no, request.body as { to: RequestStatus; note?: string }),
  );
}
