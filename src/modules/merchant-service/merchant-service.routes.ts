import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { mediationRoutes } from "./mediation.routes.ts";
import { orderAssistRoutes } from "./order-assist.routes.ts";
import { requestsRoutes } from "./requests.routes.ts";
import { serviceMetricsRoutes } from "./service-metrics.routes.ts";
import { suggestionsRoutes } from "./suggestions.routes.ts";
import { verificationRoutes } from "./verification.routes.ts";

/** Merchant customer service (商家客服): verification, mediation, suggestions, merchant requests, order assistance and the team's figures. */
export function merchantServiceRoutes(app: FastifyInstance, ctx: AppContext): void {
  verificationRoutes(app, ctx);
  mediationRoutes(app, ctx);
  suggestionsRoutes(app, ctx);
  requestsRoutes(app, ctx);
  orderAssistRoutes(app, ctx);
  serviceMetricsRoutes(app, ctx);
}
