import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Config } from "./config.ts";
import type { OpenedDatabase } from "./db/database.ts";
import { abusePollers } from "./modules/abuse/abuse.jobs.ts";
import { abuseRoutes } from "./modules/abuse/abuse.routes.ts";
import { partitionsPoller } from "./modules/archive/archive.jobs.ts";
import { attachmentsRoutes } from "./modules/attachments/attachments.routes.ts";
import { channelPollers, channelsRoutes } from "./modules/channels/channels.ts";
import { chatRoutes } from "./modules/chat/chat.routes.ts";
import { customersRoutes } from "./modules/customers/customers.routes.ts";
import { executionOverduePoller } from "./modules/execution/execution.jobs.ts";
import { executionRoutes } from "./modules/execution/execution.routes.ts";
import { followUpPoller } from "./modules/follow-up/follow-up.jobs.ts";
import { returnVisitsRoutes } from "./modules/follow-up/return-visits.routes.ts";
import { surveysRoutes } from "./modules/follow-up/surveys.routes.ts";
import { incidentPollers } from "./modules/incidents/incidents.jobs.ts";
import { incidentsRoutes } from "./modules/incidents/incidents.routes.ts";
import { intakeRoutes } from "./modules/intake/intake.routes.ts";
import { knowledgeRoutes } from "./modules/knowledge/knowledge.routes.ts";
import { paymentsPoller } from "./modules/ledger/ledger.commands.ts";
import { registerPaymentMetrics } from "./modules/ledger/ledger.metrics.ts";
import { ledgerRoutes } from "./modules/ledger/ledger.routes.ts";
import { liveRoutes } from "./modules/live/live.routes.ts";
import {
  merchantRequestPollers,
  merchantVerificationPoller,
} from "./modules/merchant-service/merchant-service.jobs.ts";
import { merchantServiceRoutes } from "./modules/merchant-service/merchant-service.routes.ts";
import { channelsFrom } from "./modules/notifications/channels/index.ts";
import { noticeSender, noticeWriter } from "./modules/notifications/notifications.jobs.ts";
import { notificationsRoutes } from "./modules/notifications/notifications.routes.ts";
import { ordersRoutes } from "./modules/orders/orders.routes.ts";
import { ticketOrderRoutes } from "./modules/orders/ticket-order.routes.ts";
import { policiesRoutes } from "./modules/policies/policies.routes.ts";
import { retentionPoller } from "./modules/privacy/privacy.jobs.ts";
import { privacyRoutes } from "./modules/privacy/privacy.routes.ts";
import { remediesRoutes } from "./modules/remedies/remedies.routes.ts";
import { reportsRoutes } from "./modules/reports/reports.routes.ts";
import { reportsPoller } from "./modules/reports/rollups.jobs.ts";
import { calendarRoutes } from "./modules/sla/calendar.routes.ts";
import { escalationsRoutes } from "./modules/sla/escalations.routes.ts";
import { slaEngine } from "./modules/sla/sla.jobs.ts";
import { housekeeping } from "./modules/system/housekeeping.jobs.ts";
import { registerOperationsMetrics } from "./modules/system/operations.metrics.ts";
import { systemRoutes } from "./modules/system/system.routes.ts";
import { databaseUpkeep } from "./modules/system/upkeep.jobs.ts";
import { customerMessagesRoutes } from "./modules/tickets/customer-messages.routes.ts";
import { ticketsRoutes } from "./modules/tickets/tickets.routes.ts";
import { viewersRoutes } from "./modules/tickets/viewers.routes.ts";
import { installAuth } from "./modules/users/auth.ts";
import { usersAdminRoutes } from "./modules/users/users.admin.routes.ts";
import { usersRoutes } from "./modules/users/users.routes.ts";
import { webRoutes } from "./modules/web/web.routes.ts";
import type { Clock } from "./platform/clock.ts";
import type { AppContext } from "./platform/context.ts";
import { frameworkError, installErrorHandler, refuseUnstorableInput } from "./platform/http.ts";
import { JobRunner } from "./platform/jobs.ts";
import { LiveBus } from "./platform/live.ts";
import { shareLiveBus } from "./platform/live-pg.ts";
import { createMetrics } from "./platform/metrics.ts";
import { installSecurityHeaders } from "./platform/security-headers.ts";
import type { Packs } from "./policy-packs/load.ts";

