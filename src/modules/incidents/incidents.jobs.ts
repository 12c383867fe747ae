import type { AppContext } from "../../platform/context.ts";
import { type Poller, serialPoller } from "../../platform/jobs.ts";
import { errorText, PermanentFailure } from "../notifications/channels/channel.ts";
import { postSigned } from "../notifications/channels/signed-http.ts";
import { escalationUpdate, eventsInsert } from "../tickets/tickets.store.ts";
import { DETECTOR_BATCH, detectOnce, SYSTEM } from "./detector.ts";
import {
  addIncidentEvent,
  claimDueCalls,
  claimOverdueProgress,
  incidentTicketNos,
  pruneSignals,
  pruneVolume,
  recordCall,
  updateIncident,
} from "./incidents.store.ts";

/**
 * The incidents module's pollers: the batch detector (an outbox consumer, see detector.ts), the sender
 * of signed calls to the order system, and the watch over emergencies' 24-hour progress promise.
 */

/**
 * The detector's poll is only the fallback: it is woken as soon as a new ticket commits, here or in
 * another process (the live bus crosses processes on PostgreSQL). A lost wake-up (a NOTIFY sent while
 * the LISTEN connection was down) costs at most this long.
 */
export const DETECT_FALLBACK_SECONDS = 1;
/**
 * New events a running transaction still holds back (see outbox.store.ts) are looked for again this
 * soon, doubling up to the fallback poll, so the last complaint of a burst does not wait for the poll.
 */
const HELD_RETRY_MS = 20;
/** How long a wake-up waits for more tickets to join its run (see `coalesced`). */
const DETECT_GATHER_MS = 100;

const CALL_BATCH = 20;
/** Longer than any call may take: a call claimed by a process that died is tried again after it. */
const CALL_LEASE_SECONDS = 60;
const CALL_MAX_ATTEMPTS = 10;
const CALL_RETRY_BASE_SECONDS = 15;
/** Signals are kept this long: longer than any pack's window. */
const SIGNAL_DAYS = 8;
/** Hourly counts are kept this long: longer than the longest baseline a pack may set (28 days). */
const VOLUME_DAYS = 29;
const PRUNE_BATCH = 5000;
const DAY_MS = 86_400_000;

/**
 * One batch of due calls to the order system. Each is sent outside any transaction (a slow order system
 * holds no lock) with the call's id as `Idempotency-Key`, so the order system drops a repeat of a call we
 * retried after losing its answer; a sent call is never sent again.
 */
export async function sendOrderSystemCalls(
  ctx: AppContext,
  log: (line: string) => void,
  now: Date,
  limit = CALL_BATCH,
): Promise<number> {
  const claimed = await claimDueCalls(ctx.db, now, CALL_LEASE_SECONDS, limit);
  const target = ctx.config.orderSystem;
  await Promise.all(
    claimed.map(async (call) => {
      try {
        if (target)
          await postSigned(target.url, target.secret, call.id, {
            id: call.id,
            action: call.action,
            incidentId: call.incident_id,
            ...call.payload,
          });
        // Without an order system configured (a fresh machine) the call is logged, not lost silently.
        else log(`order system (not configured): ${call.action} ${JSON.stringify(call.payload)}`);
        await ctx.db.transaction().execute(async (trx) => {
          await recordCall(trx, call.id, call.attempts, {
            status: "sent",
            sent_at: ctx.clock.now(),
            next_attempt_at: null,
            last_error: null,
          });
          await addIncidentEvent(
            trx,
            call.incident_id,
            SYSTEM,
            "order_system_called",
            {
              callId: call.id,
              action: call.action,
              delivered: target !== null,
            },
            ctx.clock.now(),
          );
        });
      } catch (error) {
        const dead = error instanceof PermanentFailure || call.attempts >= CALL_MAX_ATTEMPTS;
        const delay = Math.min(3600, CALL_RETRY_BASE_SECONDS * 2 ** (call.attempts - 1));
        await ctx.db.transaction().execute(async (trx) => {
          await recordCall(trx, call.id, call.attempts, {
            last_error: errorText(error),
            ...(dead
              ? { status: "dead" as const, next_attempt_at: null }
              : { next_attempt_at: new Date(now.getTime() + delay * 1000) }),
          });
          if (dead)
            await addIncidentEvent(
              trx,
              call.incident_id,
              SYSTEM,
              "order_system_call_failed",
              {
                callId: call.id,
                action: call.action,
                error: errorText(error),
              },
              now,
            );
        });
      }
    }),
  );
  return claimed.length;
}

/**
 * Emergencies whose public progress is overdue: the miss is recorded on the incident and its tickets go
 * to the operations manager (level 2), as the SLA engine escalates a missed ticket deadline.
 */
