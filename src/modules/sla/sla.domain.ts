import type { PolicyPack, Severity } from "../../policy-packs/schema.ts";

/**
 * The promises made at intake. v1 counts wall-clock minutes from the pack's targets; the business
 * calendar of the SLA issue will count service hours and holidays behind this same function.
 */
export interface Deadlines {
  firstResponseDueAt: Date;
  resolutionDueAt: Date;
}

type Targets = { default: number; serious: number; urgent: number };

/** The pack's value for a serious or urgent case when one applies (the stricter of the two), else its default. */
const pick = (targets: Targets, severity: Severity, urgent: boolean): number => {
  const specific: number[] = [];
  if (severity === "serious") specific.push(targets.serious);
  if (urgent) specific.push(targets.urgent);
  return specific.length ? Math.min(...specific) : targets.default;
};

export function initialDeadlines(
  pack: PolicyPack,
  severity: Severity,
  urgent: boolean,
  receivedAt: Date,
): Deadlines {
  const firstResponse = pick(pack.sla.firstResponseMinutes, severity, urgent);
  // Resolving cannot be promised before the first answer.
  const resolution = Math.max(pick(pack.sla.resolutionMinutes, severity, urgent), firstResponse);
  return {
    firstResponseDueAt: new Date(receivedAt.getTime() + firstResponse * 60_000),
    resolutionDueAt: new Date(receivedAt.getTime() + resolution * 60_000),
  };
}

export type ClockName = "firstResponse" | "resolution";

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

export function firstResponseMinutes(pack: PolicyPack, severity: Severity, urgent: boolean): number {
  return pick(pack.sla.firstResponseMinutes, severity, urgent);
}
