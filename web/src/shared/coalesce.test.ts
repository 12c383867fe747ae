import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { coalesce } from "./coalesce.ts";

describe("coalesce", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs about once per period under a steady stream of calls, where a debounce would never run", () => {
    const fn = vi.fn();
    const c = coalesce(fn, 1000);
    // A change every 50 ms for 3 s.
    for (let t = 0; t < 3000; t += 50) {
      c.call();
      vi.advanceTimersByTime(50);
    }
    expect(fn).toHaveBeenCalledTimes(3);
    c.call();
    vi.runAllTimers();
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("runs a single call once, after the period", () => {
    const fn = vi.fn();
    const c = coalesce(fn, 300);
    c.call();
    vi.advanceTimersByTime(299);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("runs nothing pending once cancelled, and schedules afresh after", () => {
    const fn = vi.fn();
    const c = coalesce(fn, 300);
    c.call();
    c.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    c.call();
    vi.advanceTimersByTime(300);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
