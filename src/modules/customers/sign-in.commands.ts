import type { AppContext } from "../../platform/context.ts";
import type { Locale } from "../../platform/errors.ts";
import { maskPhone } from "../../platform/format.ts";
import { randomId } from "../../platform/ids.ts";
import { type ChannelAdapter, errorText } from "../notifications/channels/channel.ts";
import { hasRequests } from "./my-requests.store.ts";
import {
  CODE_MINUTES,
  codeCheck,
  codeMessage,
  codeRequest,
  newCode,
  RESEND_SECONDS,
} from "./sign-in.domain.ts";
import {
  codeHash,
  createCustomerSession,
  recordAttempts,
  sameHash,
  spendCode,
  storeCode,
  voidCode,
  withCodeRow,
} from "./sign-in.store.ts";

export type Warn = (line: Record<string, unknown>, message: string) => void;

/**
 * Stores a new code for the phone and sends it by SMS, when the phone has filed a request: there is
 * nothing to list otherwise, and nobody's phone gets texts from a form they never used. The answer, the
 * limits and the time taken are the same either way, so the page does not tell who has complained; for
 * that reason the SMS leaves after the answer, and a provider failure voids the code (logged) so the
 * customer may ask again at once.
 */
export async function requestCode(
  ctx: AppContext,
  sms: ChannelAdapter,
  phone: string,
  locale: Locale,
  warn: Warn,
): Promise<{ expiresAt: Date; resendAfterSeconds: number }> {
  const now = ctx.clock.now();
  const code = newCode();
  const known = await hasRequests(ctx.db, phone);
  await withCodeRow(ctx.db, phone, now, async (trx, state) => {
    const counts = codeRequest(state, now);
    // Stored whether sent or not: a guess at an unsent code is "wrong" like any other wrong guess.
    await storeCode(trx, phone, codeHash(ctx.config.authSecret, phone, code), now, counts);
  });
  if (known)
    sms
      .send({
        id: `code-${randomId(9)}`,
        ticketNo: null,
        kind: "sign_in_code",
        recipient: phone,
        subject: null,
        body: codeMessage(code, locale),
      })
      .catch(async (error) => {
        warn({ err: errorText(error), to: maskPhone(phone) }, "sign-in code not sent");
        await voidCode(ctx.db, phone, now).catch(() => {});
      });
  return { expiresAt: new Date(now.getTime() + CODE_MINUTES * 60_000), resendAfterSeconds: RESEND_SECONDS };
}

/** Checks the typed code under the phone's lock; a right one is spent and opens a customer session. */
export async function signIn(
  ctx: AppContext,
  phone: string,
  code: string,
): Promise<{ token: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  const typed = codeHash(ctx.config.authSecret, phone, code);
  const outcome = await withCodeRow(ctx.db, phone, now, async (trx, state) => {
    const verdict = codeCheck(state, sameHash(state.codeHash, typed), now);
    if (!verdict.ok) {
      await recordAttempts(trx, phone, verdict.attempts);
      return verdict;
    }
    await spendCode(trx, phone);
    return { ok: true as const, session: await createCustomerSession(trx, phone, now) };
  });
  // Thrown after the transaction, so the used-up attempt is stored.
  if (!outcome.ok) throw outcome.error;
  return outcome.session;
}
