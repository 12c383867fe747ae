import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * EventSource cannot send an Authorization header, so a logged-in user first trades the bearer token
 * for a short-lived stream token that may travel in the URL. It names the user and an expiry, signed
 * with the server's secret; it opens a stream and is useless a minute later.
 */
export const STREAM_TOKEN_SECONDS = 60;

const sign = (secret: string, userId: string, exp: number) =>
  createHmac("sha256", secret).update(`live:${userId}:${exp}`).digest("base64url");

export function issueStreamToken(secret: string, userId: string, now: Date): { token: string; exp: Date } {
  const exp = Math.floor(now.getTime() / 1000) + STREAM_TOKEN_SECONDS;
  return { token: `${userId}.${exp}.${sign(secret, userId, exp)}`, exp: new Date(exp * 1000) };
}

/** The user id the token was issued to, or null when it is malformed, forged or expired. */
export function verifyStreamToken(secret: string, token: string, now: Date): string | null {
  const [userId, expText, sig] = token.split(".");
  if (!userId || !expText || !sig || !/^\d+$/.test(expText)) return null;
  const exp = Number(expText);
  if (exp * 1000 < now.getTime()) return null;
  const expected = Buffer.from(sign(secret, userId, exp));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
}
