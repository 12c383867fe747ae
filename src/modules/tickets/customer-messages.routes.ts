import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { conflict, text, validationError } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { findAttachmentsForIntake, linkAttachments } from "../attachments/attachments.store.ts";
import { unusableAttachments } from "../intake/intake.domain.ts";
import { ticketOfCustomer } from "./customer-access.ts";
import { recordCustomerMessage } from "./customer-message.ts";
import { findTicket } from "./tickets.store.ts";

const MAX_WORDS = 2000;
const MAX_FILES = 9;
const CUSTOMER = { id: null, name: "customer", role: "customer" };

/**
 * The customer answers on the progress page: the details or photos an agent asked for (需补充材料), or
 * anything they want to add. Their key is the ticket number and phone, as for reading progress.
 */
export function customerMessagesRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    "/api/v1/tickets/:ticketNo/messages",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["tickets"],
        summary: "The customer adds words or evidence to their ticket (ticket number + phone)",
        description:
          "A ticket waiting for the customer (awaiting_customer, needs_info) goes back to in_progress. " +
          "404 alike for a wrong phone or an unknown ticket; 409 TICKET_CLOSED once the ticket is closed. " +
          "Photos and videos are uploaded first (POST /api/v1/attachments) and named in attachmentIds.",
        params: T.Object({ ticketNo: T.String({ pattern: "^[A-Z]{2}\\d{8,}$" }) }),
        body: T.Object(
          {
            phone: T.String({ minLength: 1, maxLength: 20 }),
            body: T.String({ maxLength: MAX_WORDS }),
            attachmentIds: T.Optional(T.Array(T.String({ maxLength: 64 }), { maxItems: MAX_FILES })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: T.Object({ ticketNo: T.String(), status: T.String() }),
          400: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { ticketNo } = request.params as { ticketNo: string };
      const b = request.body as { phone: string; body: string; attachmentIds?: string[] };
      const ticket = await ticketOfCustomer(ctx, ticketNo, b.phone);
      const words = b.body.trim();
      const ids = [...new Set(b.attachmentIds ?? [])];
      if (!words && !ids.length)
        throw validationError([
          {
            field: "body",
            code: "REQUIRED",
            message: text("请填写补充说明，或上传照片", "Please write what you want to add, or add a photo"),
          },
        ]);
      if (ticket.status === "closed")
        throw conflict(
          "TICKET_CLOSED",
          text(
            "服务单已关闭，如仍有问题请重新提交申请",
            "This request is closed; if the problem remains, please file a new request",
          ),
        );
      const found = ids.length ? await findAttachmentsForIntake(ctx.db, ids) : [];
      const unusable = unusableAttachments(ids, found);
      if (unusable.length) throw validationError(unusable);
      await recordCustomerMessage(
        ctx,
        ticketNo,
        CUSTOMER,
        { type: "customer_message", visibility: "customer", channel: "web", data: { body: words } },
        async (trx) => ({ attachments: await linkAttachments(trx, ids, ticketNo) }),
      );
      reply.code(201);
      return { ticketNo, status: (await findTicket(ctx.db, ticketNo))?.status ?? ticket.status };
    },
  );
}