export interface App {
  http: FastifyInstance;
  ctx: AppContext;
  jobs: JobRunner;
  /** Every route as registered (HEAD twins included): the route-matrix test classifies each. */
  routes: { method: string; url: string }[];
}

/** Builds the HTTP app and wires the modules; nothing else. */
export async function buildApp(
  config: Config,
  database: OpenedDatabase,
  packs: Packs,
  clock: Clock,
): Promise<App> {
  const ctx: AppContext = {
    config,
    db: database.db,
    reportsDb: database.reports,
    dbKind: database.kind,
    packs,
    clock,
    live: new LiveBus(),
  };
  const http = Fastify({
    logger: { level: config.logLevel },
    // Per-request log lines cost more than the request at thousands a second; metrics count them instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    frameworkErrors: frameworkError,
    ajv: { customOptions: { allErrors: true, coerceTypes: "array", removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Several processes on one PostgreSQL see each other's ticket changes; closing the app stops listening.
  await shareLiveBus(ctx.live, database, config.databaseUrl, (line) => http.log.warn(line));
  http.addHook("onClose", () => ctx.live.close());
  const routes: App["routes"] = [];
  http.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  const metrics = createMetrics();
  registerPaymentMetrics(metrics.registry, ctx);
  registerOperationsMetrics(metrics.registry, ctx);
  http.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    metrics.requests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await http.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Aftersale API",
        version: "0.1.0",
        description: "After-sales service platform (售后服务平台)",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  await http.register(rateLimit, { global: false });
  await http.register(multipart, {
    limits: {
      fileSize: Math.max(config.uploadMaxImageBytes, config.uploadMaxVideoBytes),
      files: 1,
      fields: 5,
    },
  });
  // Live chat frames are short lines; anything bigger is closed by ws before it is buffered whole.
  await http.register(websocket, { options: { maxPayload: 16 * 1024 } });
  installErrorHandler(http);
  refuseUnstorableInput(http);
  installSecurityHeaders(http, config);
  installAuth(http, ctx);

  const channels = channelsFrom(config, (line, message) => http.log.info(line, message));
  const jobs = new JobRunner(
    [
      housekeeping(ctx.db),
      // PostgreSQL vacuums and checkpoints itself; the embedded database has nobody else to do either.
      ...(ctx.dbKind === "pglite" ? [databaseUpkeep(ctx.db, (line) => http.log.info(line))] : []),
      partitionsPoller(ctx, (line) => http.log.warn(line)),
      slaEngine(ctx),
      paymentsPoller(ctx),
      executionOverduePoller(ctx),
      merchantVerificationPoller(ctx),
      ...merchantRequestPollers(ctx),
      followUpPoller(ctx),
      ...incidentPollers(ctx, (line) => http.log.warn(line)),
      ...abusePollers(ctx),
      reportsPoller(ctx),
      retentionPoller(ctx),
      noticeWriter(ctx),
      noticeSender(ctx, channels),
      ...channelPollers(ctx, http),
    ],
    () => clock.now(),
    (name, error) => http.log.error({ err: error, job: name }, "job failed"),
  );

  systemRoutes(http, ctx, metrics, () => jobs.runAll());
  usersRoutes(http, ctx);
  ordersRoutes(http, ctx);
  attachmentsRoutes(http, ctx);
  intakeRoutes(http, ctx);
  ticketsRoutes(http, ctx);
  viewersRoutes(http, ctx);
  knowledgeRoutes(http, ctx);
  calendarRoutes(http, ctx);
  escalationsRoutes(http, ctx);
  ticketOrderRoutes(http, ctx);
  remediesRoutes(http, ctx);
  executionRoutes(http, ctx);
  ledgerRoutes(http, ctx);
  policiesRoutes(http, ctx);
  usersAdminRoutes(http, ctx);
  liveRoutes(http, ctx);
  notificationsRoutes(http, ctx);
  customerMessagesRoutes(http, ctx);
  surveysRoutes(http, ctx);
  returnVisitsRoutes(http, ctx);
  incidentsRoutes(http, ctx);
  abuseRoutes(http, ctx);
  reportsRoutes(http, ctx);
  privacyRoutes(http, ctx);
  merchantServiceRoutes(http, ctx);
  channelsRoutes(http, ctx, metrics.registry);
  chatRoutes(http, ctx, metrics.registry);
  customersRoutes(http, ctx, channels.sms, (line, message) => http.log.warn(line, message));
  await webRoutes(http);

  return { http, ctx, jobs, routes };
}