export async function escalateOverdueProgress(ctx: AppContext, now: Date, limit = 20): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    const overdue = await claimOverdueProgress(trx, now, limit);
    for (const incident of overdue) {
      const dueAt = incident.progress_due_at!.toISOString();
      await updateIncident(trx, incident.id, { progress_escalated_at: now, updated_at: now });
      await addIncidentEvent(
        trx,
        incident.id,
        SYSTEM,
        "progress_overdue",
        { dueAt, escalatedTo: "manager" },
        now,
      );
      const ticketNos = await incidentTicketNos(trx, incident.id);
      if (!ticketNos.length) continue;
      await escalationUpdate(
        ticketNos.map((ticketNo) => ({ ticketNo, level: 2, queue: "manager" })),
        now,
      ).execute(trx);
      await eventsInsert(
        ticketNos.map((ticketNo) => ({
          ticketNo,
          type: "escalated",
          visibility: "internal" as const,
          data: { level: 2, clock: "incidentProgress", role: "manager", dueAt, incidentId: incident.id },
        })),
        SYSTEM,
        now,
      ).execute(trx);
    }
    return overdue.length;
  });
}

/**
 * Runs `work` soon after it is woken, never twice at the same time: wake-ups that arrive while a run waits
 * or runs make exactly one more run after it. Each run starts `gatherMs` after the wake-up that asked for
 * it, so a steady stream of tickets costs at most one run per `gatherMs` — each reading every event
 * committed since the previous one — and never one run per ticket, while detection stays well within its
 * one second.
 */
export function coalesced(
  work: () => Promise<void>,
  gatherMs: number,
): { wake: () => void; stop: () => Promise<void> } {
  let busy: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = async () => {
    try {
      do {
        again = false;
        await new Promise((resolve) => setTimeout(resolve, gatherMs).unref());
        if (!stopped) await work();
      } while (again && !stopped);
    } finally {
      busy = null;
    }
  };
  return {
    wake: () => {
      if (stopped) return;
      if (busy) again = true;
      else busy = run();
    },
    stop: async () => {
      stopped = true;
      await busy;
    },
  };
}

/**
 * The detector as a poller (the fallback, and what the test clock's `runAll` drives) that also runs
 * whenever a ticket is received. Both go through the same serial poller, so this process never has two
 * detector transactions at once; other processes wait on the cursor row's lock.
 */
function detectorPoller(ctx: AppContext, log: (line: string) => void): Poller {
  let held = false;
  const poller = serialPoller(
    "incidents.detect",
    DETECT_FALLBACK_SECONDS,
    async (now) => {
      const r = await detectOnce(ctx, now);
      held = r.held;
      return r.read;
    },
    DETECTOR_BATCH,
  );
  let retryMs = HELD_RETRY_MS;
  let retry: NodeJS.Timeout | null = null;
  const runs = coalesced(async () => {
    try {
      await poller.poll(ctx.clock.now());
    } catch (error) {
      log(`incidents: detector run failed (${errorText(error)}); the poll will try again`);
      return;
    }
    if (!held) {
      retryMs = HELD_RETRY_MS;
      return;
    }
    if (retry) return;
    retry = setTimeout(() => {
      retry = null;
      runs.wake();
    }, retryMs);
    retry.unref();
    retryMs = Math.min(retryMs * 2, DETECT_FALLBACK_SECONDS * 1000);
  }, DETECT_GATHER_MS);
  const unsubscribe = ctx.live.subscribe((change) => {
    if (change.type === "received") runs.wake();
  });
  return {
    ...poller,
    stop: async () => {
      unsubscribe();
      if (retry) clearTimeout(retry);
      await runs.stop();
    },
  };
}

/** Bounded deletes, one after another, until one comes back short. */
async function pruneAll(prune: () => Promise<number>): Promise<void> {
  for (;;) if ((await prune()) < PRUNE_BATCH) return;
}

export function incidentPollers(ctx: AppContext, log: (line: string) => void): Poller[] {
  let prunedAt = 0;
  return [
    detectorPoller(ctx, log),
    serialPoller("incidents.orderSystem", 1, (now) => sendOrderSystemCalls(ctx, log, now), CALL_BATCH),
    serialPoller(
      "incidents.progress",
      1,
      async (now) => {
        // Old signals and hourly counts can no longer fill a window or a baseline; pruned hourly (not
        // counted as work for runAll), in bounded deletes until none is left: at a high intake an hour
        // expires more rows than one delete takes.
        if (now.getTime() - prunedAt > 3_600_000) {
          prunedAt = now.getTime();
          const signalsBefore = new Date(now.getTime() - SIGNAL_DAYS * DAY_MS);
          const volumeBefore = new Date(now.getTime() - VOLUME_DAYS * DAY_MS);
          await pruneAll(() => pruneSignals(ctx.db, signalsBefore, PRUNE_BATCH));
          await pruneAll(() => pruneVolume(ctx.db, volumeBefore, PRUNE_BATCH));
        }
        return escalateOverdueProgress(ctx, now);
      },
      20,
    ),
  ];
}
