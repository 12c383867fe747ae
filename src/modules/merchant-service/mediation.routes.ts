import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { need, principalOf } from "../users/auth.ts";
import { decideMediation, mediationNotFound } from "./mediation.commands.ts";
import { findMediation, listMediations, type MediationRow } from "./merchant-service.store.ts";
import { MEDIATION_PARTIES, type MediationParty } from "./verification.domain.ts";

/** The mediation queue (调解) of the platform's mediators: supervisors, managers, admins. */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const IdParams = T.Object({ id: T.String({ pattern: "^MD\\d{14}$" }) });

const Side = T.Object({ statement: nullable(T.String()), evidence: T.Array(T.String()) });
const MediationSchema = T.Object({
  id: T.String(),
  ticketNo: T.String(),
  merchantId: T.String(),
  source: lit(["merchant_dispute", "remedy_dispute"] as const),
  status: lit(["open", "decided"] as const),
  merchant: Side,
  customer: Side,
  openedAt: T.String(),
  decision: nullable(
    T.Object({ liable: lit(MEDIATION_PARTIES), reason: T.String(), by: T.String(), at: T.String() }),
  ),
});

const view = (m: MediationRow) => ({
  id: m.id,
  ticketNo: m.ticket_no,
  merchantId: m.merchant_id,
  source: m.source,
  status: m.status,
  merchant: { statement: m.merchant_statement, evidence: m.merchant_evidence },
  customer: { statement: m.customer_statement, evidence: m.customer_evidence },
  openedAt: m.opened_at.toISOString(),
  decision:
    m.status === "decided" && m.liable && m.decided_at
      ? {
          liable: m.liable as MediationParty,
          reason: m.reason ?? "",
          by: m.decided_by ?? "",
          at: m.decided_at.toISOString(),
        }
      : null,
});

export function mediationRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/mediations",
    {
      preValidation: need("mediations.read"),
      schema: {
        tags: ["merchant-service"],
        summary: "The mediation queue: open disputes oldest first",
        querystring: T.Object({
          status: T.Optional(lit(["open", "decided"] as const)),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: T.Object({
            items: T.Array(
              T.Intersect([MediationSchema, T.Object({ businessLine: T.String(), category: T.String() })]),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query as { status?: "open" | "decided"; limit?: number };
      const rows = await listMediations(ctx.db, q.status, q.limit ?? 50);
      return {
        items: rows.map((r) => ({ ...view(r), businessLine: r.business_line, category: r.category })),
      };
    },
  );

  app.get(
    "/api/v1/mediations/:id",
    {
      preValidation: need("mediations.read"),
      schema: {
        tags: ["merchant-service"],
        summary: "One mediation: both sides' statements and evidence (attachment ids), and the decision",
        params: IdParams,
        response: { 200: MediationSchema, ...errors },
      },
    },
    async (request) => {
      const m = await findMediation(ctx.db, (request.params as { id: string }).id);
      if (!m) throw mediationNotFound();
      return view(m);
    },
  );

  app.post(
    "/api/v1/mediations/:id/decision",
    {
      preValidation: need("mediations.decide"),
      schema: {
        tags: ["merchant-service"],
        summary: "Decide who is liable; recorded on the ticket as its liability for the remedy proposal",
        params: IdParams,
        body: T.Object(
          { liable: lit(MEDIATION_PARTIES), reason: T.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: MediationSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body as { liable: MediationParty; reason: string };
      const m = await decideMediation(ctx, principalOf(request), (request.params as { id: string }).id, b);
      return view(m);
    },
  );
}
