import type { AppContext } from "../../platform/context.ts";
import type { Poller } from "../../platform/jobs.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { escalationUpdate, eventsInsert } from "../tickets/tickets.store.ts";
import { calendarOf } from "./calendar.store.ts";
import {
  advanceClock,
  type Clock,
  type EscalationState,
  escalationEffects,
  ruleOf,
  slaEnv,
  type TickEvent,
} from "./sla.domain.ts";
import { claimDueClocks, clockOf, writeTick } from "./sla.store.ts";

/**
 * Where escalation fires. Every tick claims the clocks whose next instant has come (a reminder, a
 * deadline, an escalation level), a batch at a time, and in the batch's one transaction advances them,
 * re-routes the tickets that escalate and records the events. Several processes may tick at once: each
 * claimed row is locked and skipped by the others, and a handled clock's next instant moves on, so a
 * deadline is handled once. The first tick after a start handles whatever fell due while it was down.
 */

export const SLA_TICK_SECONDS = 1;
export const SLA_BATCH = 100;

const SYSTEM = { id: null, name: "system", role: "system" };

export interface TickResult {
  clocks: number;
  events: number;
  escalated: string[];
}

/** One batch: claim, advance, write. Returns what was handled. */
export async function slaTick(ctx: AppContext, now: Date, limit = SLA_BATCH): Promise<TickResult> {
  // Read before the transaction: on PGlite a query outside an open transaction would wait for it.
  const calendar = await calendarOf(ctx.db);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const rows = await claimDueClocks(trx, now, limit);
    if (!rows.length) return { clocks: 0, events: 0, escalated: [], published: [] };
    const tickets = new Map<string, EscalationState & { assigneeId: string | null; row: (typeof rows)[0] }>();
    const updates: { ticketNo: string; clock: Clock }[] = [];
    const events: TickEvent[] = [];
    const raised = new Set<string>();
    for (const row of rows) {
      const pack = ctx.packs.get(row.business_line as BusinessLine);
      const clock = clockOf(row);
      if (!pack) {
        // A business line without a pack cannot be judged; park the clock rather than retry it forever.
        updates.push({ ticketNo: row.ticket_no, clock: { ...clock, nextAt: null } });
        continue;
      }
      const advanced = advanceClock(
        clock,
        now,
        slaEnv(pack, calendar),
        ruleOf(pack, row.name)?.escalates !== false,
      );
      updates.push({ ticketNo: row.ticket_no, clock: advanced.clock });
      const ticket = tickets.get(row.ticket_no) ?? {
        level: row.escalation_level,
        queue: row.queue,
        assigneeId: row.assignee_id,
        row,
      };
      const effect = escalationEffects(row.ticket_no, ticket, advanced.steps);
      tickets.set(row.ticket_no, { ...ticket, ...effect.ticket });
      if (effect.raised) raised.add(row.ticket_no);
      events.push(...effect.events);
    }
    const escalations = [...raised].map((ticketNo) => {
      const t = tickets.get(ticketNo)!;
      return { ticketNo, level: t.level, queue: t.queue };
    });
    const internal = events.map((e) => ({ ...e, visibility: "internal" as const }));
    await writeTick(
      trx,
      updates,
      ...(escalations.length ? [escalationUpdate(escalations, now)] : []),
      ...(internal.length ? [eventsInsert(internal, SYSTEM, now)] : []),
    );
    return {
      clocks: rows.length,
      events: events.length,
      escalated: [...raised],
      published: [...tickets.values()].filter((t) => raised.has(t.row.ticket_no)).map((t) => t.row),
    };
  });
  // After the commit: consoles re-read the escalated tickets.
  for (const row of result.published)
    ctx.live.publish({
      ticketNo: row.ticket_no,
      type: "escalated",
      merchantId: row.merchant_id,
      riderId: row.rider_id,
    });
  return { clocks: result.clocks, events: result.events, escalated: result.escalated };
}

/**
 * The SLA engine as a poller of the JobRunner: batches until nothing more is due. Polls of one process
 * run one after another (a timer firing during a long catch-up waits its turn), so the test clock's
 * `runAll` returns only once everything due at its time is handled.
 */
export function slaEngine(ctx: AppContext, everySeconds = SLA_TICK_SECONDS): Poller {
  let previous: Promise<unknown> = Promise.resolve();
  const drain = async (now: Date) => {
    let handled = 0;
    for (;;) {
      const { clocks } = await slaTick(ctx, now);
      handled += clocks;
      if (clocks < SLA_BATCH) return handled;
    }
  };
  return {
    name: "sla",
    everySeconds,
    poll(now) {
      const run = previous.catch(() => {}).then(() => drain(now));
      previous = run;
      return run;
    },
  };
}
