import type {
  PackClockRule,
  PackEscalationLevel,
  PolicyPack,
  Severity,
  SlaTarget,
} from "../../policy-packs/schema.ts";
import {
  addBusinessDays,
  addBusinessTime,
  type BusinessCalendar,
  businessTimeBetween,
  type ServiceHours,
} from "./calendar.domain.ts";
import { shippedCalendar } from "./holidays.ts";

/**
 * The promises made to a customer, as clocks. Each ticket runs the clocks its pack names (first
 * response, resolution, and where the pack sets them review and progress update); each clock counts
 * service time of the business calendar or wall-clock time, pauses and stops on the statuses the pack
 * lists, reminds its owner at a fraction of its time and, once broken, escalates level by level.
 * Pure: the caller loads clocks and calendar, and stores what comes back.
 */

const MINUTE = 60_000;

export const CLOCK_NAMES = ["firstResponse", "resolution", "review", "progressUpdate"] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];
export type Basis = "business" | "calendar";

/** What the targets depend on. */
export interface SlaFacts {
  category?: string;
  severity: Severity;
  urgent: boolean;
}

/** One clock of one ticket, as stored in `sla_clocks`. */
export interface Clock {
  name: string;
  basis: Basis;
  /** The length of the promise, on the clock's basis. */
  targetMs: number;
  startedAt: Date;
  /** Null while paused: the deadline is not known until the clock runs again. */
  dueAt: Date | null;
  remindAt: Date | null;
  pausedSince: Date | null;
  /** While paused: what was left, on the clock's basis; negative when the deadline had already passed. */
  remainingMs: number | null;
  stoppedAt: Date | null;
  remindedAt: Date | null;
  breachedAt: Date | null;
  /** The escalation levels this clock has fired (0 none). */
  level: number;
  /** When the engine must look at this clock next; null when it is paused, stopped or done. */
  nextAt: Date | null;
}

/** A pack's rules and the calendar, as the clock arithmetic needs them. */
export interface SlaEnv {
  hours: ServiceHours;
  calendar: BusinessCalendar;
  reminderAtFraction: number;
  escalation: readonly PackEscalationLevel[];
}

export const slaEnv = (pack: PolicyPack, calendar: BusinessCalendar = shippedCalendar): SlaEnv => ({
  hours: pack.serviceHours,
  calendar,
  reminderAtFraction: pack.sla.reminderAtFraction,
  escalation: pack.escalation.levels,
});

const add = (at: Date, ms: number, basis: Basis, env: SlaEnv): Date =>
  basis === "business" ? addBusinessTime(at, ms, env.hours, env.calendar) : new Date(at.getTime() + ms);

const between = (from: Date, to: Date, basis: Basis, env: SlaEnv): number =>
  basis === "business"
    ? businessTimeBetween(from, to, env.hours, env.calendar)
    : to.getTime() - from.getTime();

const earliest = (dates: Date[]): Date | null =>
  dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : null;

// ---------------------------------------------------------------------------------------------------
// Targets

/** The pack's value for the case: the category's (else the default), tightened by serious or urgent. */
export function pickMinutes(target: SlaTarget, facts: SlaFacts): number {
  const base = (facts.category && target.byCategory?.[facts.category]) || target.default;
  const stricter: number[] = [];
  if (facts.severity === "serious") stricter.push(target.serious);
  if (facts.urgent) stricter.push(target.urgent);
  return stricter.length ? Math.min(...stricter) : base;
}

/** How long a clock runs: minutes on its basis, or a number of business days. */
export type ClockTarget = { minutes: number } | { businessDays: number };

export interface ClockPolicy {
  name: ClockName;
  rule: PackClockRule;
  target: ClockTarget;
}

/** The clocks a ticket of this pack runs, with their targets for these facts. */
export function clockPolicies(pack: PolicyPack, facts: SlaFacts): ClockPolicy[] {
  const { sla } = pack;
  const policies: ClockPolicy[] = [
    {
      name: "firstResponse",
      rule: sla.clocks.firstResponse,
      target: { minutes: pickMinutes(sla.firstResponseMinutes, facts) },
    },
    {
      name: "resolution",
      rule: sla.clocks.resolution,
      target: { minutes: pickMinutes(sla.resolutionMinutes, facts) },
    },
  ];
  if (sla.clocks.review) {
    const target = sla.reviewBusinessDays
      ? { businessDays: sla.reviewBusinessDays }
      : sla.reviewMinutes
        ? { minutes: sla.reviewMinutes }
        : null;
    if (target) policies.push({ name: "review", rule: sla.clocks.review, target });
  }
  if (sla.clocks.progressUpdate && sla.progressUpdateMinutes)
    policies.push({
      name: "progressUpdate",
      rule: sla.clocks.progressUpdate,
      target: { minutes: sla.progressUpdateMinutes },
    });
  return policies;
}

