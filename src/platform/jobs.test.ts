import { describe, expect, it } from "vitest";
import { JobRunner, type Poller, serialPoller } from "./jobs.ts";

const counting = (name: string, backlog: number[]): Poller & { polls: number } => {
  const poller = {
    name,
    everySeconds: 1,
    polls: 0,
    async poll() {
      poller.polls++;
      return backlog.shift() ?? 0;
    },
  };
  return poller;
};

describe("JobRunner.drain", () => {
  it("polls the named poller until it finds no work, and leaves the others alone", async () => {
    const writer = counting("writer", [3, 2]);
    const sender = counting("sender", [5]);
    const jobs = new JobRunner(
      [writer, sender],
      () => new Date(),
      () => {},
    );
    expect(await jobs.drain("writer")).toBe(5);
    expect(writer.polls).toBe(3);
    expect(sender.polls).toBe(0);
  });

  it("refuses a name no poller has", async () => {
    const jobs = new JobRunner(
      [],
      () => new Date(),
      () => {},
    );
    await expect(jobs.drain("nope")).rejects.toThrow("no poller named nope");
  });
});

describe("serialPoller", () => {
  it("drains a backlog page after page, and lets waiting I/O in between its pages", async () => {
    // On PGlite a page's statements run in this thread and resolve as microtasks: without a turn of the
    // event loop between pages, a long backlog would hold every HTTP request until all of it was drained.
    let page = 0;
    const poller = serialPoller("pages", 1, async () => (++page < 50 ? 10 : 3), 10);
    let pageWhenIoRan = 0;
    setImmediate(() => {
      pageWhenIoRan = page;
    });
    expect(await poller.poll(new Date())).toBe(49 * 10 + 3);
    expect(pageWhenIoRan).toBeGreaterThan(0);
    expect(pageWhenIoRan).toBeLessThan(5);
  });
});
