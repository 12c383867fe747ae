import type { Db } from "../../db/database.ts";
import {
  agentKeyOf,
  dailyKeyOf,
  type FactKey,
  factOf,
  isMonth,
  MEASURES,
  type Measure,
  type Measures,
  monthlyKeyOf,
  monthOf,
  monthRange,
  riderKeyOf,
  rollupDeltas,
} from "./reports.domain.ts";
import { rollUpEvents } from "./rollups.jobs.ts";
import {
  agentRollupRows,
  DAILY_MEASURES,
  dailyRollupRows,
  monthlyRollupRows,
  RIDER_MEASURES,
  rawTicketsReceived,
  riderRollupRows,
} from "./rollups.store.ts";

/**
 * `aftersale reports-check [YYYY-MM]`: catches the rollups up with the event stream, recomputes the month
 * from the raw tables and prints every rollup row that differs. Exit 1 on a difference, so a scheduler
 * or CI can alarm on it.
 */
export interface Difference {
  rollup: "monthly" | "agents" | "daily" | "riders";
  key: string;
  measure: string;
  stored: number;
  recomputed: number;
}

type Row = { key: FactKey; measures: Measures };

function compare(
  rollup: Difference["rollup"],
  stored: readonly Row[],
  recomputed: readonly Row[],
  keyOf: (k: FactKey) => string,
  measures: readonly Measure[] = MEASURES,
): Difference[] {
  const index = (rows: readonly Row[]) => new Map(rows.map((r) => [keyOf(r.key), r.measures]));
  const a = index(stored);
  const b = index(recomputed);
  const out: Difference[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()]))
    for (const m of measures) {
      const s = a.get(key)?.[m] ?? 0;
      const r = b.get(key)?.[m] ?? 0;
      if (s !== r)
        out.push({ rollup, key: key.split("\u0001").join(" / "), measure: m, stored: s, recomputed: r });
    }
  return out;
}

export async function checkMonth(db: Db, month: string): Promise<Difference[]> {
  while ((await rollUpEvents(db)) > 0) {}
  const { from, to } = monthRange(month);
  const facts = (await rawTicketsReceived(db, from, to)).map(factOf);
  return [
    ...compare(
      "monthly",
      await monthlyRollupRows(db, month),
      rollupDeltas([], facts, monthlyKeyOf),
      monthlyKeyOf,
    ),
    ...compare("agents", await agentRollupRows(db, month), rollupDeltas([], facts, agentKeyOf), agentKeyOf),
    ...compare(
      "daily",
      await dailyRollupRows(db, month),
      rollupDeltas([], facts, dailyKeyOf),
      dailyKeyOf,
      DAILY_MEASURES,
    ),
    ...compare(
      "riders",
      await riderRollupRows(db, month),
      rollupDeltas(
        [],
        facts.filter((f) => f.key.riderId !== ""),
        riderKeyOf,
      ),
      riderKeyOf,
      RIDER_MEASURES,
    ),
  ];
}

export async function reportsCheckCommand(db: Db, args: readonly string[], now: Date): Promise<number> {
  const month = args.find((a) => !a.startsWith("-"))?.replace(/^month=/, "") ?? monthOf(now);
  if (!isMonth(month)) {
    console.error(`reports-check: "${month}" is not a month (YYYY-MM)`);
    return 2;
  }
  const differences = await checkMonth(db, month);
  for (const d of differences)
    console.log(
      `MISMATCH ${d.rollup} [${d.key}] ${d.measure}: rollup ${d.stored}, raw tables ${d.recomputed}`,
    );
  console.log(
    differences.length
      ? `reports-check ${month}: ${differences.length} difference(s)`
      : `reports-check ${month}: rollups match the raw tables`,
  );
  return differences.length ? 1 : 0;
}
