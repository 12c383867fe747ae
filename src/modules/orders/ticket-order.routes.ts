import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { recordPersonalDataAccess } from "../privacy/privacy.commands.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import { need, principalOf } from "../users/auth.ts";
import { canSeeTicket } from "../users/roles.ts";
import { findOrder, namesOfIds } from "./orders.store.ts";

/**
 * The order behind a ticket, for the agent's workspace: items, amounts, merchant, rider, region, batch.
 * Reached through the ticket so the ticket's scope decides who may read it; the customer's phone stays
 * on the ticket, where its masking rules live.
 */
export function ticketOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    "/api/v1/tickets/:ticketNo/order",
    {
      preValidation: need("tickets.read"),
      schema: {
        tags: ["tickets"],
        summary: "The order the ticket is about (items, amounts in fen, merchant, rider, region, batches)",
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        response: {
          200: T.Object({
            orderNo: T.String(),
            businessLine: T.String(),
            merchantId: T.String(),
            merchantName: T.Union([T.String(), T.Null()], {
              description: "null when the merchant is not on file",
            }),
            riderId: T.Union([T.String(), T.Null()]),
            riderName: T.Union([T.String(), T.Null()]),
            region: T.String(),
            items: T.Array(
              T.Object({
                productId: T.String(),
                name: T.String(),
                batchNo: T.Union([T.String(), T.Null()]),
                quantity: T.Integer(),
                unitPriceFen: T.Integer(),
                amountFen: T.Integer(),
              }),
            ),
            paidFen: T.Integer(),
            paidAt: T.String(),
            promisedAt: T.Union([T.String(), T.Null()]),
            deliveredAt: T.Union([T.String(), T.Null()]),
          }),
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const ticket = await findTicket(ctx.db, ticketNo);
      if (!ticket || !canSeeTicket(principalOf(request), ticket))
        throw new AppError("NOT_FOUND", 404, text("服务单不存在", "Ticket not found"));
      const order = await findOrder(ctx.db, ticket.order_no);
      if (!order) throw new AppError("NOT_FOUND", 404, text("订单不存在", "Order not found"));
      await recordPersonalDataAccess(ctx, principalOf(request), request.routeOptions.url ?? "", [
        { phone: ticket.customer_phone, ticketNo, fields: ["order"] },
      ]);
      const names = await namesOfIds(ctx.db, { merchant: order.merchant_id, rider: order.rider_id });
      return {
        orderNo: order.order_no,
        businessLine: order.business_line,
        merchantId: order.merchant_id,
        merchantName: names.merchant,
        riderId: order.rider_id,
        riderName: names.rider,
        region: order.region,
        items: order.items.map((i) => ({
          productId: i.productId,
          name: i.name,
          batchNo: i.batchNo ?? null,
          quantity: i.quantity,
          unitPriceFen: i.unitPriceFen,
          amountFen: i.quantity * i.unitPriceFen,
        })),
        paidFen: order.paid_fen,
        paidAt: order.paid_at.toISOString(),
        promisedAt: order.promised_at?.toISOString() ?? null,
        deliveredAt: order.delivered_at?.toISOString() ?? null,
      };
    },
  );
}
