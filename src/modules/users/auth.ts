import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { forbidden, unauthorized } from "../../platform/errors.ts";
import { apiKeysOf } from "./api-key-cache.ts";
import { allows, type Permission, type Principal } from "./roles.ts";
import { principalForSession } from "./users.store.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads `Authorization: Bearer <session token | API key>` or `X-Api-Key` once per request. */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    const apiKey =
      (request.headers["x-api-key"] as string | undefined) ??
      (bearer?.startsWith("ak_") ? bearer : undefined);
    if (apiKey) request.principal = await apiKeysOf(ctx.db).principalFor(apiKey);
    // A customer's "my requests" token (cs_) is no staff session: its routes read it themselves.
    else if (bearer && !bearer.startsWith("cs_"))
      request.principal = await principalForSession(ctx.db, bearer, ctx.clock.now());
  });
}

/**
 * A `preValidation` hook that lets the request through only with a permission of the role table. It runs
 * before body validation so that an anonymous or unauthorised caller gets 401/403, never a 400 that
 * describes the schema.
 */
export function need(permission: Permission) {
  return async (request: FastifyRequest) => {
    if (!request.principal) throw unauthorized();
    if (!allows(request.principal, permission)) throw forbidden();
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/**
 * Route config for public routes that signed-in callers use too: the public rate limit counts anonymous
 * callers only, so staff and integrations working through many requests are not throttled with them.
 */
export const anonymousRateLimit = (ctx: AppContext) => ({
  rateLimit: {
    max: ctx.config.publicRateLimit,
    timeWindow: "1 minute",
    allowList: (req: FastifyRequest) => req.principal !== null,
  },
});
