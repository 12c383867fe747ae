import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { Type as T } from "typebox";
import { ping } from "../../db/database.ts";
import { replicaState } from "../../db/replica.ts";
import type { SystemClock } from "../../platform/clock.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Metrics } from "../../platform/metrics.ts";
import { countRunningClocks } from "../sla/sla.store.ts";
import { outboxBehind, snapshotXmax } from "../tickets/outbox.store.ts";

const ReplicaHealth = T.Object({
  reachable: T.Boolean(),
  lagSeconds: T.Optional(T.Number({ description: "how far the replica's data is behind the primary" })),
  replayBacklogBytes: T.Optional(T.Number({ description: "WAL received but not yet replayed" })),
  reason: T.Optional(T.String()),
});

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
        summary:
          "Liveness and database reachability; with a read replica (REPORTS_DATABASE_URL) its state and lag. " +
          'A replica that cannot be reached makes the status "degraded" with the reason, still 200: reports ' +
          "and search then read the primary.",
        response: {
          200: T.Object({
            status: T.String({ description: "ok | degraded" }),
            database: T.String(),
            reason: T.Optional(T.String()),
            replica: T.Optional(ReplicaHealth),
          }),
          503: T.Object({ status: T.String(), database: T.String(), reason: T.String() }),
        },
      },
    },
    async (_request, reply) => {
      // Both at once: a replica that does not answer must not add its timeout to the primary's.
      const replica = replicaState(ctx.reportsDb);
      try {
        await Promise.race([
          ping(ctx.db),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error("database did not answer within 2 s")), 2000).unref(),
          ),
        ]);
      } catch (error) {
        reply.status(503).header("retry-after", "5");
        return {
          status: "unavailable",
          database: ctx.dbKind,
          reason: `database unreachable: ${(error as Error).message}`,
        };
      }
      if (!replica) return { status: "ok", database: ctx.dbKind };
      const state = await replica;
      if (state.reachable) return { status: "ok", database: ctx.dbKind, replica: state };
      return {
        status: "degraded",
        database: ctx.dbKind,
        reason: `read replica unreachable (${state.reason}); reports and search read the primary`,
        replica: state,
      };
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
      // From the running clocks, as the queue's views count them; the two promises every ticket makes
      // are always reported, the others (review, progress update…) once a clock of theirs runs.
      metrics.breaches.reset();
      metrics.dueSoon.reset();
      for (const clock of ["firstResponse", "resolution"]) {
        metrics.breaches.set({ clock }, 0);
        metrics.dueSoon.set({ clock }, 0);
      }
      for (const row of await countRunningClocks(ctx.db, now)) {
        metrics.breaches.set({ clock: row.name }, row.breached);
        metrics.dueSoon.set({ clock: row.name }, row.dueSoon);
      }
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
        const before = await snapshotXmax(ctx.db);
        (ctx.clock as SystemClock).advance(advanceSeconds);
        await runDueJobs();
        // The outbox consumers wait for the oldest transaction running anywhere on the server (another
        // test's database too): wait such a moment out, so the answer covers every event written before.
        for (let i = 0; i < 200 && (await outboxBehind(ctx.db, before)); i++) {
          await new Promise((resolve) => setTimeout(resolve, 25));
          await runDueJobs();
        }
        return { now: ctx.clock.now().toISOString() };
      },
    );
  }
}
