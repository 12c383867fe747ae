import { describe, expect, it } from "vitest";
import { JobRunner, type Poller } from "./jobs.ts";

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
