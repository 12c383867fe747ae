import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, conflict, type Locale, type Text, text } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { fen } from "../../platform/money.ts";
import { type BusinessLine, LIABLE_PARTIES, type LiableParty } from "../../policy-packs/schema.ts";
import { planExecution } from "../execution/execution.domain.ts";
import { payDue } from "../ledger/ledger.commands.ts";
import { listEntries } from "../ledger/ledger.store.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket } from "../users/roles.ts";
import {
  approveRemedy,
  decideRemedy,
  proposalFor,
  recordVerification,
  rejectRemedy,
} from "./remedies.commands.ts";
import { remedyCustomerRoutes } from "./remedies.customer.routes.ts";
import { PAYERS, REMEDY_KINDS, type RemedyItem, type RemedyOption } from "./remedies.domain.ts";
import {
  findRemedy,
  findVerification,
  listRemedies,
  type RemedyRow,
  remediesOfTicket,
  type VerificationRow,
} from "./remedies.store.ts";

/**
 * Remedies over HTTP: the verification record, the pack's proposal (CONTRACT: `GET …/remedy-proposal`),
 * the decision, the supervisors' approvals inbox, approval, rejection, execution now, and the customer's
 * answer. Schemas validate and document; the rules live in remedies.domain.ts.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const TICKET_NO = "^[A-Z]{2}\\d{8,}$";
export const REMEDY_ID = "^[A-Z]{2}\\d{8,}-R\\d+$";
const TicketParams = T.Object({ ticketNo: T.String({ pattern: TICKET_NO }) });
const RemedyParams = T.Object({ remedyId: T.String({ pattern: REMEDY_ID }) });
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);

export const ItemSchema = T.Object(
  {
    kind: lit(REMEDY_KINDS),
    amountFen: T.Optional(
      T.Integer({ minimum: 1, maximum: 1_000_000_000, description: "money items only, in fen" }),
    ),
    payer: lit(PAYERS),
  },
  { additionalProperties: false },
);
const OptionSchema = T.Object({ items: T.Array(ItemSchema), reasons: T.Array(T.String()) });

const VerificationSchema = T.Object({
  verified: T.Boolean({ description: "the claim was confirmed against the order and the evidence" }),
  liableParty: lit(LIABLE_PARTIES),
  findings: T.String(),
  evidenceIds: T.Array(T.String()),
  foodSafetyViolation: T.Boolean(),
  fraud: T.Boolean(),
  lossFen: nullable(T.Integer()),
  affectedItems: nullable(T.Array(T.Object({ productId: T.String(), quantity: T.Integer() }))),
  recordedBy: T.String(),
  recordedAt: T.String(),
});

export const RemedySchema = T.Object({
  id: T.String(),
  ticketNo: T.String(),
  seq: T.Integer(),
  status: lit(["pending_approval", "approved", "rejected", "superseded"] as const),
  option: lit(["standard", "alternative", "statutory", "adjusted"] as const),
  statute: nullable(T.String()),
  items: T.Array(ItemSchema),
  moneyFen: T.Integer(),
  compensationCapFen: T.Integer(),
  approvalReasons: T.Array(T.String()),
  note: nullable(T.String()),
  decidedBy: T.String(),
  decidedAt: T.String(),
  approvedBy: nullable(T.String()),
  approvedAt: nullable(T.String()),
  rejectedBy: nullable(T.String()),
  rejectedAt: nullable(T.String()),
  rejectReason: nullable(T.String()),
  customerResponse: nullable(lit(["accepted", "disputed"] as const)),
  customerComment: nullable(T.String()),
  customerRespondedAt: nullable(T.String()),
  businessLine: T.String(),
  packVersion: T.String(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const words = (list: readonly Text[], locale: Locale) => list.map((t) => t[locale]);

export function remedyView(r: RemedyRow, locale: Locale) {
  return {
    id: r.id,
    ticketNo: r.ticket_no,
    seq: r.seq,
    status: r.status,
    option: r.choice,
    statute: r.statute,
    items: r.items as RemedyItem[],
    moneyFen: r.money_fen,
    compensationCapFen: r.compensation_cap_fen,
    approvalReasons: words(r.approval_reasons, locale),
    note: r.note,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at.toISOString(),
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    rejectedBy: r.rejected_by,
    rejectedAt: iso(r.rejected_at),
    rejectReason: r.reject_reason,
    customerResponse: r.customer_response,
    customerComment: r.customer_comment,
    customerRespondedAt: iso(r.customer_responded_at),
    businessLine: r.business_line,
    packVersion: r.pack_version,
  };
}

function verificationView(v: VerificationRow) {
  return {
    verified: v.verified,
    liableParty: v.liable_party as LiableParty,
    findings: v.findings,
    evidenceIds: v.evidence_ids,
    foodSafetyViolation: v.food_safety_violation,
    fraud: v.fraud,
    lossFen: v.loss_fen,
    affectedItems: v.affected_items,
    recordedBy: v.recorded_by,
    recordedAt: v.recorded_at.toISOString(),
  };
}

const optionView = (o: RemedyOption, locale: Locale) => ({
  items: o.items,
  reasons: words(o.reasons, locale),
});

const ticketNotFound = () => new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));

async function visibleTicket(ctx: AppContext, request: FastifyRequest, ticketNo: string) {
  const t = await findTicket(ctx.db, ticketNo);
  if (!t || !canSeeTicket(principalOf(request), t)) throw ticketNotFound();
  return t;
}

async function visibleRemedy(ctx: AppContext, request: FastifyRequest, remedyId: string) {
  const r = await findRemedy(ctx.db, remedyId);
  if (!r) throw new AppError("NOT_FOUND", 404, text("处理方案不存在", "Remedy not found"));
  await visibleTicket(ctx, request, r.ticket_no);
  return r;
}

export function remediesRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/tickets/:ticketNo/verification",
    {
      preValidation: need("remedies.read"),
      schema: {
        tags: ["remedies"],
        summary: "The verification record (核实情况): is the claim true, who is liable, the evidence",
        params: TicketParams,
        response: { 200: T.Object({ verification: nullable(VerificationSchema) }), ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      await visibleTicket(ctx, request, ticketNo);
      const v = await findVerification(ctx.db, ticketNo);
      return { verification: v ? verificationView(v) : null };
    },
  );

  app.put(
    "/api/v1/tickets/:ticketNo/verification",
    {
      preValidation: need("remedies.propose"),
      schema: {
        tags: ["remedies"],
        summary: "Record the verification: confirmed or not, the liable party, findings and evidence",
        params: TicketParams,
        body: T.Object(
          {
            verified: T.Boolean(),
            liableParty: lit(LIABLE_PARTIES),
            findings: T.String({ minLength: 1, maxLength: 2000 }),
            evidenceIds: T.Optional(T.Array(T.String({ maxLength: 64 }), { maxItems: 20 })),
            foodSafetyViolation: T.Optional(
              T.Boolean({ description: "confirmed not to meet food-safety standards (食品安全法第148条)" }),
            ),
            fraud: T.Optional(
              T.Boolean({ description: "confirmed fraud by the seller (消费者权益保护法第55条)" }),
            ),
            lossFen: T.Optional(nullable(T.Integer({ minimum: 0, maximum: 1_000_000_000 }))),
            affectedItems: T.Optional(
              nullable(
                T.Array(
                  T.Object({ productId: T.String({ minLength: 1 }), quantity: T.Integer({ minimum: 1 }) }),
                  {
                    minItems: 1,
                  },
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: T.Object({ verification: VerificationSchema }), ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const b = request.body as {
        verified: boolean;
        liableParty: LiableParty;
        findings: string;
        evidenceIds?: string[];
        foodSafetyViolation?: boolean;
        fraud?: boolean;
        lossFen?: number | null;
        affectedItems?: { productId: string; quantity: number }[] | null;
      };
      await recordVerification(ctx, principalOf(request), ticketNo, {
        verified: b.verified,
        liableParty: b.liableParty,
        findings: b.findings.trim(),
        evidenceIds: b.evidenceIds ?? [],
        foodSafetyViolation: b.foodSafetyViolation ?? false,
        fraud: b.fraud ?? false,
        lossFen: b.lossFen ?? null,
        affectedItems: b.affectedItems ?? null,
      });
      return { verification: verificationView((await findVerification(ctx.db, ticketNo))!) };
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo/remedy-proposal",
    {
      preValidation: need("remedies.read"),
      schema: {
        tags: ["remedies"],
        summary:
          "What the ticket's policy pack proposes now, with reasons, options, statutory floors and limits",
        description:
          "`items` and `reasons` are the pack's standard remedy for the ticket's line, category, sub-type, severity, " +
          "verification and order (amounts in fen). `alternatives` are the pack's other options; `statutory` the " +
          "legal options the case meets, with their legal basis; `approval` says whether a supervisor must approve.",
        params: TicketParams,
        response: {
          200: T.Object({
            items: T.Array(ItemSchema),
            reasons: T.Array(T.String()),
            source: lit(["rule", "no_fault", "none"] as const),
            ruleIndex: nullable(T.Integer()),
            alternatives: T.Array(OptionSchema),
            statutory: T.Array(
              T.Object({
                statute: T.String(),
                law: T.String(),
                items: T.Array(ItemSchema),
                reasons: T.Array(T.String()),
              }),
            ),
            approval: T.Object({
              required: T.Boolean(),
              reasons: T.Array(T.String()),
              moneyFen: T.Integer(),
              compensationFen: T.Integer(),
            }),
            limits: T.Object({ amountFen: T.Integer(), compensationMultiple: T.Number() }),
            priceFen: T.Integer(),
            refundableFen: T.Integer(),
            compensationCapFen: T.Integer(),
            executionPlan: T.Array(
              T.Object({
                action: T.String(),
                department: T.String(),
                deadline: T.Object({ hours: T.Optional(T.Integer()), businessDays: T.Optional(T.Integer()) }),
                afterStep: nullable(T.Integer()),
              }),
            ),
            verification: nullable(VerificationSchema),
            packVersion: T.String(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const t = await visibleTicket(ctx, request, ticketNo);
      const locale = localeOf(request);
      const pack = ctx.packs.get(t.business_line as BusinessLine)!;
      const { proposal } = await proposalFor(ctx, ctx.db, t);
      const verification = await findVerification(ctx.db, ticketNo);
      return {
        ...optionView(proposal, locale),
        source: proposal.source,
        ruleIndex: proposal.ruleIndex,
        alternatives: proposal.alternatives.map((o) => optionView(o, locale)),
        statutory: proposal.statutory.map((s) => ({
          ...optionView(s, locale),
          statute: s.statute,
          law: s.law[locale],
        })),
        approval: { ...proposal.approval, reasons: words(proposal.approval.reasons, locale) },
        limits: pack.remedyPolicy.approvalLimits,
        priceFen: proposal.priceFen,
        refundableFen: proposal.refundableFen,
        compensationCapFen: proposal.compensationCapFen,
        executionPlan: planExecution(pack, proposal.items, proposal.deadlineHours).map((o) => ({
          action: o.action,
          department: o.department,
          deadline: o.deadline,
          afterStep: o.blockedByStep,
        })),
        verification: verification ? verificationView(verification) : null,
        packVersion: pack.version,
      };
    },
  );

  app.post(
    "/api/v1/tickets/:ticketNo/remedies",
    {
      preValidation: need("remedies.propose"),
      schema: {
        tags: ["remedies"],
        summary: "Decide the remedy: the proposal as it stands (no items) or adjusted items",
        description:
          "Within the pack's approval limits the remedy is approved at once (execution orders and payouts open); " +
          "above them it waits in the approvals inbox. Refunds above what is refundable or compensation above the " +
          "cap are refused for everyone (400). A repeated `Idempotency-Key` answers the same remedy (200).",
        params: TicketParams,
        headers: T.Object({ "idempotency-key": T.Optional(T.String({ maxLength: 128 })) }),
        body: T.Object(
          {
            items: T.Optional(T.Array(ItemSchema, { maxItems: 10 })),
            note: T.Optional(T.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RemedySchema, 201: RemedySchema, ...errors },
      },
    },
    async (request, reply) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const body = request.body as {
        items?: { kind: string; amountFen?: number; payer: string }[];
        note?: string;
      };
      const key = request.headers["idempotency-key"];
      const { remedy, replayed } = await decideRemedy(ctx, principalOf(request), ticketNo, {
        items: body.items?.map((i) => ({
          ...(i as RemedyItem),
          ...(i.amountFen !== undefined ? { amountFen: fen(i.amountFen) } : {}),
        })),
        note: body.note?.trim() || undefined,
        idempotencyKey: typeof key === "string" && key ? key : undefined,
      });
      reply.status(replayed ? 200 : 201);
      return remedyView(remedy, localeOf(request));
    },
  );

  app.get(
    "/api/v1/tickets/:ticketNo/remedies",
    {
      preValidation: need("remedies.read"),
      schema: {
        tags: ["remedies"],
        summary: "The ticket's remedies, oldest first",
        params: TicketParams,
        response: { 200: T.Object({ items: T.Array(RemedySchema) }), ...errors },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      await visibleTicket(ctx, request, ticketNo);
      const locale = localeOf(request);
      return { items: (await remediesOfTicket(ctx.db, ticketNo)).map((r) => remedyView(r, locale)) };
    },
  );

  app.get(
    "/api/v1/remedies",
    {
      preValidation: need("remedies.read"),
      schema: {
        tags: ["remedies"],
        summary:
          "The approvals inbox: remedies waiting for a supervisor (or of another status), oldest first",
        querystring: T.Object({
          status: T.Optional(lit(["pending_approval", "approved", "rejected", "superseded"] as const)),
          businessLine: T.Optional(T.String()),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
          offset: T.Optional(T.Integer({ minimum: 0, default: 0 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({
                ...RemedySchema.properties,
                ticket: T.Object({
                  category: T.String(),
                  subType: nullable(T.String()),
                  severity: T.String(),
                  priority: T.Integer(),
                  merchantId: T.String(),
                }),
              }),
            ),
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
        status?: RemedyRow["status"];
        businessLine?: string;
        limit?: number;
        offset?: number;
      };
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const locale = localeOf(request);
      const result = await listRemedies(ctx.db, {
        status: q.status ?? "pending_approval",
        businessLine: q.businessLine,
        limit,
        offset,
      });
      return {
        items: result.items.map((r) => ({
          ...remedyView(r, locale),
          ticket: {
            category: r.category,
            subType: r.sub_type,
            severity: r.severity,
            priority: r.priority,
            merchantId: r.merchant_id,
          },
        })),
        total: result.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    "/api/v1/remedies/:remedyId",
    {
      preValidation: need("remedies.read"),
      schema: {
        tags: ["remedies"],
        summary: "One remedy, with the proposal it was decided on",
        params: RemedyParams,
        response: {
          200: T.Object({ ...RemedySchema.properties, proposal: T.Record(T.String(), T.Unknown()) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { remedyId } = request.params as { remedyId: string };
      const r = await visibleRemedy(ctx, request, remedyId);
      return { ...remedyView(r, localeOf(request)), proposal: r.proposal };
    },
  );

  app.post(
    "/api/v1/remedies/:remedyId/approve",
    {
      preValidation: need("remedies.approve"),
      schema: {
        tags: ["remedies"],
        summary: "Approve a remedy waiting for a supervisor (approving an approved one changes nothing)",
        params: RemedyParams,
        body: T.Optional(T.Object({ note: T.Optional(T.String({ maxLength: 1000 })) })),
        response: { 200: RemedySchema, ...errors },
      },
    },
    async (request) => {
      const { remedyId } = request.params as { remedyId: string };
      const note = (request.body as { note?: string } | undefined)?.note?.trim() || undefined;
      const r = await approveRemedy(ctx, principalOf(request), remedyId, note);
      return remedyView(r, localeOf(request));
    },
  );

  app.post(
    "/api/v1/remedies/:remedyId/reject",
    {
      preValidation: need("remedies.approve"),
      schema: {
        tags: ["remedies"],
        summary: "Reject a remedy waiting for a supervisor, with the reason",
        params: RemedyParams,
        body: T.Object({ reason: T.String({ minLength: 1, maxLength: 1000 }) }),
        response: { 200: RemedySchema, ...errors },
      },
    },
    async (request) => {
      const { remedyId } = request.params as { remedyId: string };
      const { reason } = request.body as { reason: string };
      const r = await rejectRemedy(ctx, principalOf(request), remedyId, reason.trim());
      return remedyView(r, localeOf(request));
    },
  );

  app.post(
    "/api/v1/remedies/:remedyId/execute",
    {
      preValidation: need("remedies.propose"),
      schema: {
        tags: ["remedies"],
        summary: "Pay the approved remedy's due payouts now instead of at the next tick (never twice)",
        params: RemedyParams,
        response: {
          200: T.Object({
            remedyId: T.String(),
            attempted: T.Integer(),
            payouts: T.Array(
              T.Object({ id: T.String(), kind: T.String(), amountFen: T.Integer(), status: T.String() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { remedyId } = request.params as { remedyId: string };
      const r = await visibleRemedy(ctx, request, remedyId);
      if (r.status !== "approved")
        throw conflict("REMEDY_NOT_APPROVED", text("方案尚未审批通过", "The remedy is not approved"));
      const attempted = await payDue(ctx, { remedyId });
      const entries = await listEntries(ctx.db, { ticketNo: r.ticket_no });
      return {
        remedyId,
        attempted,
        payouts: entries
          .filter((e) => e.remedy_id === remedyId && e.direction === "payout")
          .map((e) => ({ id: e.id, kind: e.kind, amountFen: e.amount_fen, status: e.status })),
      };
    },
  );

  remedyCustomerRoutes(app, ctx);
}
