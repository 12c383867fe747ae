import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { retentionIfDue } from "./privacy.commands.ts";

/** Checks hourly whether the day's retention run is due; the run itself claims the day in the database. */
export function retentionPoller(ctx: AppContext): Poller {
  let running: Promise<number> = Promise.resolve(0);
  return {
    name: "privacy-retention",
    everySeconds: 3600,
    poll() {
      running = running.catch(() => 0).then(() => retentionIfDue(ctx));
      return running;
    },
  };
}
