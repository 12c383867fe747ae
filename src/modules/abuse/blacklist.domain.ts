/**
 * The blacklist (黑名单), applied within the law: a listed customer is still heard. Their request is
 * registered like anyone's and handled by a supervisor instead of the line's queue; a food-safety or health
 * claim keeps its severity and deadlines, so a listing can never delay or refuse it. A listing ends when it
 * expires, when a supervisor lifts it, or when an appeal is granted.
 */

export type ListingStatus = "active" | "lifted" | "expired";
export type AppealDecision = "lift" | "uphold";

export interface Listing {
  id: string;
  reason: string;
  expiresAt: Date;
  status: ListingStatus;
}

/** The routing facts a listed customer's request is registered with. */
export interface ListedRouting {
  queue: "supervisor";
  flag: { listingId: string; reason: string; foodSafety: boolean };
}

/** Longest listing a supervisor may set: a listing is a measure, not a sentence. */
export const MAX_LISTING_DAYS = 365;

export function isInForce(listing: Listing, now: Date): boolean {
  return listing.status === "active" && listing.expiresAt.getTime() > now.getTime();
}

/**
 * A listed customer's request goes to the supervisors flagged. Food safety is told apart only to say so on
 * the flag: its severity, priority and clocks stay as triage set them.
 */
export function routeListedRequest(
  listing: Listing,
  request: { severity: string; severitySignals: readonly string[]; massAffected: boolean },
): ListedRouting {
  const foodSafety =
    request.severity === "serious" || request.severitySignals.length > 0 || request.massAffected;
  return { queue: "supervisor", flag: { listingId: listing.id, reason: listing.reason, foodSafety } };
}

export type ExpiryProblem = "EXPIRY_IN_PAST" | "EXPIRY_TOO_FAR";

export function checkExpiry(expiresAt: Date, now: Date): ExpiryProblem | null {
  if (expiresAt.getTime() <= now.getTime()) return "EXPIRY_IN_PAST";
  if (expiresAt.getTime() - now.getTime() > MAX_LISTING_DAYS * 86_400_000) return "EXPIRY_TOO_FAR";
  return null;
}

/** An appeal decides once; granting it ends the listing, refusing it leaves the listing as it was. */
export function decideAppeal(
  appealStatus: "pending" | "lifted" | "upheld",
  decision: AppealDecision,
): { ok: true; appealStatus: "lifted" | "upheld"; liftListing: boolean } | { ok: false } {
  if (appealStatus !== "pending") return { ok: false };
  return decision === "lift"
    ? { ok: true, appealStatus: "lifted", liftListing: true }
    : { ok: true, appealStatus: "upheld", liftListing: false };
}
