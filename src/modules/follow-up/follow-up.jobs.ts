import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { closeResolved, SYSTEM, withLockedTicket } from "./follow-up.commands.ts";
import { type ReturnVisitReason, stillResolved } from "./follow-up.domain.ts";
import { findDueFollowUps, finishFollowUp, lockFollowUp } from "./follow-up.store.ts";
import { openReturnVisit } from "./return-visits.commands.ts";
import { inviteToSurvey } from "./surveys.commands.ts";

/**
 * The follow-up job: everything due after a resolution — the survey, the return-visit task, the
 * quiet-period close. Due rows are read without locks, then each is handled in its ticket's transaction,
 * ticket first and row second (the order every writer keeps), the row skipped when another process
 * holds it. A row whose resolution no longer stands (reopened, merged) is marked moot, so nothing is due
 * twice and nothing is retried for ever.
 */
export const FOLLOW_UP_BATCH = 100;

export async function runDueFollowUps(ctx: AppContext, now: Date, limit = FOLLOW_UP_BATCH): Promise<number> {
  const due = await findDueFollowUps(ctx.db, now, limit);
  let handled = 0;
  for (const row of due) {
    const done = await withLockedTicket(ctx, row.ticket_no, async (t, trx, at, calendar) => {
      const f = await lockFollowUp(trx, row.id);
      if (!f) return false;
      const current = stillResolved(
        { status: t.status, resolvedAt: t.resolved_at, mergedInto: t.merged_into },
        f.resolved_at,
        f.kind,
      );
      if (current && f.kind === "survey") await inviteToSurvey(trx, ctx, t, at);
      if (current && f.kind === "return_visit")
        await openReturnVisit(trx, ctx, t, f.resolved_at, f.reason as ReturnVisitReason, at);
      if (current && f.kind === "auto_close")
        await closeResolved(trx, ctx, calendar, t, "quiet_period", SYSTEM, at);
      await finishFollowUp(trx, f.id, current ? "done" : "moot", at);
      return true;
    });
    if (done) handled++;
  }
  return handled;
}

export function followUpPoller(ctx: AppContext, everySeconds = 30): Poller {
  return { name: "follow-up", everySeconds, poll: (now) => runDueFollowUps(ctx, now) };
}
