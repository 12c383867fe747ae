import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The survey link's token: `<surveyId>.<expiry, unix seconds in base 36>.<signature>`. The signature is
 * an HMAC-SHA256 (first 16 bytes, base64url) over the id and the expiry under a key derived from the
 * process secret, so a link cannot be forged, guessed from a ticket number or stretched past its expiry.
 */
const KEY_LABEL = "aftersale/survey-link/v1";

const keyOf = (secret: string): Buffer => createHmac("sha256", secret).update(KEY_LABEL).digest();

const signatureOf = (secret: string, payload: string): Buffer =>
  createHmac("sha256", keyOf(secret)).update(payload).digest().subarray(0, 16);

export function signSurveyToken(surveyId: string, expiresAt: Date, secret: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(surveyId)) throw new RangeError("survey id must be base64url");
  const payload = `${surveyId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${signatureOf(secret, payload).toString("base64url")}`;
}

/** The id and expiry of a genuine token; null for anything else (the caller answers 404 alike). */
export function readSurveyToken(token: string, secret: string): { surveyId: string; expiresAt: Date } | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [surveyId, expiry, signature] = parts as [string, string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(surveyId) || !/^[0-9a-z]+$/.test(expiry)) return null;
  const expected = signatureOf(secret, `${surveyId}.${expiry}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { surveyId, expiresAt: new Date(Number.parseInt(expiry, 36) * 1000) };
}