/**
 * The deadline of a remedy being carried out, from the pack: re-send within 48 h, refund within 24 h of
 * receiving the return, repair within 3 business days, compensation paid within 24 h. Null when the pack
 * sets none. The remedies module starts these clocks (`startDeadline`) when the execution begins.
 */
export function remedyDeadline(
  pack: PolicyPack,
  kind: "resend" | "refund" | "repair" | "compensation",
): { rule: PackClockRule; target: ClockTarget } | null {
  const { sla } = pack;
  const rule = (basis: Basis) => ({ basis, pauseIn: [], stopIn: [] }) as unknown as PackClockRule;
  const hours = {
    resend: sla.resendHours,
    refund: sla.refundAfterReceiptHours,
    compensation: sla.compensationPaidHours,
  };
  if (kind === "repair")
    return sla.repairBusinessDays
      ? { rule: rule("business"), target: { businessDays: sla.repairBusinessDays } }
      : null;
  const h = hours[kind];
  return h ? { rule: rule("calendar"), target: { minutes: h * 60 } } : null;
}

export const ruleOf = (pack: PolicyPack, name: string): PackClockRule | undefined =>
  (pack.sla.clocks as Record<string, PackClockRule | undefined>)[name];

/** The deadline of a target started at `at`, and its length on the clock's basis. */
function deadlineOf(
  target: ClockTarget,
  basis: Basis,
  at: Date,
  env: SlaEnv,
): { dueAt: Date; targetMs: number } {
  if ("businessDays" in target) {
    const dueAt = addBusinessDays(at, target.businessDays, env.hours, env.calendar);
    return { dueAt, targetMs: Math.max(0, between(at, dueAt, basis, env)) };
  }
  const targetMs = target.minutes * MINUTE;
  return { dueAt: add(at, targetMs, basis, env), targetMs };
}

// ---------------------------------------------------------------------------------------------------
// One clock's life

const remindAtOf = (dueAt: Date, c: { basis: Basis; targetMs: number }, env: SlaEnv): Date =>
  add(dueAt, -Math.round(c.targetMs * (1 - env.reminderAtFraction)), c.basis, env);

/** When escalation level `level` (1-based) fires for a clock due at `dueAt`. */
export function escalationAt(
  c: { dueAt: Date | null; basis: Basis },
  level: number,
  env: SlaEnv,
): Date | null {
  const step = env.escalation[level - 1];
  if (!step || !c.dueAt) return null;
  // At the breach itself when there is no delay, even when the breach falls on a closing time.
  return step.afterMinutes === 0 ? c.dueAt : add(c.dueAt, step.afterMinutes * MINUTE, c.basis, env);
}

/** The next instant the engine must look at the clock: a reminder, the breach, or the next level. */
export function nextAttention(c: Clock, env: SlaEnv, escalates: boolean): Date | null {
  if (c.stoppedAt || c.pausedSince || !c.dueAt) return null;
  const candidates: Date[] = [];
  if (!c.breachedAt) {
    candidates.push(c.dueAt);
    if (!c.remindedAt && c.remindAt) candidates.push(c.remindAt);
  }
  const next = escalates ? escalationAt(c, c.level + 1, env) : null;
  if (next) candidates.push(next);
  return earliest(candidates);
}

export function startClock(
  policy: Pick<ClockPolicy, "name" | "rule" | "target">,
  at: Date,
  env: SlaEnv,
): Clock {
  const basis = policy.rule.basis;
  const { dueAt, targetMs } = deadlineOf(policy.target, basis, at, env);
  const clock: Clock = {
    name: policy.name,
    basis,
    targetMs,
    startedAt: at,
    dueAt,
    remindAt: remindAtOf(dueAt, { basis, targetMs }, env),
    pausedSince: null,
    remainingMs: null,
    stoppedAt: null,
    remindedAt: null,
    breachedAt: null,
    level: 0,
    nextAt: null,
  };
  return withNext(clock, env, policy.rule.escalates !== false);
}

const withNext = (c: Clock, env: SlaEnv, escalates: boolean): Clock => ({
  ...c,
  nextAt: nextAttention(c, env, escalates),
});

