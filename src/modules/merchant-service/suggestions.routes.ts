import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { need, principalOf } from "../users/auth.ts";
import { fileSuggestion, moveSuggestion, ownSuggestion, type StepInput } from "./suggestions.commands.ts";
import {
  RATINGS,
  type Rating,
  SUGGESTION_CATEGORIES,
  SUGGESTION_DEPARTMENTS,
  SUGGESTION_STATUSES,
  type SuggestionDepartment,
} from "./suggestions.domain.ts";
import { listSuggestions, type SuggestionRow } from "./suggestions.store.ts";

/**
 * Merchant suggestions (建议): merchants file and follow their own under `/merchant/suggestions`; the
 * merchant-service staff work the board under `/suggestions`.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const IdParams = T.Object({ id: T.String({ pattern: "^SG\\d{6,}$" }) });

const SuggestionSchema = T.Object({
  id: T.String(),
  merchantId: T.String(),
  proposer: T.String(),
  topic: T.String(),
  details: T.String(),
  category: lit(SUGGESTION_CATEGORIES),
  status: lit(SUGGESTION_STATUSES),
  assessment: nullable(
    T.Object({ feasibility: lit(RATINGS), value: lit(RATINGS), note: nullable(T.String()), by: T.String() }),
  ),
  department: nullable(lit(SUGGESTION_DEPARTMENTS)),
  result: nullable(T.Object({ text: T.String(), adopted: T.Boolean(), at: T.String() })),
  createdAt: T.String(),
});

const view = (s: SuggestionRow) => ({
  id: s.id,
  merchantId: s.merchant_id,
  proposer: s.proposer_name,
  topic: s.topic,
  details: s.details,
  category: s.category,
  status: s.status,
  assessment:
    s.feasibility && s.value
      ? { feasibility: s.feasibility, value: s.value, note: s.assessment, by: s.assessed_by ?? "" }
      : null,
  department: s.department,
  result:
    s.result !== null && s.reported_at
      ? { text: s.result, adopted: s.adopted ?? false, at: s.reported_at.toISOString() }
      : null,
  createdAt: s.created_at.toISOString(),
});

const ListQuery = T.Object({
  status: T.Optional(lit(SUGGESTION_STATUSES)),
  category: T.Optional(lit(SUGGESTION_CATEGORIES)),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
type ListQueryOf = { status?: string; category?: string; limit?: number };
const listReply = { 200: T.Object({ items: T.Array(SuggestionSchema) }), ...errors };

export function suggestionsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    "/api/v1/merchant/suggestions",
    {
      preValidation: need("merchant.suggest"),
      schema: {
        tags: ["merchant-service"],
        summary: "File a suggestion (建议) for one of your merchants; it is classified on arrival",
        body: T.Object(
          {
            topic: T.String({ minLength: 2, maxLength: 100 }),
            details: T.String({ minLength: 5, maxLength: 4000 }),
            merchantId: T.Optional(
              T.String({ description: "which of your merchants; the first by default" }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: SuggestionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body as { topic: string; details: string; merchantId?: string };
      const s = await fileSuggestion(ctx, principalOf(request), b);
      return reply.code(201).send(view(s));
    },
  );

  app.get(
    "/api/v1/merchant/suggestions",
    {
      preValidation: need("merchant.suggest"),
      schema: {
        tags: ["merchant-service"],
        summary: "Your merchants' suggestions, newest first, with their status and result",
        querystring: ListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const q = request.query as ListQueryOf;
      const p = principalOf(request);
      const rows = await listSuggestions(ctx.db, { ...q, merchantIds: p.merchantIds, limit: q.limit ?? 50 });
      return { items: rows.map(view) };
    },
  );

  app.get(
    "/api/v1/merchant/suggestions/:id",
    {
      preValidation: need("merchant.suggest"),
      schema: {
        tags: ["merchant-service"],
        summary: "One of your merchants' suggestions",
        params: IdParams,
        response: { 200: SuggestionSchema, ...errors },
      },
    },
    async (request) =>
      view(await ownSuggestion(ctx, principalOf(request), (request.params as { id: string }).id)),
  );

  app.get(
    "/api/v1/suggestions",
    {
      preValidation: need("suggestions.manage"),
      schema: {
        tags: ["merchant-service"],
        summary: "The suggestion board of every merchant's suggestions, newest first",
        querystring: ListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const q = request.query as ListQueryOf;
      return { items: (await listSuggestions(ctx.db, { ...q, limit: q.limit ?? 50 })).map(view) };
    },
  );

  const step = <B>(path: string, summary: string, body: TSchema, input: (b: B) => StepInput) =>
    app.post(
      `/api/v1/suggestions/:id/${path}`,
      {
        preValidation: need("suggestions.manage"),
        schema: {
          tags: ["merchant-service"],
          summary,
          params: IdParams,
          body,
          response: { 200: SuggestionSchema, ...errors },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        return view(await moveSuggestion(ctx, principalOf(request), id, input(request.body as B)));
      },
    );
  step(
    "assessment",
    "Assess feasibility and value (again, until forwarded)",
    T.Object(
      { feasibility: lit(RATINGS), value: lit(RATINGS), note: T.String({ minLength: 1, maxLength: 2000 }) },
      { additionalProperties: false },
    ),
    (b: { feasibility: Rating; value: Rating; note: string }) => ({ step: "assess", ...b }),
  );
  step(
    "forward",
    "Forward an assessed suggestion to the department that owns the matter",
    T.Object(
      { department: lit(SUGGESTION_DEPARTMENTS), note: T.Optional(T.String({ maxLength: 2000 })) },
      { additionalProperties: false },
    ),
    (b: { department: SuggestionDepartment; note?: string }) => ({ step: "forward", ...b }),
  );
  step(
    "result",
    "Report the department's result back to the merchant",
    T.Object(
      { result: T.String({ minLength: 1, maxLength: 2000 }), adopted: T.Boolean() },
      { additionalProperties: false },
    ),
    (b: { result: string; adopted: boolean }) => ({ step: "report", ...b }),
  );
}
