import type { FastifyInstance } from "fastify";
import { type Static, Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { notFound, text } from "../../platform/errors.ts";
import { maskPhone } from "../../platform/format.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { namesOfIds } from "../orders/orders.store.ts";
import { need, principalOf } from "../users/auth.ts";
import {
  closeIncident,
  compensateAll,
  draftPublicNotice,
  openEmergency,
  publishProgress,
  recordAction,
  suspendBatch,
} from "./incidents.commands.ts";
import {
  callsOfIncident,
  findIncident,
  type IncidentRow,
  incidentEvents,
  incidentTicketsDetail,
  keyOf,
  listIncidents,
} from "./incidents.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const tags = ["incidents"];

const Key = T.Object({
  region: T.Optional(T.String()),
  productId: T.Optional(T.String()),
  batchNo: T.Optional(T.String()),
  merchantId: T.Optional(T.String()),
});

/** The contract's shape of an incident (CONTRACT.md, Incidents), with a few more fields. */
const Incident = T.Object({
  id: T.String(),
  kind: T.Union([T.Literal("batch"), T.Literal("emergency")]),
  status: T.Union([T.Literal("open"), T.Literal("closed")]),
  businessLine: T.String(),
  key: Key,
  ticketNos: T.Array(T.String()),
  openedAt: T.String(),
  family: T.Union([T.String(), T.Null()], { description: "the complaint family counted (batch incidents)" }),
  dimension: T.Union([T.String(), T.Null()], {
    description: "the window that opened it: batch, product (in a region), merchant, volume_spike",
  }),
  reason: T.Union([T.String(), T.Null()]),
  closedAt: T.Union([T.String(), T.Null()]),
  findings: T.Union([T.String(), T.Null()]),
  progressDueAt: T.Union([T.String(), T.Null()], { description: "when the next public progress is due" }),
});

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const incidentView = (r: IncidentRow, ticketNos: string[]): Static<typeof Incident> => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  businessLine: r.business_line,
  key: keyOf(r),
  ticketNos,
  openedAt: new Date(r.opened_at).toISOString(),
  family: r.family,
  dimension: r.dimension,
  reason: r.reason,
  closedAt: iso(r.closed_at),
  findings: r.findings,
  progressDueAt: r.status === "open" ? iso(r.progress_due_at) : null,
});

const Detail = T.Object({
  ...Incident.properties,
  keyNames: T.Object(
    { product: T.Union([T.String(), T.Null()]), merchant: T.Union([T.String(), T.Null()]) },
    {
      description: "names of the key's product and merchant; null when the key has none or it is not on file",
    },
  ),
  tickets: T.Array(
    T.Object({
      ticketNo: T.String(),
      status: T.String(),
      category: T.String(),
      subType: T.Union([T.String(), T.Null()]),
      severity: T.String(),
      region: T.String(),
      merchantId: T.String(),
      merchantName: T.Union([T.String(), T.Null()]),
      orderNo: T.String(),
      customerPhone: T.String({ description: "masked" }),
      createdAt: T.String(),
      linkedAt: T.String(),
    }),
  ),
  timeline: T.Array(
    T.Object({
      at: T.String(),
      type: T.String(),
      actor: T.String(),
      actorRole: T.String(),
      data: T.Record(T.String(), T.Unknown()),
    }),
  ),
  orderSystemCalls: T.Array(
    T.Object({
      id: T.String(),
      action: T.String(),
      status: T.String(),
      attempts: T.Integer(),
      lastError: T.Union([T.String(), T.Null()]),
      sentAt: T.Union([T.String(), T.Null()]),
    }),
  ),
});

const Id = T.Object({ id: T.String({ minLength: 1, maxLength: 64 }) });
const Note = T.Optional(T.String({ maxLength: 2000 }));
const Done = T.Object({ incident: Detail });

/**
 * Batch incidents and food-safety emergencies for supervisors, managers and admins: the contract's list,
 * an incident with its tickets and timeline, and one route per action (each answers the incident as
 * it now stands). Every 2xx is committed.
 */
