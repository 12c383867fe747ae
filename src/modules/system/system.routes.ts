import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { Type as T } from "typebox";
import { ping } from "../../db/database.ts";
import type { SystemClock } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Metrics } from "../../platform/metrics.ts";

/** Health, metrics, the OpenAPI document, and the test clock when (and only when) it is switched on. */
export function systemRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  metrics: Metrics,
  runDueJobs: () => Promise<void>,
): void {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["system"],
        summary: "Liveness and database reachability",
        response: {
          200: T.Object({ status: T.String(), database: T.String() }),
          503: T.Object({ status: T.String(), database: T.String(), reason: T.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await Promise.race([
          ping(ctx.db),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error("database did not answer within 2 s")), 2000).unref(),
          ),
        ]);
        return { status: "ok", database: ctx.dbKind };
      } catch (error) {
        reply.status(503).header("retry-after", "5");
        return {
          status: "unavailable",
          database: ctx.dbKind,
          reason: `database unreachable: ${(error as Error).message}`,
        };
      }
    },
  );

  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    try {
      const now = ctx.clock.now();
      const open = await sql<{ queue: string; n: number }>`
        select queue, count(*)::int as n from tickets where status not in ('resolved','closed','not_applicable') group by queue`.execute(
        ctx.db,
      );
      metrics.openTickets.reset();
      for (const row of open.rows) metrics.openTickets.set({ queue: row.queue }, row.n);
      const late = await sql<{ first: number; resolution: number }>`
        select count(*) filter (where first_responded_at is null and first_response_due_at < ${now.toISOString()})::int as first,
               count(*) filter (where resolved_at is null and resolution_due_at < ${now.toISOString()})::int as resolution
        from tickets where status not in ('resolved','closed','not_applicable')`.execute(ctx.db);
      metrics.breaches.set({ clock: "firstResponse" }, late.rows[0]?.first ?? 0);
      metrics.breaches.set({ clock: "resolution" }, late.rows[0]?.resolution ?? 0);
    } catch {
      // Metrics still answer with what the process knows when the database is away.
    }
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  if (ctx.config.testClock) {
    app.post(
      "/__test__/clock",
      { schema: { hide: true, body: T.Object({ advanceSeconds: T.Integer({ minimum: 0 }) }) } },
      async (request) => {
        const { advanceSeconds } = request.body as { advanceSeconds: number };
        (ctx.clock as SystemClock).advance(advanceSeconds);
        await runDueJobs();
        return { now: ctx.clock.now().toISOString() };
      },
    );
  }
}
