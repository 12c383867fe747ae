import { loadavg } from "node:os";

/** How the benches print their figures: the same rounding, percentile and machine-load line everywhere. */

/** Nearest-rank percentile of an ascending list; NaN when there is nothing to rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "NaN");

/** The 1, 5 and 15 minute load averages, to print beside a figure measured on a shared machine. */
export const loadText = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
