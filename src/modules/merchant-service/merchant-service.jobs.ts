import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import { closeUnratedRequests, escalateOverdueRequests } from "./requests.commands.ts";
import { decideMissedVerifications } from "./verification.commands.ts";

/** Verifications past their deadline get the platform's decision within a minute. */
export function merchantVerificationPoller(ctx: AppContext): Poller {
  return {
    name: "merchant-verification-missed",
    everySeconds: 30,
    poll: (now) => decideMissedVerifications(ctx, now),
  };
}

/** Merchant requests: late answers escalate within seconds of their deadline; unrated resolutions close. */
export function merchantRequestPollers(ctx: AppContext): Poller[] {
  return [
    serialPoller("merchant-request-deadlines", 5, (now) => escalateOverdueRequests(ctx, now, 100), 100),
    serialPoller("merchant-request-auto-close", 300, (now) => closeUnratedRequests(ctx, now, 100), 100),
  ];
}
