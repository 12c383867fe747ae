import { describe, expect, it } from "vitest";
import { batcher, isRowError } from "./batcher.ts";

/** A fake database call that records the batches it was given and answers when told to. */
function fakeDatabase(fail?: (inputs: number[]) => unknown) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (inputs: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(inputs);
      pending.push(() => {
        const error = fail?.(inputs);
        if (error) reject(error);
        else resolve(inputs.map((n) => `T${n}`));
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  // Answers batches as they come, until a few turns pass with nothing left to answer.
  const answerAll = async () => {
    for (let idle = 0; idle < 3; ) {
      const next = pending.shift();
      if (next) {
        idle = 0;
        next();
      } else idle++;
      await tick();
    }
  };

  return { run, batches, answerAll, tick };
}

const rowError = Object.assign(new Error("duplicate"), { code: "23505" });
const connectionLost = Object.assign(new Error("Connection terminated"), { code: "57P01" });

describe("batcher (group commit)", () => {
  it("sends a lone call after the current turn of the event loop, without waiting for company", async () => {
    const db = fakeDatabase();
    const call = batcher(db.run, { maxBatch: 10, maxInFlight: 1, retryAlone: isRowError });
    const answer = call(1);
    expect(db.batches).toEqual([]);
    await db.tick();
    expect(db.batches).toEqual([[1]]);
    await db.answerAll();
    expect(await answer).toBe("T1");
  });

  it("sends the calls of one turn together, and those made while a batch is out in the next one", async () => {
    const db = fakeDatabase();
    const call = batcher(db.run, { maxBatch: 3, maxInFlight: 1, retryAlone: isRowError });
    const answers = [1, 2].map((n) => call(n));
    await db.tick();
    expect(db.batches).toEqual([[1, 2]]);
    answers.push(...[3, 4, 5, 6, 7].map((n) => call(n)));
    await db.answerAll();
    expect(await Promise.all(answers)).toEqual(["T1", "T2", "T3", "T4", "T5", "T6", "T7"]);
    expect(db.batches).toEqual([
      [1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it("keeps several batches out at once when allowed", async () => {
    const db = fakeDatabase();
    const call = batcher(db.run, { maxBatch: 2, maxInFlight: 2, retryAlone: isRowError });
    const answers = [1, 2, 3, 4, 5].map((n) => call(n));
    await db.tick();
    expect(db.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await db.answerAll();
    await Promise.all(answers);
    expect(db.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("retries a batch one call at a time when one input broke a constraint: only that caller fails", async () => {
    const db = fakeDatabase((inputs) => (inputs.includes(3) ? rowError : null));
    const call = batcher(db.run, { maxBatch: 10, maxInFlight: 1, retryAlone: isRowError });
    const outcomes = [1, 2, 3, 4].map((n) => call(n).catch((e: Error) => e.message));
    await db.tick();
    await db.answerAll();
    expect(await Promise.all(outcomes)).toEqual(["T1", "T2", "duplicate", "T4"]);
    expect(db.batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it("does not retry after a lost connection (the batch may have committed): every caller hears the error", async () => {
    const db = fakeDatabase((inputs) => (inputs.length > 1 ? connectionLost : null));
    const call = batcher(db.run, { maxBatch: 10, maxInFlight: 1, retryAlone: isRowError });
    const outcomes = [1, 2, 3].map((n) => call(n).catch((e: Error) => e.message));
    await db.tick();
    await db.answerAll();
    expect(await Promise.all(outcomes)).toEqual([
      "Connection terminated",
      "Connection terminated",
      "Connection terminated",
    ]);
    expect(db.batches).toEqual([[1, 2, 3]]);
  });

  it("goes on serving after a failed batch", async () => {
    let broken = true;
    const db = fakeDatabase(() => (broken ? connectionLost : null));
    const call = batcher(db.run, { maxBatch: 10, maxInFlight: 1, retryAlone: isRowError });
    const lost = call(1).catch(() => "lost");
    await db.tick();
    await db.answerAll();
    expect(await lost).toBe("lost");
    broken = false;
    const again = call(2);
    await db.tick();
    await db.answerAll();
    expect(await again).toBe("T2");
  });
});
