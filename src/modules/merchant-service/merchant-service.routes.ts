import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { mediationRoutes } from "./mediation.routes.ts";
import { suggestionsRoutes } from "./suggestions.routes.ts";
import { verificationRoutes } from "./verification.routes.ts";

/** Merchant customer service (商家客服): verification, mediation, suggestions. */
export function merchantServiceRoutes(app: FastifyInstance, ctx: AppContext): void {
  verificationRoutes(app, ctx);
  mediationRoutes(app, ctx);
  suggestionsRoutes(app, ctx);
}
