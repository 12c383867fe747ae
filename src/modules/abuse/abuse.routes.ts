import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { invalidPhone, isMobilePhone, normalisePhone } from "../intake/intake.domain.ts";
import { need, principalOf } from "../users/auth.ts";
import { customerRecord } from "./abuse.commands.ts";
import {
  type AppealRow,
  appealsOf,
  auditOf,
  findListing,
  type ListingRow,
  listListings,
} from "./abuse.store.ts";
import {
  addListing,
  decideOnAppeal,
  fileAppeal,
  liftListing,
  listingNotFound,
} from "./blacklist.commands.ts";
import type { AppealDecision, ListingStatus } from "./blacklist.domain.ts";

/** Blacklist administration (supervisors, admins), appeals, and the legal export of a customer's record. */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const IdParams = T.Object({ id: T.String({ maxLength: 40 }) });

const AppealSchema = T.Object({
  id: T.String(),
  listingId: T.String(),
  ticketNo: nullable(T.String()),
  statement: T.String(),
  status: lit(["pending", "lifted", "upheld"] as const),
  submittedBy: T.String(),
  submittedAt: T.String(),
  decidedBy: nullable(T.String()),
  decidedAt: nullable(T.String()),
  note: nullable(T.String()),
});
const ListingSchema = T.Object({
  id: T.String(),
  phone: T.String(),
  reason: T.String(),
  evidence: T.Object({ ticketNos: T.Array(T.String()), attachmentIds: T.Array(T.String()) }),
  status: lit(["active", "lifted", "expired"] as const),
  expiresAt: T.String(),
  createdBy: T.String(),
  createdAt: T.String(),
  endedAt: nullable(T.String()),
  endedBy: nullable(T.String()),
  endReason: nullable(T.String()),
  appeals: T.Array(AppealSchema),
});
const ListingDetail = T.Intersect([
  ListingSchema,
  T.Object({
    audit: T.Array(
      T.Object({
        type: T.String(),
        at: T.String(),
        actor: T.String(),
        actorRole: T.String(),
        data: T.Record(T.String(), T.Unknown()),
      }),
    ),
  }),
]);

const appealView = (a: AppealRow) => ({
  id: a.id,
  listingId: a.blacklist_id,
  ticketNo: a.ticket_no,
  statement: a.statement,
  status: a.status,
  submittedBy: a.submitted_by,
  submittedAt: a.submitted_at.toISOString(),
  decidedBy: a.decided_by,
  decidedAt: a.decided_at?.toISOString() ?? null,
  note: a.decision_note,
});
const listingView = (l: ListingRow, appeals: AppealRow[]) => ({
  id: l.id,
  phone: l.phone,
  reason: l.reason,
  evidence: l.evidence,
  status: l.status,
  expiresAt: l.expires_at.toISOString(),
  createdBy: l.created_by,
  createdAt: l.created_at.toISOString(),
  endedAt: l.ended_at?.toISOString() ?? null,
  endedBy: l.ended_by,
  endReason: l.end_reason,
  appeals: appeals.filter((a) => a.blacklist_id === l.id).map(appealView),
});

async function detail(ctx: AppContext, id: string) {
  const l = await findListing(ctx.db, id);
  if (!l) throw listingNotFound();
  const [appeals, audit] = await Promise.all([appealsOf(ctx.db, [id]), auditOf(ctx.db, id)]);
  return {
    ...listingView(l, appeals),
    audit: audit.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      actor: e.actor,
      actorRole: e.actor_role,
      data: e.data,
    })),
  };
}

const AppealBody = T.Object(
  { statement: T.String({ maxLength: 2000 }), ticketNo: T.Optional(T.String({ maxLength: 40 })) },
  { additionalProperties: false },
);

