/**
 * The money ledger's rules. Pure: states and amounts in, states and amounts out.
 *
 * - Per order, refunds (refund, price difference) never exceed what was paid; compensation stays under
 *   the order's cap (the pack's multiple of the amount paid, or a statutory floor above it). Money is
 *   reserved on the order's account when a remedy is approved and released only when its entry is
 *   cancelled, so a pending refund counts as much as a paid one.
 * - One payout per remedy item: its idempotency key is derived from the remedy and the item, and the
 *   same key goes to the payment provider on every attempt, so a retry after a lost answer is answered
 *   with the first payment instead of making a second one.
 * - A payout is pending → processing (claimed, with a lease) → succeeded | failed; a failed attempt that
 *   may be retried goes back to pending with exponential back-off, and an expired lease makes the entry
 *   claimable again (its earlier attempt is then asked again under the same key).
 */

export const ENTRY_KINDS = ["refund", "price_difference", "compensation", "coupon", "charge"] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const ENTRY_STATUSES = [
  "held",
  "pending",
  "processing",
  "succeeded",
  "failed",
  "cancelled",
  "recorded",
] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const REFUND_ENTRY_KINDS: readonly EntryKind[] = ["refund", "price_difference"];

export interface PaymentState {
  status: EntryStatus;
  attempts: number;
  /** The attempt at which retrying stops; a manual retry grants another round. */
  maxAttempts: number;
  nextAttemptAt: Date | null;
  leaseUntil: Date | null;
  providerRef: string | null;
  lastError: string | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed attempt may take before another worker asks the provider again. */
  leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  leaseMs: 120_000,
};

export type ProviderResult =
  | { outcome: "succeeded"; reference: string }
  /** The provider took the request and will confirm later (callback, or the next ask under the same key). */
  | { outcome: "accepted"; reference: string }
  | { outcome: "failed"; retryable: boolean; error: string };

export const newPayment = (held: boolean, now: Date, policy: RetryPolicy = DEFAULT_RETRY): PaymentState => ({
  status: held ? "held" : "pending",
  attempts: 0,
  maxAttempts: policy.maxAttempts,
  nextAttemptAt: held ? null : now,
  leaseUntil: null,
  providerRef: null,
  lastError: null,
});

export function isClaimable(e: PaymentState, now: Date): boolean {
  if (e.status === "pending") return !e.nextAttemptAt || e.nextAttemptAt <= now;
  if (e.status === "processing") return !!e.leaseUntil && e.leaseUntil <= now;
  return false;
}

/** Taken by one worker for one attempt. */
export function claim(e: PaymentState, now: Date, policy: RetryPolicy = DEFAULT_RETRY): PaymentState {
  if (!isClaimable(e, now)) throw new Error(`entry in ${e.status} is not claimable now`);
  return {
    ...e,
    status: "processing",
    attempts: e.attempts + 1,
    nextAttemptAt: null,
    leaseUntil: new Date(now.getTime() + policy.leaseMs),
  };
}

export const backoffMs = (attempts: number, policy: RetryPolicy = DEFAULT_RETRY): number =>
  Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempts - 1), policy.maxDelayMs);

export type SettleEffect = "paid" | "waiting" | "retry" | "gave_up" | "ignored";

/**
 * The provider's answer to attempt `attempt`. A success counts whenever it comes while the entry is
 * not yet succeeded (the provider paid under this entry's key, whichever attempt asked, even after we
 * gave up); any other answer of an attempt that is no longer the current one is ignored.
 */
