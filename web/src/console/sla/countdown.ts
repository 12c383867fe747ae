import type { SlaText } from "./messages.ts";

/**
 * Countdowns of SLA clocks, pure: which deadline a row shows, in what state, and how it reads. The
 * server says what a clock is (running, paused, stopped; when it reminds and is due); the page only
 * counts the time between its own ticking "now" and those instants.
 */

/** A clock as the list and the detail give it (the detail adds more fields; these are enough). */
export interface ClockView {
  name: string;
  dueAt: string | null;
  remindAt: string | null;
  remainingMs: number | null;
  breached: boolean;
  level: number;
  /** In list items; the detail tells it by pausedSince/stoppedAt instead. */
  state?: "running" | "paused" | "stopped";
  pausedSince?: string | null;
  stoppedAt?: string | null;
}

/** soon: inside the pack's reminder window (amber); breached: past the deadline (red). */
export type ClockState = "running" | "soon" | "breached" | "paused" | "stopped";

export const stateOf = (c: ClockView): "running" | "paused" | "stopped" =>
  c.state ?? (c.stoppedAt ? "stopped" : c.pausedSince ? "paused" : "running");

/** Where a clock stands at `now`, and the time to its deadline (negative: overdue). */
export function clockState(c: ClockView, now: number): { state: ClockState; ms: number | null } {
  const base = stateOf(c);
  if (base === "stopped") return { state: "stopped", ms: null };
  if (base === "paused") return { state: "paused", ms: c.remainingMs };
  if (!c.dueAt) return { state: "running", ms: null };
  const ms = new Date(c.dueAt).getTime() - now;
  if (ms <= 0) return { state: "breached", ms };
  if (c.remindAt && new Date(c.remindAt).getTime() <= now) return { state: "soon", ms };
  return { state: "running", ms };
}

/**
 * The deadline a queue row shows: the running clock due first (a broken one is due first of all);
 * without a running clock, a paused one; null when every promise is settled.
 */
export function nearestClock<C extends ClockView>(clocks: readonly C[]): C | null {
  const due = (c: C) => (c.dueAt ? new Date(c.dueAt).getTime() : Number.POSITIVE_INFINITY);
  const running = clocks.filter((c) => stateOf(c) === "running" && c.dueAt).sort((a, b) => due(a) - due(b));
  return running[0] ?? clocks.find((c) => stateOf(c) === "paused") ?? null;
}

/**
 * "12 分钟", "1 小时 5 分钟", "2 天 3 小时": two units at most, rounded down so a countdown never shows
 * more time than is left; seconds only in the last minute, where they matter.
 */
export function durationWords(ms: number, s: SlaText): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return s("seconds", { n: Math.floor(abs / 1000) });
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 60) return s("minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60 ? s("hoursMinutes", { h: hours, m: minutes % 60 }) : s("hours", { n: hours });
  return s("daysHours", { d: Math.floor(hours / 24), h: hours % 24 });
}

/** "剩 12 分钟", "已超时 5 分钟", "已暂停 · 剩 20 分钟", "已完成". */
export function countdownText(c: ClockView, now: number, s: SlaText): string {
  const { state, ms } = clockState(c, now);
  if (state === "stopped") return c.breached ? s("metLate") : s("met");
  if (state === "paused")
    return ms === null
      ? s("paused")
      : ms < 0
        ? s("pausedOverdue", { time: durationWords(ms, s) })
        : s("pausedLeft", { time: durationWords(ms, s) });
  if (ms === null) return s("noClock");
  return ms <= 0 ? s("overdue", { time: durationWords(ms, s) }) : s("left", { time: durationWords(ms, s) });
}
