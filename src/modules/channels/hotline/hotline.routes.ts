import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Static, Type as T } from "typebox";
import type { AppContext } from "../../../platform/context.ts";
import { AppError, type ErrorDetail, notFound, text, validationError } from "../../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../../platform/http.ts";
import { canonicalJson, sha256 } from "../../../platform/ids.ts";
import { BUSINESS_LINES, type BusinessLine } from "../../../policy-packs/schema.ts";
import { registerRequest } from "../../intake/intake.commands.ts";
import { normalisePhone } from "../../intake/intake.domain.ts";
import { findOrderForIntake } from "../../orders/orders.store.ts";
import { appendEvent, findTicket } from "../../tickets/tickets.store.ts";
import { need, principalOf } from "../../users/auth.ts";
import { canSeeTicket } from "../../users/roles.ts";
import {
  CALL_EVENTS,
  type CallEventType,
  categoryForTopic,
  ctiSignatureValid,
  foldCallEvent,
  hotlineFigures,
  type IvrTopic,
} from "./hotline.domain.ts";
import { findCall, hotlineCounts, insertCallEvent, lockCall, patchCall, startCall } from "./hotline.store.ts";

/**
 * The CTI's webhook (signed events of each call), the agent's "register this call" action with the
 * caller's number filled in, and the hotline's figures.
 */

const SIGNATURE_WINDOW_SECONDS = 300;

const field = (name: string, code: string, zh: string, en: string): ErrorDetail => ({
  field: name,
  code,
  message: text(zh, en),
});

interface CtiEvent {
  eventId: string;
  callId: string;
  type: CallEventType;
  at: Date;
  callerNumber?: string;
  businessLine?: string;
  key?: string;
  agent?: string;
  recordingUrl?: string;
}

