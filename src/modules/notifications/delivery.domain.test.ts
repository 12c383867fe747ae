import { describe, expect, it } from "vitest";
import { afterFailure, backoffSeconds, quietUntil, sendableAt } from "./delivery.domain.ts";

const NIGHT = { start: "22:00", end: "08:00" };
const policy = { maxAttempts: 4, baseSeconds: 30, maxDelaySeconds: 3600 };
/** A Beijing wall-clock time as the instant it is. */
const bj = (s: string) => new Date(`${s}+08:00`);

describe("back-off", () => {
  it("doubles from the base after each failed attempt and stops at the cap", () => {
    expect([1, 2, 3, 4].map((a) => backoffSeconds(a, policy))).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(20, policy)).toBe(3600);
  });

  it("gives up after the last attempt, or at once when the provider refused for good", () => {
    const now = bj("2026-03-02T10:00:00");
    expect(afterFailure(1, now, policy, false, NIGHT, false)).toEqual({
      status: "pending",
      nextAttemptAt: bj("2026-03-02T10:00:30"),
    });
    expect(afterFailure(4, now, policy, false, NIGHT, false)).toEqual({ status: "dead" });
    expect(afterFailure(1, now, policy, true, NIGHT, false)).toEqual({ status: "dead" });
  });

  it("puts a retry that would fall in the night off until the morning, unless urgent", () => {
    const now = bj("2026-03-02T21:59:50");
    expect(afterFailure(1, now, policy, false, NIGHT, false)).toEqual({
      status: "pending",
      nextAttemptAt: bj("2026-03-03T08:00:00"),
    });
    expect(afterFailure(1, now, policy, false, NIGHT, true)).toEqual({
      status: "pending",
      nextAttemptAt: bj("2026-03-02T22:00:20"),
    });
  });
});

describe("quiet hours (Beijing time)", () => {
  it("hold an evening notice until 08:00 the next day", () => {
    expect(quietUntil(bj("2026-03-02T23:15:00"), NIGHT)).toEqual(bj("2026-03-03T08:00:00"));
    expect(quietUntil(bj("2026-03-02T22:00:00"), NIGHT)).toEqual(bj("2026-03-03T08:00:00"));
  });

  it("hold a notice after midnight until 08:00 the same day", () => {
    expect(quietUntil(bj("2026-03-03T00:30:00"), NIGHT)).toEqual(bj("2026-03-03T08:00:00"));
    expect(quietUntil(bj("2026-03-03T07:59:00"), NIGHT)).toEqual(bj("2026-03-03T08:00:00"));
  });

  it("let day-time notices through, from 08:00 to 21:59", () => {
    expect(quietUntil(bj("2026-03-03T08:00:00"), NIGHT)).toBeNull();
    expect(quietUntil(bj("2026-03-03T21:59:00"), NIGHT)).toBeNull();
    expect(quietUntil(bj("2026-03-03T23:00:00"), undefined)).toBeNull();
  });

  it("handle a window that does not cross midnight", () => {
    const lunch = { start: "12:00", end: "13:30" };
    expect(quietUntil(bj("2026-03-03T12:10:00"), lunch)).toEqual(bj("2026-03-03T13:30:00"));
    expect(quietUntil(bj("2026-03-03T13:30:00"), lunch)).toBeNull();
  });

  it("do not hold urgent notices", () => {
    const at = bj("2026-03-02T23:15:00");
    expect(sendableAt(at, NIGHT, true)).toEqual(at);
    expect(sendableAt(at, NIGHT, false)).toEqual(bj("2026-03-03T08:00:00"));
  });
});