export function abuseRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/blacklist",
    {
      preValidation: need("blacklist.manage"),
      schema: {
        tags: ["abuse"],
        summary: "Blacklist entries, newest first, with their appeals",
        querystring: T.Object({
          status: T.Optional(lit(["active", "lifted", "expired"] as const)),
          phone: T.Optional(T.String({ maxLength: 20 })),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: T.Object({ items: T.Array(ListingSchema) }), ...errors },
      },
    },
    async (request) => {
      const q = request.query as { status?: ListingStatus; phone?: string; limit?: number };
      const rows = await listListings(ctx.db, {
        status: q.status,
        phone: q.phone ? normalisePhone(q.phone) : undefined,
        limit: q.limit ?? 50,
      });
      const appeals = await appealsOf(
        ctx.db,
        rows.map((r) => r.id),
      );
      return { items: rows.map((r) => listingView(r, appeals)) };
    },
  );

  app.post(
    "/api/v1/blacklist",
    {
      preValidation: need("blacklist.manage"),
      schema: {
        tags: ["abuse"],
        summary: "List a customer (phone) with reason, evidence and expiry; audited",
        body: T.Object(
          {
            phone: T.String({ maxLength: 20 }),
            reason: T.String({ maxLength: 2000 }),
            expiresAt: T.String({ format: "date-time" }),
            evidence: T.Optional(
              T.Object(
                {
                  ticketNos: T.Optional(T.Array(T.String({ maxLength: 40 }), { maxItems: 100 })),
                  attachmentIds: T.Optional(T.Array(T.String({ maxLength: 80 }), { maxItems: 100 })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ListingDetail, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body as Parameters<typeof addListing>[2];
      const l = await addListing(ctx, principalOf(request), b);
      return reply.status(201).send(await detail(ctx, l.id));
    },
  );

  app.get(
    "/api/v1/blacklist/:id",
    {
      preValidation: need("blacklist.manage"),
      schema: {
        tags: ["abuse"],
        summary: "One blacklist entry with its appeals and audit trail (who, when, why)",
        params: IdParams,
        response: { 200: ListingDetail, ...errors },
      },
    },
    async (request) => detail(ctx, (request.params as { id: string }).id),
  );

  app.post(
    "/api/v1/blacklist/:id/lift",
    {
      preValidation: need("blacklist.manage"),
      schema: {
        tags: ["abuse"],
        summary: "End a listing before its expiry; audited",
        params: IdParams,
        body: T.Object(
          { reason: T.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: ListingDetail, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      await liftListing(ctx, principalOf(request), id, (request.body as { reason: string }).reason);
      return detail(ctx, id);
    },
  );

  app.post(
    "/api/v1/blacklist/:id/appeals",
    {
      preValidation: need("tickets.work"),
      schema: {
        tags: ["abuse"],
        summary: "File a customer's appeal on their behalf (an agent took it by phone)",
        params: IdParams,
        body: AppealBody,
        response: { 201: AppealSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const p = principalOf(request);
      const listing = await findListing(ctx.db, id);
      if (!listing) throw listingNotFound();
      const b = request.body as { statement: string; ticketNo?: string };
      const appeal = await fileAppeal(
        ctx,
        { name: p.name, role: p.role },
        { ...b, phone: listing.phone, listingId: id },
      );
      return reply.status(201).send(appealView(appeal));
    },
  );

  app.post(
    "/api/v1/blacklist/appeals",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["abuse"],
        summary: "A customer appeals a listing with a ticket number and phone (as on the progress page)",
        security: [],
        body: T.Object(
          {
            ticketNo: T.String({ maxLength: 40 }),
            phone: T.String({ maxLength: 20 }),
            statement: T.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: T.Object({ id: T.String(), status: T.Literal("pending"), submittedAt: T.String() }),
          400: ErrorSchema,
          404: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const b = request.body as { ticketNo: string; phone: string; statement: string };
      const appeal = await fileAppeal(ctx, { name: "customer", role: "customer" }, b);
      return reply
        .status(201)
        .send({ id: appeal.id, status: "pending" as const, submittedAt: appeal.submitted_at.toISOString() });
    },
  );

  app.post(
    "/api/v1/blacklist/appeals/:id/decision",
    {
      preValidation: need("blacklist.manage"),
      schema: {
        tags: ["abuse"],
        summary: "Decide an appeal: lift the listing or uphold it; audited",
        params: IdParams,
        body: T.Object(
          { decision: lit(["lift", "uphold"] as const), note: T.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: AppealSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body as { decision: AppealDecision; note: string };
      const appeal = await decideOnAppeal(
        ctx,
        principalOf(request),
        (request.params as { id: string }).id,
        b,
      );
      return appealView(appeal);
    },
  );

  app.get(
    "/api/v1/customers/:phone/record",
    {
      preValidation: need("customers.record"),
      schema: {
        tags: ["abuse"],
        summary: "A customer's complete, unmasked record for legal use (every access is logged)",
        params: T.Object({ phone: T.String({ maxLength: 20 }) }),
        querystring: T.Object({ download: T.Optional(T.Boolean()) }),
        response: {
          200: T.Object(
            {
              phone: T.String(),
              exportedAt: T.String(),
              exportedBy: T.String(),
              tickets: T.Array(T.Record(T.String(), T.Unknown())),
              abuseScores: T.Array(T.Record(T.String(), T.Unknown())),
              blacklist: T.Array(T.Record(T.String(), T.Unknown())),
              accessLog: T.Array(T.Record(T.String(), T.Unknown())),
            },
            { additionalProperties: true },
          ),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const phone = normalisePhone((request.params as { phone: string }).phone);
      // It names the download file too: anything but a phone number is refused, not put in a header.
      if (!isMobilePhone(phone)) throw validationError([invalidPhone("phone")]);
      const download = (request.query as { download?: boolean }).download === true;
      const record = await customerRecord(
        ctx,
        phone,
        { name: p.name, role: p.role },
        download ? "download" : "json",
      );
      if (download)
        reply.header(
          "content-disposition",
          `attachment; filename="customer-record-${phone}-${record.exportedAt.slice(0, 10)}.json"`,
        );
      reply.header("cache-control", "no-store");
      return record;
    },
  );
}
