/**
 * When a notice goes out: at once, after a failed attempt with exponential back-off, or when the quiet
 * hours of the night end. Times of day are Beijing time (UTC+8, no daylight saving), where the customers are.
 */

export interface QuietHours {
  /** "22:00": from this local time… */
  start: string;
  /** "08:00": …to this one (the window may span midnight). */
  end: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseSeconds: number;
  maxDelaySeconds: number;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Seconds to wait after failed attempt number `attempt` (1-based): base, 2×base, 4×base… up to the cap. */
export function backoffSeconds(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.baseSeconds * 2 ** Math.max(0, attempt - 1), policy.maxDelaySeconds);
}

/** The end of the quiet hours when `at` falls inside them, else null. */
export function quietUntil(at: Date, quiet: QuietHours | undefined): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = at.getTime() + BEIJING_OFFSET_MS;
  const minute = Math.floor((local % DAY_MS) / 60_000);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  const midnight = local - (local % DAY_MS);
  // Past midnight already (or a same-day window): the end is today; before midnight it is tomorrow.
  const endDay = start > end && minute >= start ? midnight + DAY_MS : midnight;
  return new Date(endDay + end * 60_000 - BEIJING_OFFSET_MS);
}

/**
 * The first moment a notice may be sent, given the earliest it could be tried. Urgent notices and
 * in-app messages (which ring nothing) ignore the quiet hours.
 */
export function sendableAt(earliest: Date, quiet: QuietHours | undefined, exempt: boolean): Date {
  if (exempt) return earliest;
  return quietUntil(earliest, quiet) ?? earliest;
}

export type AttemptOutcome =
  | { status: "sent" }
  | { status: "pending"; nextAttemptAt: Date }
  | { status: "dead" };

/**
 * What follows a failed attempt: another one after the back-off (and the quiet hours), or the
 * dead-letter list once the attempts are spent or the provider said the notice can never go.
 */
export function afterFailure(
  attempts: number,
  now: Date,
  policy: RetryPolicy,
  permanent: boolean,
  quiet: QuietHours | undefined,
  exempt: boolean,
): AttemptOutcome {
  if (permanent || attempts >= policy.maxAttempts) return { status: "dead" };
  const earliest = new Date(now.getTime() + backoffSeconds(attempts, policy) * 1000);
  return { status: "pending", nextAttemptAt: sendableAt(earliest, quiet, exempt) };
}
