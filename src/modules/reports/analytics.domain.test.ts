import { describe, expect, it } from "vitest";
import {
  heatOf,
  isDay,
  mondayOf,
  periodsOf,
  trendOf,
  weekdayOf,
  weeklyAnalysis,
} from "./analytics.domain.ts";
import { checklistScore, stratifiedSample } from "./qa.domain.ts";

describe("days and weeks", () => {
  it("knows real days, weekdays and the Monday of a week", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(weekdayOf("2026-11-23")).toBe(1); // a Monday
    expect(weekdayOf("2026-11-29")).toBe(7);
    expect(mondayOf("2026-11-29")).toBe("2026-11-23");
    expect(periodsOf("2026-11-25", "2026-12-08", "week")).toEqual(["2026-11-23", "2026-11-30", "2026-12-07"]);
  });
});

describe("trend, heat map and weekly analysis", () => {
  const rows = [
    { day: "2026-11-23", businessLine: "food_delivery", category: "delivery", count: 3 },
    { day: "2026-11-24", businessLine: "food_delivery", category: "food", count: 1 },
    { day: "2026-11-30", businessLine: "food_delivery", category: "delivery", count: 2 },
  ];
  it("sums days into weeks per line and per category", () => {
    const t = trendOf(rows, "2026-11-23", "2026-12-01", "week");
    expect(t.periods).toEqual(["2026-11-23", "2026-11-30"]);
    expect(t.byLine).toEqual([{ businessLine: "food_delivery", counts: [4, 2] }]);
    expect(t.byCategory).toEqual([
      { businessLine: "food_delivery", category: "delivery", counts: [3, 2] },
      { businessLine: "food_delivery", category: "food", counts: [1, 0] },
    ]);
  });

  it("folds days into weekdays and staffs the busiest weekday's average hour", () => {
    // Two Mondays at 12:00 with 6 and 2 tickets (average 4), one Tuesday at 12:00 with 5.
    const h = heatOf(
      [
        { row: "2026-11-23", hour: 12, count: 6 },
        { row: "2026-11-30", hour: 12, count: 2 },
        { row: "2026-11-24", hour: 12, count: 5 },
      ],
      "weekday",
      30,
    );
    expect(h.cells).toEqual([
      { row: "1", hour: 12, count: 8 },
      { row: "2", hour: 12, count: 5 },
    ]);
    // Tuesday's 5 an hour × 30 minutes = 2.5 agent-hours → 3 agents.
    expect(h.staffing[12]).toEqual({ hour: 12, agents: 3 });
    expect(h.staffing[11]).toEqual({ hour: 11, agents: 0 });
    expect(h.peak).toEqual({ row: "1", hour: 12, count: 8 });
  });

  it("ranks top categories and the biggest movers, and rates SLA breaches", () => {
    const w = weeklyAnalysis(
      [
        { businessLine: "x", category: "a", count: 6, clocksMet: 9, clocksBreached: 1 },
        { businessLine: "x", category: "b", count: 4, clocksMet: 5, clocksBreached: 5 },
      ],
      [
        { businessLine: "x", category: "a", count: 2, clocksMet: 4, clocksBreached: 0 },
        { businessLine: "x", category: "c", count: 5, clocksMet: 4, clocksBreached: 0 },
      ],
    );
    expect(w.topCategories.map((c) => [c.category, c.count, c.share])).toEqual([
      ["a", 6, 0.6],
      ["b", 4, 0.4],
    ]);
    expect(w.movers.map((m) => [m.category, m.change, m.changeRatio])).toEqual([
      ["c", -5, -1],
      ["a", 4, 2],
      ["b", 4, null],
    ]);
    expect(w.slaBreachRate).toBe(0.3);
    expect(w.lastWeekSlaBreachRate).toBe(0);
  });
});

describe("QA sampling", () => {
  const pool = [
    ...Array.from({ length: 8 }, (_, i) => ({ ticketNo: `D${i}`, category: "delivery" })),
    { ticketNo: "F0", category: "food" },
    { ticketNo: "F1", category: "food" },
  ];
  it("gives every category a place, the rest by share, each ticket at most once", () => {
    const sample = stratifiedSample(pool, 5, () => 0);
    expect(sample.filter((c) => c.category === "food")).toHaveLength(1);
    expect(sample.filter((c) => c.category === "delivery")).toHaveLength(4);
    expect(new Set(sample.map((c) => c.ticketNo)).size).toBe(5);
    expect(stratifiedSample(pool, 20, Math.random)).toHaveLength(10);
    expect(stratifiedSample(pool, 1, () => 0.99).map((c) => c.category)).toEqual(["food"]);
  });
  it("scores the checklist as the mean of its four points", () => {
    expect(checklistScore({ greeting: 90, accuracy: 80, remedy: 70, tone: 100 })).toBe(85);
    expect(checklistScore({ greeting: 0, accuracy: 0, remedy: 1, tone: 0 })).toBe(0);
  });
});
