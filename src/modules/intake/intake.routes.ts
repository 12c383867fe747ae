import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, text, unauthorized, validationError } from "../../platform/errors.ts";
import { ErrorSchema, localeOf } from "../../platform/http.ts";
import { canonicalJson, sha256 } from "../../platform/ids.ts";
import { BUSINESS_LINES, CHANNELS, RESOLUTIONS } from "../../policy-packs/schema.ts";
import { textUnderstanding } from "../nlp/understanding.ts";
import { anonymousRateLimit } from "../users/auth.ts";
import { allows } from "../users/roles.ts";
import { registerRequest } from "./intake.commands.ts";
import { SELF_SERVICE_CHANNELS } from "./intake.domain.ts";

const lit = <V extends readonly string[]>(values: V) => T.Union(values.map((v) => T.Literal(v)));

const IntakeBody = T.Object({
  businessLine: T.Optional(lit(BUSINESS_LINES)),
  channel: lit(CHANNELS),
  phone: T.String({ description: "Mainland mobile number, e.g. 13800138000" }),
  orderNo: T.String(),
  name: T.Optional(T.String({ maxLength: 50 })),
  category: T.Optional(
    T.String({ description: "A category code of the line's policy pack; omitted → triage classifies" }),
  ),
  subType: T.Optional(T.String()),
  description: T.String(),
  expectedResolution: T.Optional(lit(RESOLUTIONS)),
  occurredAt: T.Optional(T.String({ format: "date-time" })),
  urgent: T.Optional(T.Boolean()),
  attachmentIds: T.Optional(T.Array(T.String(), { maxItems: 9 })),
  foreignObject: T.Optional(T.Object({ colour: T.String(), shape: T.String(), size: T.String() })),
  email: T.Optional(
    T.String({ description: "The customer's e-mail address; notices of an e-mail request go there" }),
  ),
  deviceId: T.Optional(
    T.String({
      maxLength: 200,
      description: "The app's device id; counts a complainant's requests across phones",
    }),
  ),
  address: T.Optional(T.String({ maxLength: 200, description: "The delivery address the request is about" })),
});

export const Acknowledgement = T.Object({
  ticketNo: T.String(),
  status: T.String(),
  businessLine: T.String(),
  category: T.String(),
  subType: T.Union([T.String(), T.Null()]),
  severity: lit(["serious", "general", "minor"] as const),
  priority: T.Integer(),
  urgent: T.Boolean(),
  evidenceAwaited: T.Boolean(),
  acknowledgement: T.Object({
    text: T.String(),
    firstResponseDueAt: T.String(),
    resolutionDueAt: T.String(),
    serviceHours: T.String(),
    trackingUrl: T.String(),
  }),
});

/**
 * The request's `Idempotency-Key`, scoped to its owner, with a stable digest of what was asked, so a retried
 * request can be told from a different one under the same key. Null when no key was sent.
 */
export function idempotencyOf(
  request: FastifyRequest,
  owner: string,
  body: unknown,
): { key: string; requestHash: string } | null {
  const rawKey = request.headers["idempotency-key"];
  return typeof rawKey === "string" && rawKey.trim()
    ? { key: `${owner}:${rawKey.trim()}`, requestHash: sha256(canonicalJson(body)) }
    : null;
}

function actorFor(request: FastifyRequest, channel: unknown) {
  const p = request.principal;
  if (p && allows(p, "tickets.register")) return { id: p.id, name: p.name, role: p.role };
  // An unknown or missing channel is a validation error (reported with all others), not a login question.
  if (SELF_SERVICE_CHANNELS.includes(channel as "app") || !CHANNELS.includes(channel as "app"))
    return { id: null, name: "customer", role: "customer" };
  // Phone, e-mail, on-site, merchant and API registrations come from staff or an integration.
  throw p
    ? new AppError(
        "FORBIDDEN",
        403,
        text("无权登记此渠道的申请", "Not allowed to register requests on this channel"),
      )
    : unauthorized();
}

export function intakeRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Load the classifier and the dictionaries now (about half a second), not on the first request.
  textUnderstanding();
  app.post(
    "/api/v1/tickets",
    {
      // Every field is checked by the intake rules so that all problems come back together.
      attachValidation: true,
      config: anonymousRateLimit(ctx),
      schema: {
        tags: ["tickets"],
        summary: "Submit an after-sales request (售后申请)",
        headers: T.Object({ "idempotency-key": T.Optional(T.String({ maxLength: 128 })) }),
        body: IntakeBody,
        response: {
          201: Acknowledgement,
          400: ErrorSchema,
          401: ErrorSchema,
          422: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const locale = localeOf(request);
      const body = (request.body && typeof request.body === "object" ? request.body : {}) as Record<
        string,
        unknown
      >;
      if (Array.isArray(request.body) || request.body === null || request.body === undefined)
        throw validationError([]);
      const actor = actorFor(request, body.channel);
      const idempotency = idempotencyOf(request, request.principal?.id ?? "public", body);

      const registered = await registerRequest(ctx, body, actor, idempotency, locale);
      if (!registered.ok) throw validationError(registered.details);
      if (registered.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(registered.ack);
    },
  );
}
