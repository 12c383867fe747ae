/**
 * Presence on a ticket: an open workspace calls in every HEARTBEAT_SECONDS, and counts as there until
 * VIEWER_TTL_SECONDS pass without a call, three beats, so one slow or lost request does not make a
 * colleague flicker away while a closed tab is gone within the minute.
 */
export const HEARTBEAT_SECONDS = 15;
export const VIEWER_TTL_SECONDS = 45;

/** The oldest call-in that still counts at `now`. */
export const presentSince = (now: Date): Date => new Date(now.getTime() - VIEWER_TTL_SECONDS * 1000);
