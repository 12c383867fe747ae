import { describe, expect, it } from "vitest";
import {
  CHECKPOINT_BYTES,
  checkpointDue,
  FREEZE_MAX_AGE,
  type TableActivity,
  upkeepDue,
  upkeepOf,
} from "./upkeep.domain.ts";

const quiet: TableActivity = {
  table: "public.tickets",
  rows: 10_000,
  deadRows: 0,
  insertedSinceVacuum: 0,
  changedSinceAnalyze: 0,
  xidAge: 1_000,
};

describe("upkeepOf: autovacuum's rules", () => {
  it("leaves a table alone until a fifth of it is dead", () => {
    expect(upkeepOf({ ...quiet, deadRows: 2_050 })).toMatchObject({ vacuum: false, analyze: false });
    expect(upkeepOf({ ...quiet, deadRows: 2_051 })).toMatchObject({ vacuum: true });
  });

  it("vacuums a table only ever appended to, once a fifth of it is new", () => {
    expect(upkeepOf({ ...quiet, insertedSinceVacuum: 3_000 }).vacuum).toBe(false);
    expect(upkeepOf({ ...quiet, insertedSinceVacuum: 3_001 }).vacuum).toBe(true);
  });

  it("analyses once a tenth of the rows changed, without vacuuming for that alone", () => {
    expect(upkeepOf({ ...quiet, changedSinceAnalyze: 1_050 }).analyze).toBe(false);
    expect(upkeepOf({ ...quiet, changedSinceAnalyze: 1_051 })).toMatchObject({
      vacuum: false,
      analyze: true,
    });
  });

  it("counts a table never vacuumed nor analysed (rows -1) as empty: 51 dead rows are enough", () => {
    expect(upkeepOf({ ...quiet, rows: -1, deadRows: 51 }).vacuum).toBe(true);
    expect(upkeepOf({ ...quiet, rows: -1, deadRows: 50 }).vacuum).toBe(false);
  });

  it("vacuums a quiet table whose row ids near wraparound", () => {
    expect(upkeepOf({ ...quiet, xidAge: FREEZE_MAX_AGE + 1 }).vacuum).toBe(true);
    expect(upkeepOf({ ...quiet, xidAge: FREEZE_MAX_AGE }).vacuum).toBe(false);
  });
});

describe("upkeepDue", () => {
  it("lists only the tables due: wraparound first, then the most dead rows", () => {
    const due = upkeepDue([
      { ...quiet, table: "a", deadRows: 3_000 },
      quiet,
      { ...quiet, table: "b", deadRows: 9_000 },
      { ...quiet, table: "c", xidAge: FREEZE_MAX_AGE + 1 },
    ]);
    expect(due.map((u) => u.table)).toEqual(["c", "b", "a"]);
  });
});

describe("checkpointDue: the checkpointer's rules", () => {
  it("checkpoints once a quarter of max_wal_size is written, however recent the last one", () => {
    expect(checkpointDue({ bytes: CHECKPOINT_BYTES, seconds: 10 })).toBe(true);
    expect(checkpointDue({ bytes: CHECKPOINT_BYTES - 1, seconds: 10 })).toBe(false);
  });

  it("checkpoints every five minutes while anything is written, and not at all when idle", () => {
    expect(checkpointDue({ bytes: 1_000_000, seconds: 300 })).toBe(true);
    expect(checkpointDue({ bytes: 1_000_000, seconds: 299 })).toBe(false);
    expect(checkpointDue({ bytes: 200, seconds: 86_400 })).toBe(false);
  });
});
