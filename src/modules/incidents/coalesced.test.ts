import { describe, expect, it } from "vitest";
import { coalesced } from "./incidents.jobs.ts";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("coalesced wake-ups", () => {
  it("runs once for a burst, once more for wake-ups during a run, and never after stop", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const c = coalesced(async () => {
      runs++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }, 5);
    c.wake();
    c.wake();
    await tick(30);
    expect(runs).toBe(1);
    c.wake();
    c.wake();
    release();
    await tick(30);
    expect(runs).toBe(2);
    const stopped = c.stop();
    c.wake();
    release();
    await stopped;
    await tick(30);
    expect(runs).toBe(2);
  });
});
