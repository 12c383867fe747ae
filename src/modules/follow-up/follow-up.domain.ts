import type { PolicyPack } from "../../policy-packs/schema.ts";

/**
 * Follow-up after resolution (回访与满意度) as rules: when the survey, the return visit and the automatic
 * close fall due, who gets a return visit, what answer starts a second round (二次处理), and the handling
 * time a closed ticket records. Pure: callers pass the pack, the facts and `now`.
 */
const MIN = 60_000;
const DAY = 86_400_000;

export interface FollowUpSettings {
  surveyDelayMinutes: number;
  surveyValidDays: number;
  /** The return visit is due on day `returnVisitAfterDays` and should be done by day `returnVisitByDays`. */
  returnVisitAfterDays: number;
  returnVisitByDays: number;
  samplePercent: number;
  autoCloseDays: number;
  /** A score at or below this starts a second round. */
  lowScore: number;
}

/**
 * The pack's follow-up section with the defaults of the optional settings. A survey an hour after
 * resolution leaves time for the result feedback to arrive first; three quiet days are enough for a
 * customer to say the problem is not solved, and short enough that reports are not left waiting.
 * fresh_food's 7–15 days (DOMAIN §5) read as: due on day 7, done by day 15.
 */
export function followUpSettings(pack: PolicyPack): FollowUpSettings {
  const f = pack.followUp;
  return {
    surveyDelayMinutes: Math.min(f.surveyDelayMinutes ?? 60, f.surveyWithinHours * 60),
    surveyValidDays: f.surveyValidDays ?? 7,
    returnVisitAfterDays: f.returnVisitDays.min,
    returnVisitByDays: f.returnVisitDays.max,
    samplePercent: f.returnVisitSamplePercent ?? 20,
    autoCloseDays: f.autoCloseDays ?? 3,
    lowScore: pack.thresholds.lowSatisfactionScore,
  };
}

export type FollowUpKind = "survey" | "return_visit" | "auto_close";
export type ReturnVisitReason = "complex" | "repeat_customer" | "sampled";

export interface ScheduledFollowUp {
  kind: FollowUpKind;
  dueAt: Date;
  reason: ReturnVisitReason | null;
}

/** What a resolution sets in motion: always a survey and the quiet-period close; a visit when chosen. */
export function followUpSchedule(
  s: FollowUpSettings,
  resolvedAt: Date,
  visit: ReturnVisitReason | null,
): ScheduledFollowUp[] {
  const at = resolvedAt.getTime();
  const plan: ScheduledFollowUp[] = [
    { kind: "survey", dueAt: new Date(at + s.surveyDelayMinutes * MIN), reason: null },
    { kind: "auto_close", dueAt: new Date(at + s.autoCloseDays * DAY), reason: null },
  ];
  if (visit)
    plan.push({ kind: "return_visit", dueAt: new Date(at + s.returnVisitAfterDays * DAY), reason: visit });
  return plan;
}

export const returnVisitDeadline = (s: FollowUpSettings, resolvedAt: Date): Date =>
  new Date(resolvedAt.getTime() + s.returnVisitByDays * DAY);

/**
 * A stable 0–99 for a ticket number (FNV-1a): the sample is the same however often it is asked, in any
 * process, and a test can tell in advance which tickets it holds.
 */
export function sampleBucket(ticketNo: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ticketNo.length; i++) {
    h ^= ticketNo.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 100;
}

export interface VisitFacts {
  ticketNo: string;
  severity: string;
  urgent: boolean;
  escalationLevel: number;
  secondRounds: number;
  /** Other tickets of the same phone in the pack's repeat-complainant window. */
  otherTicketsOfCustomer: number;
}

/**
 * Who gets a return visit (DOMAIN §6: complex and repeat cases always). Complex: serious or urgent,
 * escalated to a supervisor, or already handled twice. Repeat customer: any other ticket of the phone in
 * the pack's repeat window — someone who comes back is worth a call before they become a repeat
 * complainant. The rest: the pack's sampling percentage, by the ticket number's stable bucket.
 */
export function returnVisitReason(f: VisitFacts, samplePercent: number): ReturnVisitReason | null {
  if (f.severity === "serious" || f.urgent || f.escalationLevel > 0 || f.secondRounds > 0) return "complex";
  if (f.otherTicketsOfCustomer > 0) return "repeat_customer";
  return sampleBucket(f.ticketNo) < samplePercent ? "sampled" : null;
}

/** A low score (at or below the pack's threshold) or "not resolved" starts a second round. */
export const needsSecondRound = (answer: { score: number; resolved: boolean }, lowScore: number): boolean =>
  !answer.resolved || answer.score <= lowScore;

export type SurveyProblem = "ANSWERED" | "EXPIRED";

/** An answered survey stays answered; an unanswered one expires at its time. */
export function surveyProblem(
  s: { answeredAt: Date | null; expiresAt: Date },
  now: Date,
): SurveyProblem | null {
  if (s.answeredAt) return "ANSWERED";
  if (now.getTime() >= s.expiresAt.getTime()) return "EXPIRED";
  return null;
}

/**
 * Handling time: from receipt to the resolution the customer kept. The quiet period before closing is
 * the customer's time, not ours, so it does not count.
 */
export const handlingMinutes = (createdAt: Date, resolvedAt: Date): number =>
  Math.max(0, Math.round((resolvedAt.getTime() - createdAt.getTime()) / MIN));

/** Whether a scheduled follow-up still belongs to the ticket's current resolution. */
export function stillResolved(
  t: { status: string; resolvedAt: Date | null; mergedInto: string | null },
  resolvedAt: Date,
  kind: FollowUpKind,
): boolean {
  if (t.mergedInto || !t.resolvedAt || t.resolvedAt.getTime() !== resolvedAt.getTime()) return false;
  // The customer may confirm before the survey or the visit; only the close needs the ticket still resolved.
  return kind === "auto_close" ? t.status === "resolved" : ["resolved", "closed"].includes(t.status);
}
