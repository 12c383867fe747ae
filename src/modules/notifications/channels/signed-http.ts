import { createHmac } from "node:crypto";
import { PermanentFailure } from "./channel.ts";

/**
 * A JSON POST signed with HMAC-SHA256, as SMS and WeChat gateways take them. The signature covers the
 * timestamp and the body (`X-Signature: sha256=<hex of HMAC(secret, "<timestamp>.<body>")>`), so the
 * provider can refuse a forged or replayed request; `Idempotency-Key` lets it drop a repeat of a notice
 * we retried after losing its answer.
 */
export const signatureOf = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

export async function postSigned(
  url: string,
  secret: string,
  idempotencyKey: string,
  payload: Record<string, unknown>,
  timeoutMs = 5000,
): Promise<{ reference: string | null }> {
  const body = JSON.stringify(payload);
  // The provider checks freshness against its own wall clock, so this is the real time, not the app's.
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-timestamp": timestamp,
      "x-signature": signatureOf(secret, timestamp, body),
      "idempotency-key": idempotencyKey,
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (res.ok) {
    let reference: string | null = null;
    try {
      const answer = JSON.parse(text) as { id?: unknown; messageId?: unknown };
      reference = String(answer.messageId ?? answer.id ?? "") || null;
    } catch {}
    return { reference };
  }
  const why = `HTTP ${res.status}: ${text.slice(0, 200)}`;
  // A refused request stays refused; overload (429) and server errors may pass later.
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
    throw new PermanentFailure(why);
  throw new Error(why);
}
