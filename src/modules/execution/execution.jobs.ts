import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import { markOverdueOrders } from "./execution.commands.ts";

/**
 * Execution orders past their deadline are recorded once each as an `execution_overdue` event on their
 * ticket. Escalating them through the SLA engine (reminders, supervisor, manager) is that engine's part;
 * the event is where it picks them up.
 */
export function executionOverduePoller(ctx: AppContext): Poller {
  return { name: "execution-overdue", everySeconds: 60, poll: (now) => markOverdueOrders(ctx, now) };
}
