import type { FastifyInstance } from "fastify";
import { Gauge, type Registry } from "prom-client";
import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { inboundMailPollers } from "./email/email.listener.ts";
import { hotlineFigures } from "./hotline/hotline.domain.ts";
import { hotlineRoutes } from "./hotline/hotline.routes.ts";
import { hotlineCounts } from "./hotline/hotline.store.ts";
import { onsiteRoutes } from "./onsite/onsite.routes.ts";
import { wechatRoutes } from "./wechat/wechat.routes.ts";

/** The channels' part of the app: the WeChat and CTI webhooks, the mail pollers and the hotline gauges. */
export function channelsRoutes(http: FastifyInstance, ctx: AppContext, registry: Registry): void {
  wechatRoutes(http, ctx);
  hotlineRoutes(http, ctx);
  onsiteRoutes(http, ctx);
  registerHotlineMetrics(registry, ctx);
}

export const channelPollers = (ctx: AppContext, http: FastifyInstance): Poller[] =>
  inboundMailPollers(ctx, http.log);

/** The last 24 hours of the hotline, read when scraped so every process reports the same figures. */
function registerHotlineMetrics(registry: Registry, ctx: AppContext): void {
  new Gauge({
    name: "aftersale_hotline_calls_24h",
    help: "Hotline calls started in the last 24 hours: offered to agents, answered, abandoned; and the human answer rate (0–1, target 0.9)",
    labelNames: ["figure"],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const now = ctx.clock.now();
        const f = hotlineFigures(await hotlineCounts(ctx.db, new Date(now.getTime() - 86_400_000), now));
        this.set({ figure: "offered" }, f.offeredToAgents);
        this.set({ figure: "answered" }, f.answered);
        this.set({ figure: "abandoned" }, f.abandoned);
        if (f.humanAnswerRate !== null) this.set({ figure: "answer_rate" }, f.humanAnswerRate);
        if (f.averageWaitSeconds !== null) this.set({ figure: "average_wait_seconds" }, f.averageWaitSeconds);
      } catch {
        // The database is away: the scrape still answers with what the process knows.
      }
    },
  });
}
