import type { Config } from "../../config.ts";
import type { OpenedDatabase } from "../../db/database.ts";
import { SystemClock } from "../../platform/clock.ts";
import { LiveBus } from "../../platform/live.ts";
import type { Packs } from "../../policy-packs/load.ts";
import { runRetention } from "./privacy.commands.ts";

/**
 * `aftersale privacy-retention [--dry-run]`: one retention pass now, printed as JSON. The dry run is what
 * an operator reads before the first real run; both are audit events under the actor `cli`.
 */
export async function privacyRetentionCommand(
  config: Config,
  database: OpenedDatabase,
  packs: Packs,
  args: string[],
): Promise<number> {
  const unknown = args.filter((a) => a !== "--dry-run");
  if (unknown.length) {
    console.error(
      `privacy-retention: unknown option ${unknown.join(" ")} (usage: privacy-retention [--dry-run])`,
    );
    return 2;
  }
  const ctx = {
    config,
    db: database.db,
    dbKind: database.kind,
    packs,
    clock: new SystemClock(),
    live: new LiveBus(),
  };
  const report = await runRetention(ctx, {
    dryRun: args.includes("--dry-run"),
    actor: "cli",
    actorRole: "admin",
  });
  console.log(JSON.stringify(report, null, 2));
  return 0;
}