export function settle(
  e: PaymentState,
  attempt: number,
  result: ProviderResult,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY,
): { state: PaymentState; effect: SettleEffect } {
  // A success is the truth whenever it comes: money moved under this entry's key.
  const open = e.status === "processing" || e.status === "pending" || e.status === "failed";
  if (result.outcome === "succeeded" && open)
    return {
      state: {
        ...e,
        status: "succeeded",
        providerRef: result.reference,
        leaseUntil: null,
        nextAttemptAt: null,
        lastError: null,
      },
      effect: "paid",
    };
  if (e.status !== "processing" || e.attempts !== attempt) return { state: e, effect: "ignored" };
  if (result.outcome === "accepted")
    return {
      state: { ...e, providerRef: result.reference, leaseUntil: new Date(now.getTime() + policy.leaseMs) },
      effect: "waiting",
    };
  if (result.outcome === "succeeded") return { state: e, effect: "ignored" };
  if (result.retryable && e.attempts < e.maxAttempts)
    return {
      state: {
        ...e,
        status: "pending",
        leaseUntil: null,
        nextAttemptAt: new Date(now.getTime() + backoffMs(e.attempts, policy)),
        lastError: result.error,
      },
      effect: "retry",
    };
  return {
    state: { ...e, status: "failed", leaseUntil: null, nextAttemptAt: null, lastError: result.error },
    effect: "gave_up",
  };
}

/** Finance asks again after a final failure: another round of attempts under the same key. */
export function retryFailed(e: PaymentState, now: Date, policy: RetryPolicy = DEFAULT_RETRY): PaymentState {
  if (e.status !== "failed") throw new Error(`only a failed payment is retried, not one ${e.status}`);
  return { ...e, status: "pending", nextAttemptAt: now, maxAttempts: e.attempts + policy.maxAttempts };
}

/** The condition a held payout waited for is met (e.g. the returned goods passed inspection). */
export function releaseHeld(e: PaymentState, now: Date): PaymentState {
  if (e.status !== "held") return e;
  return { ...e, status: "pending", nextAttemptAt: now };
}

/**
 * Only a payout never sent to the provider may be cancelled (and its reservation given back): once an
 * attempt was made, even a failed one may have paid, so the money stays reserved until it is known.
 */
export const isCancellable = (e: Pick<PaymentState, "status" | "attempts">): boolean =>
  e.status === "held" || (e.status === "pending" && e.attempts === 0);

export function cancelPayment(e: PaymentState): PaymentState {
  if (!isCancellable(e))
    throw new Error(`a ${e.status} payment after ${e.attempts} attempts cannot be cancelled`);
  return { ...e, status: "cancelled", nextAttemptAt: null };
}

/** The order's running totals; the database holds the same limits as CHECK constraints. */
export interface OrderAccount {
  paidFen: number;
  /** Reserved: every refund not cancelled, paid or not. */
  refundedFen: number;
  compensatedFen: number;
  compensationCapFen: number;
}

export interface Reservation {
  refundFen: number;
  compensationFen: number;
  /** The cap this remedy brings (the pack's, or a statutory floor above it). */
  capFen: number;
}

export type ReservationProblem = "REFUND_EXCEEDS_PAID" | "COMPENSATION_ABOVE_CAP";

export function reserve(
  account: OrderAccount,
  r: Reservation,
): { account: OrderAccount } | { problem: ReservationProblem } {
  const next = {
    ...account,
    refundedFen: account.refundedFen + r.refundFen,
    compensatedFen: account.compensatedFen + r.compensationFen,
    compensationCapFen: Math.max(account.compensationCapFen, r.capFen),
  };
  if (next.refundedFen > next.paidFen) return { problem: "REFUND_EXCEEDS_PAID" };
  if (next.compensatedFen > next.compensationCapFen) return { problem: "COMPENSATION_ABOVE_CAP" };
  return { account: next };
}

/** What a cancelled payout gives back to the account. */
export function reservationOf(kind: EntryKind, amountFen: number): Reservation {
  return {
    refundFen: REFUND_ENTRY_KINDS.includes(kind) ? amountFen : 0,
    compensationFen: kind === "compensation" ? amountFen : 0,
    capFen: 0,
  };
}

/** Item → entry keys: one payout per remedy item, one charge per paid payout. Ids double as keys. */
export const payoutKey = (remedyId: string, itemIndex: number): string => `${remedyId}-P${itemIndex}`;
export const chargeKey = (remedyId: string, itemIndex: number): string => `${remedyId}-C${itemIndex}`;

/** Who bears a payout, when it is not the platform: they are charged what was paid (merchant settlement, rider or carrier deduction). */
export const chargedParty = (payer: string): "merchant" | "rider" | "logistics" | null =>
  payer === "merchant" || payer === "rider" || payer === "logistics" ? payer : null;