export function pauseClock(c: Clock, at: Date, env: SlaEnv): Clock {
  if (c.stoppedAt || c.pausedSince || !c.dueAt) return c;
  return {
    ...c,
    pausedSince: at,
    remainingMs: between(at, c.dueAt, c.basis, env),
    dueAt: null,
    remindAt: null,
    nextAt: null,
  };
}

export function resumeClock(c: Clock, at: Date, env: SlaEnv, escalates: boolean): Clock {
  if (c.stoppedAt || !c.pausedSince) return c;
  const dueAt = add(at, c.remainingMs ?? 0, c.basis, env);
  return withNext(
    { ...c, pausedSince: null, remainingMs: null, dueAt, remindAt: remindAtOf(dueAt, c, env) },
    env,
    escalates,
  );
}

/** Met, or no longer owed (the ticket ended). What was broken stays broken. */
export function stopClock(c: Clock, at: Date, env: SlaEnv): Clock {
  if (c.stoppedAt) return c;
  // A clock stopped while paused keeps the deadline it would have had, for the record.
  const dueAt = c.dueAt ?? (c.remainingMs === null ? null : add(at, c.remainingMs, c.basis, env));
  return { ...c, dueAt, stoppedAt: at, nextAt: null, pausedSince: null, remainingMs: null };
}

/**
 * New facts, new promise (category, severity or urgency changed): the time already used stays used,
 * the rest is measured against the new target. A promise that is no longer broken under the new target
 * is no longer marked breached; escalation levels already fired stay fired.
 */
export function retargetClock(
  c: Clock,
  target: ClockTarget,
  at: Date,
  env: SlaEnv,
  escalates: boolean,
): Clock {
  if (c.stoppedAt) return c;
  const { targetMs } = deadlineOf(target, c.basis, c.startedAt, env);
  if (targetMs === c.targetMs) return c;
  const remainingNow = c.pausedSince ? (c.remainingMs ?? 0) : between(at, c.dueAt!, c.basis, env);
  const remainingMs = targetMs - (c.targetMs - remainingNow);
  if (c.pausedSince) return { ...c, targetMs, remainingMs };
  const dueAt = add(at, remainingMs, c.basis, env);
  const remindAt = remindAtOf(dueAt, { basis: c.basis, targetMs }, env);
  return withNext(
    {
      ...c,
      targetMs,
      dueAt,
      remindAt,
      breachedAt: dueAt.getTime() > at.getTime() ? null : c.breachedAt,
      remindedAt: remindAt.getTime() > at.getTime() ? null : c.remindedAt,
    },
    env,
    escalates,
  );
}

/**
 * The calendar changed (an admin added a holiday, say): a running clock on service time keeps the
 * service time it had left and finds its deadline in the new calendar. Broken promises stay broken;
 * their next escalation level is placed in the new calendar.
 */
export function moveToCalendar(c: Clock, at: Date, before: SlaEnv, after: SlaEnv, escalates: boolean): Clock {
  if (c.basis !== "business" || c.stoppedAt || c.pausedSince || !c.dueAt) return c;
  if (c.dueAt.getTime() <= at.getTime()) {
    const moved = withNext(c, after, escalates);
    return moved.nextAt?.getTime() === c.nextAt?.getTime() ? c : moved;
  }
  const dueAt = add(at, between(at, c.dueAt, "business", before), "business", after);
  if (dueAt.getTime() === c.dueAt.getTime()) return c;
  const remindAt = c.remindedAt ? c.remindAt : remindAtOf(dueAt, c, after);
  return withNext({ ...c, dueAt, remindAt }, after, escalates);
}

/** A promise is broken when its deadline came before it was met. Meeting it at the deadline is in time. */
export function isBreached(c: Clock, now: Date): boolean {
  if (c.breachedAt) return true;
  if (c.pausedSince) return (c.remainingMs ?? 0) < 0;
  if (!c.dueAt) return false;
  return c.stoppedAt ? c.stoppedAt.getTime() > c.dueAt.getTime() : now.getTime() >= c.dueAt.getTime();
}

// ---------------------------------------------------------------------------------------------------
// The engine's tick

export type ClockStep =
  | { kind: "reminder"; clock: string; dueAt: Date }
  | { kind: "breach"; clock: string; dueAt: Date }
  | { kind: "escalate"; clock: string; dueAt: Date; level: PackEscalationLevel };

/**
 * Everything that fell due on a clock by `now`, in order: a reminder (skipped once the deadline has
 * passed: it would come too late), the breach, and every escalation level whose time has come. A
 * clock whose deadlines passed while the service was down catches up in one go.
 */
