import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, validationError } from "../../platform/errors.ts";
import { maskPhone } from "../../platform/format.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { invalidPhone, isMobilePhone, normalisePhone } from "../intake/intake.domain.ts";
import type { ChannelAdapter } from "../notifications/channels/channel.ts";
import { labelsOf } from "../reports/monthly-csv.ts";
import { myRequest, REQUESTS_LISTED } from "./my-requests.domain.ts";
import { requestsOfCustomer } from "./my-requests.store.ts";
import { requestCode, signIn, type Warn } from "./sign-in.commands.ts";
import { endCustomerSession, phoneOfSession } from "./sign-in.store.ts";

const errors = { 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema };
const PhoneBody = T.String({
  minLength: 1,
  maxLength: 20,
  description: "mainland mobile, spaces, - and +86 allowed",
});
const rateLimited = (ctx: AppContext) => ({
  rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" },
});

function phoneOf(raw: string): string {
  const phone = normalisePhone(raw);
  if (!isMobilePhone(phone)) throw validationError([invalidPhone("phone")]);
  return phone;
}

const signedOut = () =>
  new AppError(
    "UNAUTHORIZED",
    401,
    text("验证已过期，请重新获取验证码", "Your sign-in has expired; ask for a new code"),
  );

const customerToken = (request: FastifyRequest): string | null => {
  const header = request.headers.authorization;
  return header?.startsWith("Bearer cs_") ? header.slice(7).trim() : null;
};

/** The phone the request's customer session proved, or 401. Staff tokens are no customer's. */
async function customerPhone(ctx: AppContext, request: FastifyRequest): Promise<string> {
  const token = customerToken(request);
  const phone = token ? await phoneOfSession(ctx.db, token, ctx.clock.now()) : null;
  if (!phone) throw signedOut();
  return phone;
}

/**
 * "My requests": the customer proves their phone with a code by SMS and sees every request filed with
 * it, without the ticket numbers they may have lost. Public, rate-limited per address, and the codes
 * are limited per phone (sign-in.domain.ts).
 */
export function customersRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  sms: ChannelAdapter,
  warn: Warn,
): void {
  app.post(
    "/api/v1/customer/codes",
    {
      config: { rateLimit: { max: ctx.config.codeRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["customers"],
        summary: "Send a one-time sign-in code by SMS to a phone that has filed requests",
        description:
          "The answer is the same whether or not the phone has filed a request (only then is an SMS sent). " +
          "One code a minute and 10 a day per phone; 429 `CODE_TOO_SOON` / `TOO_MANY_CODES` with Retry-After.",
        body: T.Object({ phone: PhoneBody }, { additionalProperties: false }),
        response: {
          202: T.Object({ sentTo: T.String(), expiresAt: T.String(), resendAfterSeconds: T.Integer() }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const phone = phoneOf((request.body as { phone: string }).phone);
      const sent = await requestCode(ctx, sms, phone, localeOf(request), warn);
      reply.code(202);
      return {
        sentTo: maskPhone(phone),
        expiresAt: sent.expiresAt.toISOString(),
        resendAfterSeconds: sent.resendAfterSeconds,
      };
    },
  );

  app.post(
    "/api/v1/customer/sessions",
    {
      config: rateLimited(ctx),
      schema: {
        tags: ["customers"],
        summary: "Sign in with the code: a 30-minute customer token for GET /api/v1/customer/tickets",
        description:
          "400 `CODE_WRONG` (tries left in the message), or `CODE_EXPIRED` after 5 minutes, 5 wrong tries or once used.",
        body: T.Object(
          { phone: PhoneBody, code: T.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
        response: { 201: T.Object({ token: T.String(), expiresAt: T.String() }), ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { phone: string; code: string };
      const code = body.code.trim();
      if (!/^\d{6}$/.test(code)) {
        const message = text("请输入短信中的 6 位数字验证码", "Please enter the 6-digit code from the SMS");
        const details = [{ field: "code", code: "INVALID_CODE", message }];
        const phone = normalisePhone(body.phone);
        throw validationError(isMobilePhone(phone) ? details : [invalidPhone("phone"), ...details]);
      }
      const session = await signIn(ctx, phoneOf(body.phone), code);
      reply.code(201);
      return { token: session.token, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.delete(
    "/api/v1/customer/sessions/current",
    {
      config: rateLimited(ctx),
      schema: {
        tags: ["customers"],
        summary: "Sign out of my requests",
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const token = customerToken(request);
      if (token) await endCustomerSession(ctx.db, token);
      reply.code(204);
    },
  );

  app.get(
    "/api/v1/customer/tickets",
    {
      config: rateLimited(ctx),
      schema: {
        tags: ["customers"],
        summary: `The signed-in customer's requests, newest first (at most ${REQUESTS_LISTED})`,
        response: {
          200: T.Object({
            phone: T.String({ description: "masked" }),
            items: T.Array(
              T.Object({
                ticketNo: T.String(),
                businessLine: T.String(),
                orderNo: T.String(),
                category: T.String(),
                categoryLabel: T.String(),
                status: T.String(),
                summary: T.String(),
                mergedInto: T.Union([T.String(), T.Null()]),
                waitingForYou: T.Boolean(),
                createdAt: T.String(),
                updatedAt: T.String(),
                expectedCompletionAt: T.Union([T.String(), T.Null()]),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const phone = await customerPhone(ctx, request);
      const locale = localeOf(request);
      const rows = await requestsOfCustomer(ctx.db, phone, REQUESTS_LISTED);
      return {
        phone: maskPhone(phone),
        items: rows.map((r) =>
          myRequest(r, labelsOf(ctx.packs.get(r.business_line as BusinessLine), locale).category(r.category)),
        ),
      };
    },
  );
}