/** Every problem of an event at once, each naming its field. */
function readEvent(body: unknown): { event: CtiEvent | null; details: ErrorDetail[] } {
  const b = (body && typeof body === "object" && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const str = (k: string) =>
    typeof b[k] === "string" && (b[k] as string).trim() ? (b[k] as string).trim() : undefined;
  for (const k of ["eventId", "callId", "type", "at"])
    if (!str(k)) details.push(field(k, "REQUIRED", `缺少 ${k}`, `${k} is required`));
  const type = str("type");
  if (type && !CALL_EVENTS.includes(type as CallEventType))
    details.push(
      field("type", "UNKNOWN_EVENT", "未知的事件类型", `type must be one of ${CALL_EVENTS.join(", ")}`),
    );
  const at = str("at") ? new Date(str("at")!) : null;
  if (at && Number.isNaN(at.getTime()))
    details.push(field("at", "INVALID_TIME", "时间格式不正确", "at must be an ISO-8601 time"));
  if (type === "call_started" && !str("callerNumber"))
    details.push(
      field("callerNumber", "REQUIRED", "缺少来电号码", "callerNumber is required for call_started"),
    );
  if (type === "ivr_key" && !str("key"))
    details.push(field("key", "REQUIRED", "缺少按键", "key is required for ivr_key"));
  if (type === "recording" && !/^https?:\/\//.test(str("recordingUrl") ?? ""))
    details.push(
      field("recordingUrl", "INVALID_URL", "录音地址不正确", "recordingUrl must be an http(s) URL"),
    );
  const line = str("businessLine");
  if (line && !BUSINESS_LINES.includes(line as BusinessLine))
    details.push(
      field(
        "businessLine",
        "INVALID_BUSINESS_LINE",
        "业务线不正确",
        `businessLine must be one of ${BUSINESS_LINES.join(", ")}`,
      ),
    );
  if (details.length) return { event: null, details };
  return {
    event: {
      eventId: str("eventId")!,
      callId: str("callId")!,
      type: type as CallEventType,
      at: at!,
      callerNumber: str("callerNumber"),
      businessLine: line,
      key: str("key"),
      agent: str("agent"),
      recordingUrl: str("recordingUrl"),
    },
    details,
  };
}

function checkSignature(ctx: AppContext, request: FastifyRequest & { rawBody?: string }): void {
  const secret = ctx.config.channels.ctiSecret;
  if (!secret)
    throw new AppError(
      "CHANNEL_NOT_CONFIGURED",
      503,
      text("未配置呼叫中心（CTI_SECRET）", "The CTI is not configured (CTI_SECRET)"),
    );
  const timestamp = request.headers["x-cti-timestamp"] as string | undefined;
  const fresh =
    !!timestamp &&
    /^\d{1,12}$/.test(timestamp) &&
    Math.abs(ctx.clock.now().getTime() / 1000 - Number(timestamp)) <= SIGNATURE_WINDOW_SECONDS;
  const signature = request.headers["x-cti-signature"] as string | undefined;
  if (!fresh || !ctiSignatureValid(secret, timestamp, request.rawBody ?? "", signature))
    throw new AppError("INVALID_SIGNATURE", 401, text("签名无效", "Invalid signature"), [
      field(
        "X-Cti-Signature",
        "INVALID_SIGNATURE",
        "签名校验失败或已过期",
        "signature does not match or is stale",
      ),
    ]);
}

const CallTicketBody = T.Object({
  orderNo: T.Optional(T.String()),
  description: T.String(),
  phone: T.Optional(T.String({ description: "Defaults to the caller's number" })),
  name: T.Optional(T.String({ maxLength: 50 })),
  category: T.Optional(T.String({ description: "Defaults to the IVR key's category in the order's line" })),
  expectedResolution: T.Optional(T.String()),
  urgent: T.Optional(T.Boolean()),
  ticketNo: T.Optional(T.String({ description: "Add this call to an existing ticket instead" })),
});

export function hotlineRoutes(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async (scope) => {
    // The signature covers the bytes as sent: keep them before JSON parsing.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      (request as FastifyRequest & { rawBody?: string }).rawBody = body as string;
      try {
        done(null, body === "" ? {} : JSON.parse(body as string));
      } catch {
        done(
          validationError([
            field("body", "INVALID_JSON", "请求体不是合法的 JSON", "the body is not valid JSON"),
          ]),
          undefined,
        );
      }
    });
    scope.post(
      "/api/v1/channels/cti/events",
      {
        schema: {
          tags: ["channels"],
          summary:
            "CTI webhook: one call event (call_started, ivr_key, agent_answered, abandoned, recording, call_ended), signed with X-Cti-Timestamp and X-Cti-Signature: sha256=HMAC(secret, timestamp.body)",
          response: {
            200: T.Object({ callId: T.String(), duplicate: T.Boolean() }),
            400: ErrorSchema,
            401: ErrorSchema,
            409: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (request) => {
        checkSignature(ctx, request);
        const { event, details } = readEvent(request.body);
        if (!event) throw validationError(details);
        const now = ctx.clock.now();
        const fresh = await ctx.db.transaction().execute(async (trx) => {
          if (event.type === "call_started")
            await startCall(trx, {
              callId: event.callId,
              callerPhone: normalisePhone(event.callerNumber!),
              businessLine: event.businessLine ?? null,
              startedAt: event.at,
            });
          const call = await lockCall(trx, event.callId);
          // Not started yet (events crossed on the way): refused, so the CTI delivers it again later.
          if (!call) return null;
          const isNew = await insertCallEvent(trx, {
            ...event,
            receivedAt: now,
            data: { ...event, at: event.at.toISOString() },
          });
          if (!isNew) return false;
          const patch = foldCallEvent(
            {
              queuedAt: call.queued_at,
              answeredAt: call.answered_at,
              abandonedAt: call.abandoned_at,
              endedAt: call.ended_at,
              ivrKey: call.ivr_key,
            },
            event,
            call.started_at,
          );
          if (Object.keys(patch).length) await patchCall(trx, event.callId, patch, now);
          return true;
        });
        if (fresh === null)
          throw new AppError(
            "CALL_UNKNOWN",
            409,
            text("通话尚未开始", "No call_started event for this call yet"),
            [field("callId", "CALL_UNKNOWN", "未知的通话", "send call_started first")],
          );
        return { callId: event.callId, duplicate: !fresh };
      },
    );
  });

  app.post(
    "/api/v1/channels/cti/calls/:callId/ticket",
    {
      preValidation: need("tickets.register"),
      schema: {
        tags: ["channels"],
        summary:
          "During a call: register the caller's request (number prefilled, IVR category) or add the call to a ticket",
        params: T.Object({ callId: T.String() }),
        body: CallTicketBody,
        response: {
          201: T.Object({
            ticketNo: T.String(),
            created: T.Boolean(),
            acknowledgement: T.Optional(T.String()),
          }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { callId } = request.params as { callId: string };
      const body = request.body as Static<typeof CallTicketBody>;
      const principal = principalOf(request);
      const actor = { id: principal.id, name: principal.name, role: principal.role };
      const call = await findCall(ctx.db, callId);
      if (!call) throw notFound(text("通话", "Call"));
      const now = ctx.clock.now();
      const existing = body.ticketNo ?? call.ticket_no;
      if (existing) {
        // Merchants and riders may register calls too: only into tickets their scope lets them see.
        const target = await findTicket(ctx.db, existing);
        if (!target || !canSeeTicket(principal, target)) throw notFound(text("服务单", "Ticket"));
        await ctx.db.transaction().execute(async (trx) => {
          await appendEvent(
            trx,
            existing,
            actor,
            {
              type: "hotline_call",
              visibility: "internal",
              channel: "phone",
              data: {
                callId,
                caller: call.caller_phone,
                note: body.description,
                recordingUrl: call.recording_url,
              },
            },
            now,
          );
          await patchCall(trx, callId, { ticket_no: existing }, now);
        });
        return reply.status(201).send({ ticketNo: existing, created: false });
      }
      const order = body.orderNo ? await findOrderForIntake(ctx.db, body.orderNo.trim()) : null;
      const category =
        body.category ??
        (order
          ? categoryForTopic(order.businessLine as BusinessLine, call.ivr_topic as IvrTopic | null)
          : null);
      const request_ = {
        ...body,
        channel: "phone",
        phone: body.phone ?? call.caller_phone,
        orderNo: body.orderNo ?? "",
        ...(category ? { category } : {}),
      };
      delete (request_ as { ticketNo?: string }).ticketNo;
      // One call registers one ticket: a second click answers the first.
      const idempotency = { key: `cti:${callId}`, requestHash: sha256(canonicalJson(request_)) };
      const registered = await registerRequest(ctx, request_, actor, idempotency, localeOf(request), {
        callId,
        ivrKey: call.ivr_key,
      });
      if (!registered.ok) throw validationError(registered.details);
      await patchCall(ctx.db, callId, { ticket_no: registered.ticketNo }, now);
      return reply.status(201).send({
        ticketNo: registered.ticketNo,
        created: !registered.replayed,
        acknowledgement: registered.ack.acknowledgement.text,
      });
    },
  );

  app.get(
    "/api/v1/channels/cti/metrics",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["channels"],
        summary:
          "Hotline figures for calls started in [from, to): human answer rate (target ≥ 90%), average wait, abandoned calls",
        querystring: T.Object({
          from: T.String({ format: "date-time" }),
          to: T.String({ format: "date-time" }),
        }),
        response: {
          200: T.Object({
            from: T.String(),
            to: T.String(),
            calls: T.Integer(),
            offeredToAgents: T.Integer(),
            answered: T.Integer(),
            abandoned: T.Integer(),
            humanAnswerRate: T.Union([T.Number(), T.Null()]),
            averageWaitSeconds: T.Union([T.Number(), T.Null()]),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const q = request.query as { from: string; to: string };
      const from = new Date(q.from);
      const to = new Date(q.to);
      if (!(from < to))
        throw validationError([
          field("to", "INVALID_RANGE", "结束时间须晚于开始时间", "to must be after from"),
        ]);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        ...hotlineFigures(await hotlineCounts(ctx.db, from, to)),
      };
    },
  );
}
