import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { decideMissedVerifications } from "./verification.commands.ts";

/** Verifications past their deadline get the platform's decision within a minute. */
export function merchantVerificationPoller(ctx: AppContext): Poller {
  return {
    name: "merchant-verification-missed",
    everySeconds: 30,
    poll: (now) => decideMissedVerifications(ctx, now),
  };
}
