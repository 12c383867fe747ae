import { randomInt } from "node:crypto";
import { AppError, type Locale, text } from "../../platform/errors.ts";

/**
 * How a customer proves a phone is theirs before "my requests" lists every ticket filed with it: a
 * six-digit code by SMS. A code this short is safe only behind its limits, so they are the rule here:
 * a code lives 5 minutes and dies after 5 wrong tries; a phone gets a new code at most once a minute
 * and 10 times a day, so the page cannot be used to flood someone's phone; a sign-in lasts 30 minutes.
 */
export const CODE_MINUTES = 5;
export const ATTEMPTS_PER_CODE = 5;
export const RESEND_SECONDS = 60;
export const CODES_PER_DAY = 10;
export const SESSION_MINUTES = 30;
const DAY_MS = 86_400_000;

/** What is stored for a phone; absent before its first code. */
export interface CodeState {
  codeHash: string | null;
  sentAt: Date | null;
  expiresAt: Date | null;
  attempts: number;
  windowStartedAt: Date;
  sentInWindow: number;
}

export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, "0");

const tooMany = (code: string, seconds: number, zh: string, en: string) =>
  new AppError(code, 429, text(zh, en), [{ field: "phone", code, message: text(zh, en) }], {
    "retry-after": String(seconds),
  });

/**
 * The counts after sending one more code now, or the 429 saying when the phone may have one. The day is
 * a rolling 24 hours from the window's first code, so no midnight resets the count for a flood.
 */
export function codeRequest(
  state: CodeState | undefined,
  now: Date,
): { windowStartedAt: Date; sentInWindow: number } {
  if (state?.sentAt) {
    const wait = Math.ceil((state.sentAt.getTime() + RESEND_SECONDS * 1000 - now.getTime()) / 1000);
    if (wait > 0)
      throw tooMany(
        "CODE_TOO_SOON",
        wait,
        `验证码已发送，请 ${wait} 秒后再获取`,
        `A code was just sent; ask for another in ${wait} s`,
      );
  }
  const windowOpen = state && now.getTime() - state.windowStartedAt.getTime() < DAY_MS;
  if (!state || !windowOpen) return { windowStartedAt: now, sentInWindow: 1 };
  if (state.sentInWindow >= CODES_PER_DAY) {
    const wait = Math.ceil((state.windowStartedAt.getTime() + DAY_MS - now.getTime()) / 1000);
    throw tooMany(
      "TOO_MANY_CODES",
      wait,
      "该手机号今天获取验证码的次数已达上限，请明天再试",
      "This phone has had too many codes today; try again tomorrow",
    );
  }
  return { windowStartedAt: state.windowStartedAt, sentInWindow: state.sentInWindow + 1 };
}

const codeError = (code: string, zh: string, en: string) =>
  new AppError(code, 400, text(zh, en), [{ field: "code", code, message: text(zh, en) }]);

/**
 * Whether a typed code signs the customer in. `matches` is the comparison of its hash with the stored
 * one. A wrong code uses up one attempt (`attempts` is the count to store); the last one kills the code.
 */
export function codeCheck(
  state: CodeState | undefined,
  matches: boolean,
  now: Date,
): { ok: true } | { ok: false; attempts: number; error: AppError } {
  const live =
    state?.codeHash && state.expiresAt && state.expiresAt > now && state.attempts < ATTEMPTS_PER_CODE;
  if (!state || !live)
    return {
      ok: false,
      attempts: state?.attempts ?? 0,
      error: codeError("CODE_EXPIRED", "验证码已失效，请重新获取", "The code has expired; ask for a new one"),
    };
  if (matches) return { ok: true };
  const attempts = state.attempts + 1;
  const left = ATTEMPTS_PER_CODE - attempts;
  return {
    ok: false,
    attempts,
    error:
      left > 0
        ? codeError("CODE_WRONG", `验证码不正确，还可再试 ${left} 次`, `Wrong code; ${left} tries left`)
        : codeError(
            "CODE_EXPIRED",
            "验证码错误次数过多，已失效，请重新获取",
            "Too many wrong tries; the code no longer works, ask for a new one",
          ),
  };
}

/** The SMS itself: the code, how long it lasts, and that it is for nobody else. */
export function codeMessage(code: string, locale: Locale): string {
  return locale === "en"
    ? `Your after-sales sign-in code is ${code}. It expires in ${CODE_MINUTES} minutes. Do not share it; staff will never ask for it.`
    : `【售后服务】您的验证码是 ${code}，${CODE_MINUTES} 分钟内有效，用于查看您的售后申请。请勿告诉他人，客服不会向您索要验证码。`;
}
