import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { archiveDue, preparePartitions } from "./archive.commands.ts";

/**
 * Hourly: the coming months' partitions, then, once a day, the months old enough to archive. One run at a
 * time in this process; across processes the partition lock and the day's claim keep the work single.
 */
export function partitionsPoller(ctx: AppContext, warn: (line: string) => void): Poller {
  let running: Promise<number> = Promise.resolve(0);
  const run = async () => {
    const prepared = await preparePartitions(ctx);
    if (prepared.inDefault.length)
      warn(
        `partitions not made because the default partition already holds their rows: ${prepared.inDefault.join(", ")}`,
      );
    const archived = await archiveDue(ctx);
    for (const r of archived.filter((a) => a.outcome === "refused"))
      warn(`archive of ${r.month} refused: ${r.reasons.map((x) => x.message.en).join("; ")}`);
    return prepared.created.length + archived.length;
  };
  return {
    name: "partitions",
    everySeconds: 3600,
    poll() {
      running = running.catch(() => 0).then(run);
      return running;
    },
  };
}
