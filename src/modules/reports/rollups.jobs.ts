import type { Db } from "../../db/database.ts";
import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import { lockOutboxCursor, moveOutboxCursor, outboxEventsAfter } from "../tickets/outbox.store.ts";
import {
  agentKeyOf,
  changedFacts,
  dailyKeyOf,
  factOf,
  monthlyKeyOf,
  riderKeyOf,
  rollupDeltas,
} from "./reports.domain.ts";
import {
  addToAgents,
  addToDaily,
  addToMonthly,
  addToRiders,
  lockFacts,
  rawTickets,
  saveFacts,
} from "./rollups.store.ts";

/**
 * Keeps the report rollups in step with the event stream. One transaction per batch: lock the reports
 * cursor (processes on one PostgreSQL take turns), read the next events, recompute the facts of the
 * tickets they touched, add new-minus-old facts to the rollups, and move the cursor. A crash rolls all
 * of it back, so each event is rolled up exactly once. Recomputing a touched ticket from its current
 * state, rather than interpreting each event, keeps the rollups right whatever the event was.
 */
const CONSUMER = "reports";
const EVENT_BATCH = 500;

export async function rollUpEvents(db: Db, limit = EVENT_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const cursor = await lockOutboxCursor(trx, CONSUMER);
    if (!cursor) return 0;
    const events = await outboxEventsAfter(trx, cursor, limit);
    if (!events.length) return 0;
    const ticketNos = [...new Set(events.map((e) => e.ticket_no))].sort();
    const before = await lockFacts(trx, ticketNos);
    const after = (await rawTickets(trx, ticketNos)).map(factOf);
    await addToMonthly(trx, rollupDeltas(before, after, monthlyKeyOf));
    await addToAgents(trx, rollupDeltas(before, after, agentKeyOf));
    await addToDaily(trx, rollupDeltas(before, after, dailyKeyOf));
    await addToRiders(trx, rollupDeltas(before, after, riderKeyOf));
    await saveFacts(trx, changedFacts(before, after));
    const last = events[events.length - 1]!;
    await moveOutboxCursor(trx, CONSUMER, { tx: last.tx, id: last.id });
    return events.length;
  });
}

export const reportsPoller = (ctx: AppContext): Poller =>
  serialPoller("reports", 5, () => rollUpEvents(ctx.db), EVENT_BATCH);
