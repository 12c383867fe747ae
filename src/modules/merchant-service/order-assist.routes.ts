import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { findAccount } from "../ledger/ledger.store.ts";
import { findOrder } from "../orders/orders.store.ts";
import { listTickets } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { anomaliesOf, stageOf } from "./order-assist.domain.ts";

/**
 * Order assistance (订单处理协助): where an order stands and what is wrong with it, for the merchant-service
 * agent on the phone with a merchant, and for the merchant itself on its own orders. The customer's phone
 * is not part of it: the merchant does not need it to settle an order question.
 */
const nullable = <S extends ReturnType<typeof T.String>>(s: S) => T.Union([s, T.Null()]);
const OrderAssistSchema = T.Object({
  orderNo: T.String(),
  businessLine: T.String(),
  merchantId: T.String(),
  region: T.String(),
  stage: T.Union([T.Literal("paid"), T.Literal("delivered"), T.Literal("overdue")]),
  items: T.Array(T.Object({ name: T.String(), quantity: T.Integer(), batchNo: nullable(T.String()) })),
  paidFen: T.Integer(),
  refundedFen: T.Integer(),
  compensatedFen: T.Integer(),
  paidAt: T.String(),
  promisedAt: nullable(T.String()),
  deliveredAt: nullable(T.String()),
  complaints: T.Array(
    T.Object({ ticketNo: T.String(), status: T.String(), category: T.String(), createdAt: T.String() }),
  ),
  anomalies: T.Array(T.Object({ code: T.String(), message: T.String() })),
});
const schema = (summary: string) => ({
  tags: ["merchant-service"],
  summary,
  params: T.Object({ orderNo: T.String({ minLength: 1, maxLength: 40 }) }),
  response: { 200: OrderAssistSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
});

export function orderAssistRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** `merchantIds`: the merchant's own stores, or undefined for staff who may look up any order. */
  const lookUp = async (request: FastifyRequest, merchantIds: string[] | undefined) => {
    const { orderNo } = request.params as { orderNo: string };
    const order = await findOrder(ctx.db, orderNo);
    if (!order || (merchantIds && !merchantIds.includes(order.merchant_id)))
      throw new AppError("NOT_FOUND", 404, text("订单不存在", "Order not found"));
    const [account, { items: complaints }] = await Promise.all([
      findAccount(ctx.db, orderNo),
      listTickets(ctx.db, {
        orderNo,
        merchantIds: [order.merchant_id],
        limit: 50,
        offset: 0,
        sort: "created_desc",
      }),
    ]);
    const now = ctx.clock.now();
    const facts = {
      paidAt: order.paid_at,
      promisedAt: order.promised_at,
      deliveredAt: order.delivered_at,
      paidFen: order.paid_fen,
      refundedFen: account?.refundedFen ?? 0,
      compensatedFen: account?.compensatedFen ?? 0,
      complaints: complaints.map((t) => ({ status: t.status, category: t.category })),
    };
    const locale = localeOf(request);
    return {
      orderNo: order.order_no,
      businessLine: order.business_line,
      merchantId: order.merchant_id,
      region: order.region,
      stage: stageOf(facts, now),
      items: order.items.map((i) => ({ name: i.name, quantity: i.quantity, batchNo: i.batchNo ?? null })),
      paidFen: facts.paidFen,
      refundedFen: facts.refundedFen,
      compensatedFen: facts.compensatedFen,
      paidAt: order.paid_at.toISOString(),
      promisedAt: order.promised_at?.toISOString() ?? null,
      deliveredAt: order.delivered_at?.toISOString() ?? null,
      complaints: complaints.map((t) => ({
        ticketNo: t.ticket_no,
        status: t.status,
        category: t.category,
        createdAt: t.created_at.toISOString(),
      })),
      anomalies: anomaliesOf(facts, now).map((a) => ({ code: a.code, message: a.message[locale] })),
    };
  };

  app.get(
    "/api/v1/merchant/orders/:orderNo",
    {
      preValidation: need("merchant.requests"),
      schema: schema("One of your orders: its stage and anomalies"),
    },
    (request) => lookUp(request, principalOf(request).merchantIds),
  );
  app.get(
    "/api/v1/merchant-service/orders/:orderNo",
    {
      preValidation: need("merchant_requests.work"),
      schema: schema("Order assistance for a merchant: stage, refunds, open complaints and anomalies"),
    },
    (request) => lookUp(request, undefined),
  );
}
