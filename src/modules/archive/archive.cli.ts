import type { Config } from "../../config.ts";
import type { OpenedDatabase } from "../../db/database.ts";
import { SystemClock } from "../../platform/clock.ts";
import type { Packs } from "../../policy-packs/load.ts";
import { archiveMonth, preparePartitions } from "./archive.commands.ts";
import { isMonth } from "./archive.domain.ts";

const USAGE = "usage: archive --month YYYY-MM [--dry-run] | archive --prepare";

/**
 * `aftersale archive --month 2024-01 [--dry-run]`: archives one month now (or, dry, says what would move
 * and what blocks it) and prints the report as JSON; exit 3 when the month is refused.
 * `aftersale archive --prepare`: makes the coming months' partitions now.
 */
export async function archiveCommand(
  config: Config,
  database: OpenedDatabase,
  packs: Packs,
  args: string[],
): Promise<number> {
  const ctx = { config, db: database.db, packs, clock: new SystemClock() };
  if (args.length === 1 && args[0] === "--prepare") {
    console.log(JSON.stringify(await preparePartitions(ctx), null, 2));
    return 0;
  }
  const at = args.findIndex((a) => a === "--month" || a.startsWith("--month="));
  const month = at < 0 ? undefined : args[at]!.includes("=") ? args[at]!.split("=")[1] : args[at + 1];
  const rest = args.filter(
    (a, i) => i !== at && !(i === at + 1 && !args[at]!.includes("=")) && a !== "--dry-run",
  );
  if (!month || !isMonth(month) || rest.length) {
    console.error(
      `archive: ${month && !isMonth(month) ? `"${month}" is not a month (YYYY-MM); ` : ""}${USAGE}`,
    );
    return 2;
  }
  const report = await archiveMonth(
    ctx,
    month,
    { actor: "cli", actorRole: "admin" },
    { dryRun: args.includes("--dry-run") },
  );
  console.log(JSON.stringify(report, null, 2));
  return report.outcome === "refused" ? 3 : 0;
}
