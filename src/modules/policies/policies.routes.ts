import type { FastifyInstance } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import {
  BUSINESS_LINES,
  type BusinessLine,
  CHANNELS,
  type PolicyPack,
  PolicyPackSchema,
  RESOLUTIONS,
} from "../../policy-packs/schema.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { findOrderForIntake } from "../orders/orders.store.ts";
import { need } from "../users/auth.ts";

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));
const Label = T.Object({ "zh-CN": T.String(), en: T.String() });
const Hours = T.Object({ open: T.String(), close: T.String() });

/**
 * What a customer's form and a console need to know of a pack: the problem types with their labels,
 * the resolutions one may ask for, how long a description must be, and when service is open. Keywords,
 * thresholds and remedy rules stay inside: they would teach a claimant how to word a claim.
 */
const PublicPack = T.Object({
  businessLine: lit(BUSINESS_LINES),
  version: T.String(),
  labels: Label,
  serviceHours: T.Object({ workdays: Hours, holidays: Hours }),
  categories: T.Array(
    T.Object({
      code: T.String(),
      labels: Label,
      subTypes: T.Array(
        T.Object({
          code: T.String(),
          labels: Label,
          requiresForeignObjectEvidence: T.Boolean(),
        }),
      ),
    }),
  ),
  expectedResolutions: T.Array(lit(RESOLUTIONS)),
  descriptionMinLength: T.Object(
    Object.fromEntries(CHANNELS.map((c) => [c, T.Integer()])) as Record<
      (typeof CHANNELS)[number],
      ReturnType<typeof T.Integer>
    >,
  ),
});

export function publicPack(pack: PolicyPack) {
  const minimums = pack.descriptionMinLength as Record<string, number>;
  return {
    businessLine: pack.businessLine,
    version: pack.version,
    labels: pack.labels,
    serviceHours: pack.serviceHours,
    categories: pack.categories.map((c) => ({
      code: c.code,
      labels: c.labels,
      subTypes: c.subTypes.map((s) => ({
        code: s.code,
        labels: s.labels,
        requiresForeignObjectEvidence: s.requiresForeignObjectEvidence === true,
      })),
    })),
    expectedResolutions: pack.expectedResolutions,
    // Spelled out per channel, so a form need not know the pack's `default` rule.
    descriptionMinLength: Object.fromEntries(
      CHANNELS.map((c) => [c, minimums[c] ?? pack.descriptionMinLength.default]),
    ) as Record<(typeof CHANNELS)[number], number>,
  };
}

const LineParams = T.Object({ businessLine: lit(BUSINESS_LINES) });

export function policiesRoutes(app: FastifyInstance, ctx: AppContext): void {
  const packOf = (line: string) => ctx.packs.get(line as BusinessLine)!;

  app.get(
    "/api/v1/policy-packs",
    {
      schema: {
        tags: ["policies"],
        summary: "The active policy pack of each business line (names and versions)",
        response: {
          200: T.Object({
            items: T.Array(
              T.Object({ businessLine: lit(BUSINESS_LINES), version: T.String(), labels: Label }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: BUSINESS_LINES.map((line) => {
        const pack = packOf(line);
        return { businessLine: line, version: pack.version, labels: pack.labels };
      }),
    }),
  );

  app.get(
    "/api/v1/policy-packs/for-order",
    {
      config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
      schema: {
        tags: ["policies"],
        summary: "The public pack for a customer's order (order number + phone), for the request form",
        querystring: T.Object({
          orderNo: T.String({ minLength: 1, maxLength: 64 }),
          phone: T.String({ minLength: 1, maxLength: 20 }),
        }),
        response: {
          200: T.Object({ orderNo: T.String(), businessLine: lit(BUSINESS_LINES), pack: PublicPack }),
          400: ErrorSchema,
          404: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { orderNo, phone } = request.query as { orderNo: string; phone: string };
      const order = await findOrderForIntake(ctx.db, orderNo.trim());
      // The same answer as intake's: an unknown order and someone else's order cannot be told apart.
      if (!order || order.customerPhone !== normalisePhone(phone))
        throw new AppError(
          "ORDER_NOT_FOUND",
          404,
          text(
            "未找到该手机号下的这笔订单，请核对订单号和手机号",
            "No order with this number was found for this phone",
          ),
          [
            {
              field: "orderNo",
              code: "ORDER_NOT_FOUND",
              message: text(
                "未找到该手机号下的这笔订单，请核对订单号和手机号",
                "No order with this number was found for this phone",
              ),
            },
          ],
        );
      return {
        orderNo: order.orderNo,
        businessLine: order.businessLine as BusinessLine,
        pack: publicPack(packOf(order.businessLine)),
      };
    },
  );

  app.get(
    "/api/v1/policy-packs/:businessLine",
    {
      schema: {
        tags: ["policies"],
        summary: "The public part of a line's active pack: problem types, resolutions, minimums, hours",
        params: LineParams,
        response: { 200: PublicPack, 400: ErrorSchema },
      },
    },
    async (request) => publicPack(packOf((request.params as { businessLine: string }).businessLine)),
  );

  app.get(
    "/api/v1/policy-packs/:businessLine/full",
    {
      preValidation: need("users.manage"),
      schema: {
        tags: ["policies"],
        summary: "The whole active pack, every number included (administrators, read-only)",
        params: LineParams,
        response: { 200: PolicyPackSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request) => packOf((request.params as { businessLine: string }).businessLine),
  );
}