export function advanceClock(
  c: Clock,
  now: Date,
  env: SlaEnv,
  escalates: boolean,
): { clock: Clock; steps: ClockStep[] } {
  if (c.stoppedAt || c.pausedSince || !c.dueAt) return { clock: { ...c, nextAt: null }, steps: [] };
  const dueAt = c.dueAt;
  const steps: ClockStep[] = [];
  const next = { ...c };
  if (!next.breachedAt && dueAt.getTime() <= now.getTime()) {
    next.breachedAt = dueAt;
    steps.push({ kind: "breach", clock: c.name, dueAt });
  } else if (!next.breachedAt && !next.remindedAt && next.remindAt && next.remindAt <= now) {
    next.remindedAt = now;
    steps.push({ kind: "reminder", clock: c.name, dueAt });
  }
  while (escalates && next.breachedAt) {
    const at = escalationAt(next, next.level + 1, env);
    const level = env.escalation[next.level];
    if (!at || !level || at.getTime() > now.getTime()) break;
    next.level += 1;
    steps.push({ kind: "escalate", clock: c.name, dueAt, level });
  }
  next.nextAt = nextAttention(next, env, escalates);
  // Never hand back a clock that is still due now: the engine would pick it up again at once.
  if (next.nextAt && next.nextAt.getTime() <= now.getTime()) next.nextAt = new Date(now.getTime() + 1000);
  return { clock: next, steps };
}

export interface EscalationState {
  level: number;
  queue: string;
}

export interface TickEvent {
  ticketNo: string;
  type: "sla_reminder" | "sla_breached" | "escalated";
  data: Record<string, unknown>;
}

/**
 * Who a reminder is for: an execution order's clock (`execution:<orderId>`, see the execution module)
 * reminds the department working that order; the ticket's clocks remind its agent, else its queue.
 */
function reminderOwner(clock: string, assigneeId: string | null, queue: string): Record<string, string> {
  if (clock.startsWith("execution:")) return { executionOrderId: clock.slice("execution:".length) };
  return assigneeId ? { userId: assigneeId } : { queue };
}

/**
 * Turns one tick's steps into changes of tickets and events. A level re-routes the ticket only when it
 * raises the ticket's level: two clocks breaking together escalate the ticket once, and a clock breaking
 * on a ticket already with the manager leaves it there (the breach is still recorded).
 */
export function escalationEffects(
  ticketNo: string,
  ticket: EscalationState & { assigneeId: string | null },
  steps: ClockStep[],
): { ticket: EscalationState; raised: boolean; events: TickEvent[] } {
  let state = { level: ticket.level, queue: ticket.queue };
  let raised = false;
  const events: TickEvent[] = [];
  for (const step of steps) {
    const base = { clock: step.clock, dueAt: step.dueAt.toISOString() };
    if (step.kind === "reminder")
      events.push({
        ticketNo,
        type: "sla_reminder",
        data: { ...base, owner: reminderOwner(step.clock, ticket.assigneeId, state.queue) },
      });
    else if (step.kind === "breach") events.push({ ticketNo, type: "sla_breached", data: base });
    else if (step.level.level > state.level) {
      const to = { level: step.level.level, queue: step.level.queue };
      events.push({
        ticketNo,
        type: "escalated",
        data: { ...base, level: to.level, role: step.level.role, from: state, to },
      });
      state = to;
      raised = true;
    }
  }
  return { ticket: state, raised, events };
}

// ---------------------------------------------------------------------------------------------------
// Clocks of a ticket

/** Starts a ticket's clocks at intake. Resolving is never promised before the first answer. */
export function initialClocks(
  pack: PolicyPack,
  facts: SlaFacts,
  receivedAt: Date,
  calendar: BusinessCalendar = shippedCalendar,
): Clock[] {
  const env = slaEnv(pack, calendar);
  const clocks = clockPolicies(pack, facts).map((p) => startClock(p, receivedAt, env));
  const first = clocks.find((c) => c.name === "firstResponse")!;
  const resolution = clocks.find((c) => c.name === "resolution")!;
  if (resolution.dueAt!.getTime() < first.dueAt!.getTime()) {
    const dueAt = first.dueAt!;
    const targetMs = between(receivedAt, dueAt, resolution.basis, env);
    const rule = pack.sla.clocks.resolution;
    Object.assign(
      resolution,
      withNext(
        { ...resolution, dueAt, targetMs, remindAt: remindAtOf(dueAt, { ...resolution, targetMs }, env) },
        env,
        rule.escalates !== false,
      ),
    );
  }
  return clocks;
}

