import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { BUSINESS_LINES } from "../../policy-packs/schema.ts";
import { need } from "../users/auth.ts";
import { findOrder, type OrderInput, upsertOrder } from "./orders.store.ts";

/** The largest amount or count a 32-bit integer column (paid_fen, …) holds: about 21 million yuan. */
const INT4_MAX = 2_147_483_647;

const Item = T.Object({
  productId: T.String({ minLength: 1, maxLength: 64 }),
  name: T.String({ minLength: 1, maxLength: 200 }),
  batchNo: T.Optional(T.String({ maxLength: 64 })),
  quantity: T.Integer({ minimum: 1, maximum: INT4_MAX }),
  unitPriceFen: T.Integer({ minimum: 0, maximum: INT4_MAX }),
});

export const OrderBody = T.Object({
  businessLine: T.Union(BUSINESS_LINES.map((l) => T.Literal(l))),
  customerPhone: T.String({ pattern: "^1[3-9]\\d{9}$" }),
  merchantId: T.String({ minLength: 1, maxLength: 64 }),
  riderId: T.Optional(T.Union([T.String({ minLength: 1, maxLength: 64 }), T.Null()])),
  region: T.String({ minLength: 1, maxLength: 64 }),
  items: T.Array(Item, { minItems: 1, maxItems: 200 }),
  paidFen: T.Integer({ minimum: 0, maximum: INT4_MAX }),
  paidAt: T.String({ format: "date-time" }),
  promisedAt: T.Optional(T.Union([T.String({ format: "date-time" }), T.Null()])),
  deliveredAt: T.Optional(T.Union([T.String({ format: "date-time" }), T.Null()])),
});

const OrderOut = T.Object({
  orderNo: T.String(),
  ...OrderBody.properties,
  riderId: T.Union([T.String(), T.Null()]),
  promisedAt: T.Union([T.String(), T.Null()]),
  deliveredAt: T.Union([T.String(), T.Null()]),
});

export function ordersRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.put(
    "/api/v1/orders/:orderNo",
    {
      preValidation: need("orders.write"),
      schema: {
        tags: ["orders"],
        summary: "Upsert an order pushed by the order system",
        params: T.Object({ orderNo: T.String({ pattern: "^[A-Za-z0-9_-]{1,64}$" }) }),
        body: OrderBody,
        response: { 200: OrderOut, 201: OrderOut, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { orderNo } = request.params as { orderNo: string };
      const { created } = await upsertOrder(ctx.db, orderNo, request.body as OrderInput, ctx.clock.now());
      const row = (await findOrder(ctx.db, orderNo))!;
      reply.status(created ? 201 : 200);
      return {
        orderNo: row.order_no,
        businessLine: row.business_line,
        customerPhone: row.customer_phone,
        merchantId: row.merchant_id,
        riderId: row.rider_id,
        region: row.region,
        items: row.items,
        paidFen: row.paid_fen,
        paidAt: row.paid_at.toISOString(),
        promisedAt: row.promised_at?.toISOString() ?? null,
        deliveredAt: row.delivered_at?.toISOString() ?? null,
      };
    },
  );
}
