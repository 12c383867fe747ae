import type { FastifyInstance } from "fastify";
import { Type as T, type TSchema } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { findOrder } from "../orders/orders.store.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket } from "../users/roles.ts";
import { recordResult, retryPayout } from "./ledger.commands.ts";
import { ENTRY_KINDS, ENTRY_STATUSES, REFUND_ENTRY_KINDS } from "./ledger.domain.ts";
import { type EntryRow, findAccount, findEntry, listAttempts, listEntries } from "./ledger.store.ts";
import { parseProviderAnswer, paymentsOf, verifySignature } from "./payments.ts";

/**
 * The ledger over HTTP: every entry of a ticket or an order with its attempts (who authorised it, which
 * provider, which reference), finance's retry of a failed payout, and the signed callback through which
 * the operator's payment service confirms payouts it first answered `pending`.
 */
const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const nullable = (schema: TSchema) => T.Union([schema, T.Null()]);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

const EntrySchema = T.Object({
  id: T.String({ description: "also the idempotency key sent to the provider" }),
  ticketNo: T.String(),
  orderNo: T.String(),
  remedyId: T.String(),
  executionOrderId: nullable(T.String()),
  kind: lit(ENTRY_KINDS),
  direction: lit(["payout", "charge"] as const),
  party: T.String({ description: "payout: the customer; charge: the liable party" }),
  partyId: nullable(T.String()),
  payer: T.String(),
  amountFen: T.Integer(),
  status: lit(ENTRY_STATUSES),
  attempts: T.Integer(),
  nextAttemptAt: nullable(T.String()),
  provider: nullable(T.String()),
  providerRef: nullable(T.String()),
  lastError: nullable(T.String()),
  authorisedBy: T.String(),
  createdAt: T.String(),
  settledAt: nullable(T.String()),
  trace: T.Array(
    T.Object({
      attempt: T.Integer(),
      startedAt: T.String(),
      finishedAt: nullable(T.String()),
      outcome: nullable(T.String()),
      providerRef: nullable(T.String()),
      error: nullable(T.String()),
    }),
  ),
});

const TotalsSchema = T.Object({
  refundedFen: T.Integer({ description: "refunds and price differences paid" }),
  compensatedFen: T.Integer(),
  couponFen: T.Integer(),
  inFlightFen: T.Integer({ description: "payouts held, pending, in progress or failed" }),
  chargedFen: T.Integer({ description: "charged to liable parties" }),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function entriesView(ctx: AppContext, entries: EntryRow[]) {
  const attempts = await listAttempts(
    ctx.db,
    entries.map((e) => e.id),
  );
  return entries.map((e) => ({
    id: e.id,
    ticketNo: e.ticket_no,
    orderNo: e.order_no,
    remedyId: e.remedy_id,
    executionOrderId: e.execution_order_id,
    kind: e.kind,
    direction: e.direction,
    party: e.party,
    partyId: e.party_id,
    payer: e.payer,
    amountFen: e.amount_fen,
    status: e.status,
    attempts: e.attempts,
    nextAttemptAt: iso(e.next_attempt_at),
    provider: e.provider,
    providerRef: e.provider_ref,
    lastError: e.last_error,
    authorisedBy: e.authorised_by,
    createdAt: e.created_at.toISOString(),
    settledAt: iso(e.settled_at),
    trace: attempts
      .filter((a) => a.entry_id === e.id)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at.toISOString(),
        finishedAt: iso(a.finished_at),
        outcome: a.outcome,
        providerRef: a.provider_ref,
        error: a.error,
      })),
  }));
}

export function totalsOf(entries: readonly EntryRow[]) {
  const sum = (pick: (e: EntryRow) => boolean) => entries.filter(pick).reduce((s, e) => s + e.amount_fen, 0);
  const paidOut = (e: EntryRow) => e.direction === "payout" && e.status === "succeeded";
  return {
    refundedFen: sum((e) => paidOut(e) && REFUND_ENTRY_KINDS.includes(e.kind)),
    compensatedFen: sum((e) => paidOut(e) && e.kind === "compensation"),
    couponFen: sum((e) => paidOut(e) && e.kind === "coupon"),
    inFlightFen: sum(
      (e) => e.direction === "payout" && ["held", "pending", "processing", "failed"].includes(e.status),
    ),
    chargedFen: sum((e) => e.direction === "charge"),
  };
}

const notFound = (what: "ticket" | "order" | "entry") =>
  new AppError(
    "NOT_FOUND",
    404,
    what === "ticket"
      ? text("服务单不存在", "Ticket not found")
      : what === "order"
        ? text("订单不存在", "Order not found")
        : text("账目不存在", "Ledger entry not found"),
  );