export function incidentsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const detail = async (id: string): Promise<Static<typeof Detail>> => {
    const incident = await findIncident(ctx.db, id);
    if (!incident) throw notFound(text("事件", "Incident"));
    const [tickets, events, calls, names] = [
      await incidentTicketsDetail(ctx.db, id),
      await incidentEvents(ctx.db, id),
      await callsOfIncident(ctx.db, id),
      await namesOfIds(ctx.db, { product: incident.product_id, merchant: incident.merchant_id }),
    ];
    return {
      ...incidentView(
        incident,
        tickets.map((t) => t.ticket_no),
      ),
      keyNames: { product: names.product, merchant: names.merchant },
      tickets: tickets.map((t) => ({
        ticketNo: t.ticket_no,
        status: t.status,
        category: t.category,
        subType: t.sub_type,
        severity: t.severity,
        region: t.region,
        merchantId: t.merchant_id,
        merchantName: t.merchant_name,
        orderNo: t.order_no,
        customerPhone: maskPhone(t.customer_phone),
        createdAt: new Date(t.created_at).toISOString(),
        linkedAt: new Date(t.linked_at).toISOString(),
      })),
      timeline: events.map((e) => ({
        at: new Date(e.at).toISOString(),
        type: e.type,
        actor: e.actor,
        actorRole: e.actor_role,
        data: e.data,
      })),
      orderSystemCalls: calls.map((c) => ({
        id: c.id,
        action: c.action,
        status: c.status,
        attempts: c.attempts,
        lastError: c.last_error,
        sentAt: iso(c.sent_at),
      })),
    };
  };

  app.get(
    "/api/v1/incidents",
    {
      preValidation: need("incidents.read"),
      schema: {
        tags,
        summary: "Incidents, newest first (batch complaints and food-safety emergencies)",
        querystring: T.Object({
          status: T.Optional(T.Union([T.Literal("open"), T.Literal("closed")])),
          kind: T.Optional(T.Union([T.Literal("batch"), T.Literal("emergency")])),
          businessLine: T.Optional(T.String()),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(Incident),
            total: T.Integer(),
            limit: T.Integer(),
            offset: T.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as {
        status?: "open" | "closed";
        kind?: "batch" | "emergency";
        businessLine?: string;
        limit?: number;
        offset?: number;
      };
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const { rows, total } = await listIncidents(ctx.db, { ...q, limit, offset });
      return { items: rows.map((r) => incidentView(r, r.ticket_nos)), total, limit, offset };
    },
  );

  app.get(
    "/api/v1/incidents/:id",
    {
      preValidation: need("incidents.read"),
      schema: {
        tags,
        summary: "One incident with its linked tickets (phones masked), timeline and order-system calls",
        params: Id,
        response: { 200: Detail, ...errors },
      },
    },
    async (request) => detail((request.params as { id: string }).id),
  );

  app.post(
    "/api/v1/incidents/emergency",
    {
      preValidation: need("incidents.manage"),
      schema: {
        tags,
        summary:
          "Food-safety emergency: suspends the merchant (signed webhook, once), sends medical guidance to the customers, starts the 24 h progress promise",
        body: T.Object(
          {
            merchantId: T.String({ minLength: 1, maxLength: 64 }),
            ticketNos: T.Array(T.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500 }),
            reason: T.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Detail, 201: Detail, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { merchantId: string; ticketNos: string[]; reason: string };
      const { incident, created } = await openEmergency(ctx, principalOf(request), body);
      reply.code(created ? 201 : 200);
      return detail(incident.id);
    },
  );

  /** One action route: validated body → command → the incident as it now stands. */
  const action = <B extends ReturnType<typeof T.Object>>(
    path: string,
    summary: string,
    body: B,
    run: (id: string, body: Static<B>, request: Parameters<typeof principalOf>[0]) => Promise<unknown>,
  ) =>
    app.post(
      `/api/v1/incidents/:id/${path}`,
      {
        preValidation: need("incidents.manage"),
        schema: {
          tags,
          summary,
          params: Id,
          body,
          response: { 200: T.Object({ ...Done.properties, result: T.Unknown() }), ...errors },
        },
      },
      async (request) => {
        const id = (request.params as { id: string }).id;
        const result = await run(id, request.body as Static<B>, request);
        return { incident: await detail(id), result: result ?? null };
      },
    );

  const closed = { additionalProperties: false };
  action(
    "notify-team",
    "Notify the joint investigation team (customer service, production, QA, logistics)",
    T.Object({ note: Note }, closed),
    (id, b, r) => recordAction(ctx, principalOf(r), id, "team_notified", { note: b.note ?? null }),
  );
  action(
    "sampling-task",
    "Create a sampling task for the batch",
    T.Object({ batchNo: T.Optional(T.String({ minLength: 1, maxLength: 64 })), note: Note }, closed),
    (id, b, r) =>
      recordAction(ctx, principalOf(r), id, "sampling_task_created", {
        ...(b.batchNo ? { batchNo: b.batchNo } : {}),
        note: b.note ?? null,
      }),
  );
  action(
    "suspend-batch",
    "Suspend the batch's sales: a signed webhook to the order system, sent once however often asked",
    T.Object({ batchNo: T.Optional(T.String({ minLength: 1, maxLength: 64 })), note: Note }, closed),
    (id, b, r) => suspendBatch(ctx, principalOf(r), id, b),
  );
  action(
    "public-notice",
    "Draft the public notice from the template, with the expected timeline",
    T.Object({ expectedHours: T.Optional(T.Integer({ minimum: 1, maximum: 720 })) }, closed),
    (id, b, r) => draftPublicNotice(ctx, principalOf(r), id, b.expectedHours ?? 24),
  );
  action(
    "extra-compensation",
    "Extra compensation for every linked ticket through the remedies ledger (once per ticket; default: the order's price again)",
    T.Object({ amountFen: T.Optional(T.Integer({ minimum: 1, maximum: 100_000_000 })), note: Note }, closed),
    (id, b, r) => compensateAll(ctx, principalOf(r), id, b),
  );
  action(
    "progress",
    "Publish progress; the next is due 24 hours later",
    T.Object({ text: T.String({ minLength: 1, maxLength: 4000 }) }, closed),
    (id, b, r) => publishProgress(ctx, principalOf(r), id, b.text),
  );
  action(
    "close",
    "Close the incident with its findings",
    T.Object({ findings: T.String({ minLength: 1, maxLength: 8000 }) }, closed),
    (id, b, r) => closeIncident(ctx, principalOf(r), id, b.findings),
  );
}
