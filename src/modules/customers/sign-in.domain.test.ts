import { describe, expect, it } from "vitest";
import type { AppError } from "../../platform/errors.ts";
import { type CodeState, codeCheck, codeMessage, codeRequest, newCode } from "./sign-in.domain.ts";

const t0 = new Date("2026-12-07T02:00:00Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const state = (patch: Partial<CodeState> = {}): CodeState => ({
  codeHash: "h",
  sentAt: t0,
  expiresAt: at(300),
  attempts: 0,
  windowStartedAt: t0,
  sentInWindow: 1,
  ...patch,
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    const error = e as AppError;
    return { code: error.code, status: error.status, retryAfter: error.headers["retry-after"] };
  }
  throw new Error("not refused");
};

describe("asking for a code", () => {
  it("starts a day's count with the phone's first code", () => {
    expect(codeRequest(undefined, t0)).toEqual({ windowStartedAt: t0, sentInWindow: 1 });
  });

  it("waits a full minute after the last code, saying how long is left", () => {
    expect(refusal(() => codeRequest(state(), at(59.2)))).toEqual({
      code: "CODE_TOO_SOON",
      status: 429,
      retryAfter: "1",
    });
    expect(codeRequest(state(), at(60))).toEqual({ windowStartedAt: t0, sentInWindow: 2 });
    expect(codeRequest(state({ sentAt: null }), at(1))).toEqual({ windowStartedAt: t0, sentInWindow: 2 });
  });

  it("allows ten codes in 24 hours from the first, then a new day's count", () => {
    const tenth = state({ sentAt: at(3600), sentInWindow: 10 });
    expect(refusal(() => codeRequest(tenth, at(7200)))).toEqual({
      code: "TOO_MANY_CODES",
      status: 429,
      retryAfter: String(86_400 - 7200),
    });
    expect(codeRequest(state({ sentInWindow: 9 }), at(7200)).sentInWindow).toBe(10);
    expect(codeRequest(tenth, at(86_400))).toEqual({ windowStartedAt: at(86_400), sentInWindow: 1 });
  });
});

describe("checking a code", () => {
  it("signs in with the right code before it expires", () => {
    expect(codeCheck(state(), true, at(299))).toEqual({ ok: true });
  });

  it("counts a wrong code, and the fifth kills it", () => {
    const first = codeCheck(state(), false, at(10));
    expect(first).toMatchObject({ ok: false, attempts: 1, error: { code: "CODE_WRONG" } });
    expect(first.ok || first.error.text["zh-CN"]).toBe("验证码不正确，还可再试 4 次");
    expect(codeCheck(state({ attempts: 4 }), false, at(10))).toMatchObject({
      attempts: 5,
      error: { code: "CODE_EXPIRED" },
    });
    expect(codeCheck(state({ attempts: 5 }), true, at(10))).toMatchObject({
      attempts: 5,
      error: { code: "CODE_EXPIRED" },
    });
  });

  it("refuses an expired, spent or never sent code even when it matches", () => {
    for (const s of [state(), state({ codeHash: null, expiresAt: null }), undefined]) {
      expect(codeCheck(s, true, at(300))).toMatchObject({
        ok: false,
        error: { code: "CODE_EXPIRED", status: 400 },
      });
    }
  });
});

it("makes six-digit codes and words the SMS in the customer's language", () => {
  const codes = Array.from({ length: 200 }, newCode);
  expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
  expect(new Set(codes).size).toBeGreaterThan(190);
  expect(codeMessage("012345", "zh-CN")).toContain("验证码是 012345，5 分钟内有效");
  expect(codeMessage("012345", "en")).toContain("code is 012345. It expires in 5 minutes");
});