export function ledgerRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Settings are read and checked at start: a bad payment setting stops the process.
  paymentsOf(ctx);

  app.get(
    "/api/v1/tickets/:ticketNo/ledger",
    {
      preValidation: need("ledger.read"),
      schema: {
        tags: ["ledger"],
        summary: "The ticket's money: every payout and charge with its attempts, and the totals",
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        response: {
          200: T.Object({ ticketNo: T.String(), entries: T.Array(EntrySchema), totals: TotalsSchema }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const t = await findTicket(ctx.db, ticketNo);
      if (!t || !canSeeTicket(principalOf(request), t)) throw notFound("ticket");
      const entries = await listEntries(ctx.db, { ticketNo });
      return { ticketNo, entries: await entriesView(ctx, entries), totals: totalsOf(entries) };
    },
  );

  app.get(
    "/api/v1/orders/:orderNo/ledger",
    {
      preValidation: need("ledger.read"),
      schema: {
        tags: ["ledger"],
        summary: "The order's money across its tickets: paid, reserved, refundable, and every entry",
        params: T.Object({ orderNo: T.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: T.Object({
            orderNo: T.String(),
            paidFen: T.Integer(),
            reservedRefundFen: T.Integer({
              description: "refunds approved, paid or not: never above paidFen",
            }),
            refundableFen: T.Integer(),
            reservedCompensationFen: T.Integer(),
            compensationCapFen: T.Integer(),
            entries: T.Array(EntrySchema),
            totals: TotalsSchema,
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { orderNo } = request.params as { orderNo: string };
      const order = await findOrder(ctx.db, orderNo);
      if (!order) throw notFound("order");
      const account = await findAccount(ctx.db, orderNo);
      const entries = await listEntries(ctx.db, { orderNo });
      const reserved = account?.refundedFen ?? 0;
      return {
        orderNo,
        paidFen: order.paid_fen,
        reservedRefundFen: reserved,
        refundableFen: Math.max(0, order.paid_fen - reserved),
        reservedCompensationFen: account?.compensatedFen ?? 0,
        compensationCapFen: account?.compensationCapFen ?? 0,
        entries: await entriesView(ctx, entries),
        totals: totalsOf(entries),
      };
    },
  );

  app.post(
    "/api/v1/ledger/entries/:entryId/retry",
    {
      preValidation: need("ledger.manage"),
      schema: {
        tags: ["ledger"],
        summary: "Retry a payout that failed for good: another round of attempts under the same key",
        params: T.Object({ entryId: T.String({ pattern: "^[A-Z]{2}\\d{8,}-R\\d+-P\\d+$" }) }),
        response: {
          200: T.Object({ id: T.String(), status: T.String(), nextAttemptAt: nullable(T.String()) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { entryId } = request.params as { entryId: string };
      const e = await retryPayout(ctx, principalOf(request), entryId);
      return { id: e.id, status: e.status, nextAttemptAt: iso(e.next_attempt_at) };
    },
  );

  // The callback needs the body's exact bytes for its signature: its own JSON parser, in its own scope.
  app.register(async (scope) => {
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
      (request as unknown as { rawBody: string }).rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        (error as { statusCode?: number }).statusCode = 400;
        done(error as Error, undefined);
      }
    });
    scope.post(
      "/api/v1/payments/callback",
      {
        schema: {
          tags: ["ledger"],
          summary: "The payment service confirms a payout (signed like our requests; webhook adapter only)",
          description:
            "Headers `X-Aftersale-Timestamp` (Unix seconds) and `X-Aftersale-Signature: sha256=<hex HMAC of " +
            "'<timestamp>.<body>' with PAYMENT_WEBHOOK_SECRET>`. Body `{idempotencyKey, status, reference, error?, retryable?}`.",
          security: [],
          body: T.Object({
            idempotencyKey: T.String({ minLength: 1, maxLength: 64 }),
            status: lit(["succeeded", "pending", "failed"] as const),
            reference: T.Optional(T.String({ maxLength: 128 })),
            error: T.Optional(T.String({ maxLength: 500 })),
            retryable: T.Optional(T.Boolean()),
          }),
          response: { 200: T.Object({ id: T.String(), status: T.String() }), ...errors },
        },
      },
      async (request) => {
        const { settings } = paymentsOf(ctx);
        const raw = (request as unknown as { rawBody?: string }).rawBody ?? "";
        const ok =
          settings.webhook !== null &&
          verifySignature(
            settings.webhook.secret,
            request.headers["x-aftersale-timestamp"] as string | undefined,
            raw,
            request.headers["x-aftersale-signature"] as string | undefined,
            ctx.clock.now(),
          );
        if (!ok) throw new AppError("BAD_SIGNATURE", 401, text("签名无效", "Invalid or missing signature"));
        const { idempotencyKey } = request.body as { idempotencyKey: string };
        const entry = await findEntry(ctx.db, idempotencyKey);
        if (entry?.direction !== "payout") throw notFound("entry");
        const after = await recordResult(ctx, entry.id, null, parseProviderAnswer(raw));
        return { id: entry.id, status: after?.status ?? entry.status };
      },
    );
  });
}
