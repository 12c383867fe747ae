import { describe, expect, it } from "vitest";
import { monthCells } from "../web/src/console/admin/year-grid.ts";
import {
  type ClockView,
  clockState,
  countdownText,
  durationWords,
  nearestClock,
} from "../web/src/console/sla/countdown.ts";
import { clockName, slaText } from "../web/src/console/sla/messages.ts";

/** The console's countdowns and year grid: pure logic, in both languages. */
const zh = slaText("zh-CN");
const en = slaText("en");
const NOW = Date.parse("2026-11-25T02:00:00Z"); // 10:00 in Beijing
const MIN = 60_000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

const clock = (over: Partial<ClockView> = {}): ClockView => ({
  name: "firstResponse",
  state: "running",
  dueAt: at(12 * MIN),
  remindAt: at(6 * MIN),
  remainingMs: null,
  breached: false,
  level: 0,
  ...over,
});

describe("countdown words", () => {
  it("count down in at most two units, never showing more time than is left", () => {
    expect(durationWords(12 * MIN + 59_000, zh)).toBe("12 分钟");
    expect(durationWords(45_000, zh)).toBe("45 秒");
    expect(durationWords(65 * MIN, zh)).toBe("1 小时 5 分钟");
    expect(durationWords(120 * MIN, zh)).toBe("2 小时");
    expect(durationWords((51 * 60 + 30) * MIN, zh)).toBe("2 天 3 小时");
    expect(durationWords(-5 * MIN, en)).toBe("5 min");
  });

  it("read as the console shows them: left, amber when due soon, red when overdue, paused, met", () => {
    expect(countdownText(clock(), NOW, zh)).toBe("剩 12 分钟");
    expect(clockState(clock(), NOW).state).toBe("running");

    const soon = clock({ remindAt: at(-MIN) });
    expect(clockState(soon, NOW).state).toBe("soon");
    expect(countdownText(soon, NOW, zh)).toBe("剩 12 分钟");

    const late = clock({ dueAt: at(-5 * MIN), remindAt: at(-10 * MIN), breached: true });
    expect(clockState(late, NOW).state).toBe("breached");
    expect(countdownText(late, NOW, zh)).toBe("已超时 5 分钟");
    expect(countdownText(late, NOW, en)).toBe("5 min overdue");
    // The second the deadline passes the clock is late, before the server has said so.
    expect(clockState(clock({ dueAt: at(0) }), NOW).state).toBe("breached");

    const paused = clock({ state: "paused", dueAt: null, remindAt: null, remainingMs: 20 * MIN });
    expect(clockState(paused, NOW).state).toBe("paused");
    expect(countdownText(paused, NOW, zh)).toBe("已暂停 · 剩 20 分钟");
    // A paused clock does not count down: the same text an hour later.
    expect(countdownText(paused, NOW + 60 * MIN, zh)).toBe("已暂停 · 剩 20 分钟");

    expect(countdownText(clock({ state: "stopped" }), NOW, zh)).toBe("已完成");
    expect(countdownText(clock({ state: "stopped", breached: true }), NOW, zh)).toBe("超时完成");
  });

  it("tell the state from the detail's fields when the list's `state` is absent", () => {
    const detail = { ...clock(), state: undefined };
    expect(clockState({ ...detail, pausedSince: at(-MIN), remainingMs: MIN }, NOW).state).toBe("paused");
    expect(clockState({ ...detail, stoppedAt: at(-MIN) }, NOW).state).toBe("stopped");
    expect(clockState(detail, NOW).state).toBe("running");
  });
});

describe("the deadline a queue row shows", () => {
  it("is the running clock due first, else a paused one, else none", () => {
    const first = clock({ name: "firstResponse", dueAt: at(30 * MIN) });
    const resolution = clock({ name: "resolution", dueAt: at(10 * MIN) });
    const paused = clock({ name: "resolution", state: "paused", dueAt: null, remainingMs: MIN });
    const met = clock({ name: "firstResponse", state: "stopped" });
    expect(nearestClock([first, resolution])?.name).toBe("resolution");
    expect(nearestClock([met, paused])).toBe(paused);
    expect(nearestClock([met])).toBeNull();
    expect(nearestClock([])).toBeNull();
  });

  it("names the clocks, an execution order's by its kind", () => {
    expect(clockName("firstResponse", zh)).toBe("首次响应");
    expect(clockName("progressUpdate", en)).toBe("Progress update");
    expect(clockName("execution:EO123", zh)).toBe("执行单");
    expect(clockName("somethingNew", zh)).toBe("somethingNew");
  });
});

describe("the calendar's year grid", () => {
  it("lays a month out Monday first", () => {
    const feb = monthCells(2026, 2); // 1 February 2026 is a Sunday
    expect(feb.filter((c) => !c.date)).toHaveLength(6);
    expect(feb.filter((c) => c.date).map((c) => c.date)).toHaveLength(28);
    expect(feb[6]?.date).toBe("2026-02-01");
    expect(monthCells(2024, 2).at(-1)?.date).toBe("2024-02-29");
    expect(monthCells(2026, 6)[0]?.date).toBe("2026-06-01"); // a Monday: no padding
  });
});
