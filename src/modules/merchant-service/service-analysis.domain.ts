import { REQUEST_CATEGORIES, type RequestCategory } from "./requests.domain.ts";

/**
 * The merchant-service team's own figures (source 003, 数据分析): each week the question types and their
 * shares against the week before; each month the volume by hour of day, to staff the busy hours. Pure:
 * the counts come in, the shares and movements go out.
 */
export interface CategoryWeek {
  category: RequestCategory;
  count: number;
  share: number;
  previousCount: number;
  /** Count this week minus the week before: the biggest movers are what to look into. */
  change: number;
}

const share = (n: number, total: number) => (total ? Math.round((n / total) * 10_000) / 10_000 : 0);

export function weeklyQuestionTypes(
  current: Partial<Record<string, number>>,
  previous: Partial<Record<string, number>>,
): { total: number; previousTotal: number; categories: CategoryWeek[] } {
  const total = REQUEST_CATEGORIES.reduce((n, c) => n + (current[c] ?? 0), 0);
  const previousTotal = REQUEST_CATEGORIES.reduce((n, c) => n + (previous[c] ?? 0), 0);
  const categories = REQUEST_CATEGORIES.map((category) => {
    const count = current[category] ?? 0;
    const previousCount = previous[category] ?? 0;
    return { category, count, share: share(count, total), previousCount, change: count - previousCount };
  }).sort((a, b) => b.count - a.count || Math.abs(b.change) - Math.abs(a.change));
  return { total, previousTotal, categories };
}

/** Twenty-four Beijing hours, every one present so a chart has no gaps. */
export function hourlyVolume(
  rows: { hour: number; requests: number; complaints: number }[],
): { hour: number; requests: number; complaints: number }[] {
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  return Array.from({ length: 24 }, (_, hour) => ({
    hour,
    requests: byHour.get(hour)?.requests ?? 0,
    complaints: byHour.get(hour)?.complaints ?? 0,
  }));
}

export interface AgentFigures {
  agent: string;
  handled: number;
  answered: number;
  answeredOnTime: number;
  firstResponseSecondsTotal: number;
  resolved: number;
  ratings: number;
  ratingTotal: number;
}

/** Per agent: response time, resolution rate and merchant satisfaction, the three measures of 003. */
export function agentScores(f: AgentFigures) {
  return {
    agent: f.agent,
    handled: f.handled,
    avgFirstResponseSeconds: f.answered ? Math.round(f.firstResponseSecondsTotal / f.answered) : null,
    firstResponseOnTimeRate: f.answered ? share(f.answeredOnTime, f.answered) : null,
    resolutionRate: share(f.resolved, f.handled),
    satisfactionAvg: f.ratings ? Math.round((f.ratingTotal / f.ratings) * 100) / 100 : null,
    ratings: f.ratings,
  };
}

const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const SHANGHAI_OFFSET = 8 * 3600_000;

/** Seven Beijing days from `day` (YYYY-MM-DD): [from, to), and the seven before for comparison. */
export function weekRange(day: string): { from: Date; to: Date; previousFrom: Date } | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - SHANGHAI_OFFSET);
  const week = 7 * 24 * 3600_000;
  return { from, to: new Date(from.getTime() + week), previousFrom: new Date(from.getTime() - week) };
}