export type SlaTrigger = {
  /** The status before the change, when the status may have changed. */
  fromStatus?: string;
  /** A reply the customer can read was sent. */
  customerReply?: boolean;
  /** Category, severity or urgency changed. */
  reclassified?: boolean;
};

/**
 * After a change to a ticket: which clocks stop, restart, pause, resume or get a new target. Returns
 * only the clocks that changed. Which status does what is the pack's data, not code.
 */
export function reconcileClocks(
  pack: PolicyPack,
  clocks: readonly Clock[],
  ticket: SlaFacts & { status: string },
  trigger: SlaTrigger,
  at: Date,
  calendar: BusinessCalendar = shippedCalendar,
): Clock[] {
  const env = slaEnv(pack, calendar);
  const changed: Clock[] = [];
  const statusChanged = trigger.fromStatus !== undefined && trigger.fromStatus !== ticket.status;
  for (const policy of clockPolicies(pack, ticket)) {
    const current = clocks.find((c) => c.name === policy.name);
    if (!current) continue;
    const { rule } = policy;
    const escalates = rule.escalates !== false;
    let next = current;
    if (trigger.reclassified) next = retargetClock(next, policy.target, at, env, escalates);
    if (trigger.customerReply && rule.onCustomerReply === "stop") next = stopClock(next, at, env);
    if (trigger.customerReply && rule.onCustomerReply === "restart" && !rule.stopIn.includes(ticket.status))
      next = startClock(policy, at, env);
    if (statusChanged && rule.stopIn.includes(ticket.status)) next = stopClock(next, at, env);
    else if (statusChanged && next.stoppedAt && rule.restartIn?.includes(ticket.status))
      next = startClock(policy, at, env);
    if (!next.stoppedAt)
      next = rule.pauseIn.includes(ticket.status)
        ? pauseClock(next, at, env)
        : resumeClock(next, at, env, escalates);
    if (next !== current) changed.push(next);
  }
  return changed;
}

/** The two deadlines the ticket row carries for the acknowledgement, the queue and the progress page. */
export function ticketDeadlines(clocks: readonly Clock[]): {
  firstResponseDueAt?: Date;
  resolutionDueAt?: Date;
} {
  const due = (name: string) => clocks.find((c) => c.name === name)?.dueAt ?? undefined;
  return { firstResponseDueAt: due("firstResponse"), resolutionDueAt: due("resolution") };
}

// ---------------------------------------------------------------------------------------------------
// The acknowledgement's words and the v1 helpers other modules use

/**
 * The promises made at intake: the first-response and resolution deadlines of the clocks started then.
 */
export interface Deadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

export function initialDeadlines(
  pack: PolicyPack,
  severity: Severity,
  urgent: boolean,
  receivedAt: Date,
  options: { category?: string; calendar?: BusinessCalendar } = {},
): Deadlines {
  const clocks = initialClocks(
    pack,
    { category: options.category, severity, urgent },
    receivedAt,
    options.calendar,
  );
  const d = ticketDeadlines(clocks);
  return { firstResponseDueAt: d.firstResponseDueAt!, resolutionDueAt: d.resolutionDueAt! };
}

/** Which promises are broken at `now`: a clock is breached when its deadline passed before it was met. */
export function breachedClocks(
  t: {
    firstResponseDueAt: Date;
    resolutionDueAt: Date;
    firstRespondedAt: Date | null;
    resolvedAt: Date | null;
  },
  now: Date,
): ClockName[] {
  const breached: ClockName[] = [];
  const late = (due: Date, metAt: Date | null) => (metAt ?? now).getTime() > due.getTime();
  if (late(t.firstResponseDueAt, t.firstRespondedAt)) breached.push("firstResponse");
  if (late(t.resolutionDueAt, t.resolvedAt)) breached.push("resolution");
  return breached;
}

export function minutesText(minutes: number, locale: "zh-CN" | "en"): string {
  if (minutes % 1440 === 0) return locale === "en" ? `${minutes / 1440} day(s)` : `${minutes / 1440}天`;
  if (minutes % 60 === 0) return locale === "en" ? `${minutes / 60} hour(s)` : `${minutes / 60}小时`;
  return locale === "en" ? `${minutes} minutes` : `${minutes}分钟`;
}

export function firstResponseMinutes(
  pack: PolicyPack,
  severity: Severity,
  urgent: boolean,
  category?: string,
): number {
  return pickMinutes(pack.sla.firstResponseMinutes, { category, severity, urgent });
}
