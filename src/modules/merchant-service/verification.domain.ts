import { type Text, text } from "../../platform/errors.ts";
import type { LiableParty, PackClockRule, PolicyPack } from "../../policy-packs/schema.ts";
import type { ClockTarget } from "../sla/sla.domain.ts";

/**
 * A complaint about a store goes to its merchant to verify (商家核实): the merchant accepts liability or
 * disputes it with a statement and evidence, within the pack's limit; past it the platform decides.
 * A dispute is settled by a platform mediator (调解). Pure: callers pass the pack and the time.
 */
export type VerificationStatus = "pending" | "accepted" | "disputed" | "missed" | "withdrawn";
export type MerchantDecision = "accept" | "dispute";

/** When a pack names no limit, a day: long enough for any business line, short enough to be a promise. */
const DEFAULT_HOURS = 24;

export const verificationHours = (pack: PolicyPack): number =>
  pack.sla.merchantVerificationHours ?? DEFAULT_HOURS;

/** The merchant did not answer: the pack's rule, else the merchant (the complaint stands unrebutted). */
export const missedLiable = (pack: PolicyPack): LiableParty =>
  pack.sla.merchantVerificationMissedLiable ?? "merchant";

/** The clock's name on the SLA engine, after the verification it times, so the ticket shows which one. */
export const CLOCK_PREFIX = "merchant-verification:";
export const clockNameOf = (verificationId: string): string => `${CLOCK_PREFIX}${verificationId}`;

/**
 * The verification's deadline as an SLA clock: wall-clock hours (merchants answer evenings and weekends
 * too), untouched by the ticket's statuses, and it does not escalate the ticket: a missed verification is
 * decided by the platform, not chased up the agent's chain.
 */
export function verificationClock(pack: PolicyPack): { rule: PackClockRule; target: ClockTarget } {
  // The schema's literal unions type as `never` through its Union helper; the value is a valid rule.
  const rule = { basis: "calendar", pauseIn: [], stopIn: [], escalates: false } as unknown as PackClockRule;
  return { rule, target: { minutes: verificationHours(pack) * 60 } };
}

export const isMissed = (v: { status: VerificationStatus; dueAt: Date }, now: Date): boolean =>
  v.status === "pending" && v.dueAt.getTime() <= now.getTime();

/** A mediator names one side; "nobody" is the word mediators use for the pack's `none`. */
export const MEDIATION_PARTIES = [
  "merchant",
  "platform",
  "customer",
  "rider",
  "logistics",
  "nobody",
] as const;
export type MediationParty = (typeof MEDIATION_PARTIES)[number];
export const liablePartyOf = (p: MediationParty): LiableParty => (p === "nobody" ? "none" : p);

/** The ticket's status after the merchant's part is over: back to its agent. */
export const STATUS_AFTER_VERIFICATION = "in_progress" as const;

export const BACK_TO_AGENT: Record<"accepted" | "disputed" | "missed", Text> = {
  accepted: text("商家已确认责任，继续处理", "The merchant accepted liability; handling continues"),
  disputed: text("商家提出异议，平台调解中", "The merchant disputed the complaint; the platform mediates"),
  missed: text("商家未在时限内核实，由平台判定", "The merchant did not verify in time; the platform decided"),
};
