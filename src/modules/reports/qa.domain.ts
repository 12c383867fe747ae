/**
 * QA sampling (质检抽样), pure: which closed tickets of an agent a reviewer scores, and the checklist's
 * score. Randomness comes in as a function so a test can fix it.
 */

export interface Candidate {
  ticketNo: string;
  category: string;
}

/**
 * Draws `size` tickets stratified by category: each category gets its share of the sample by the largest
 * remainder of its proportional quota, but every category gets at least one while there are places, so
 * a rare problem type is still reviewed. Inside a category the draw is uniform (partial Fisher–Yates).
 */
export function stratifiedSample(
  pool: readonly Candidate[],
  size: number,
  random: () => number,
): Candidate[] {
  if (size <= 0 || !pool.length) return [];
  if (pool.length <= size) return [...pool];
  const strata = new Map<string, Candidate[]>();
  for (const c of pool) strata.set(c.category, [...(strata.get(c.category) ?? []), c]);
  const names = [...strata.keys()].sort();
  const quota = new Map(names.map((n) => [n, 0]));
  let left = size;
  // One each first (rarest categories first when places are fewer than categories).
  for (const n of [...names].sort(
    (a, b) => strata.get(a)!.length - strata.get(b)!.length || a.localeCompare(b),
  )) {
    if (!left) break;
    quota.set(n, 1);
    left--;
  }
  const exact = names.map((n) => ({ n, want: (strata.get(n)!.length / pool.length) * size }));
  const room = (n: string) => strata.get(n)!.length - quota.get(n)!;
  for (const { n, want } of exact) {
    const extra = Math.min(room(n), Math.max(0, Math.floor(want) - quota.get(n)!), left);
    quota.set(n, quota.get(n)! + extra);
    left -= extra;
  }
  const byRemainder = [...exact].sort((a, b) => (b.want % 1) - (a.want % 1) || a.n.localeCompare(b.n));
  while (left > 0)
    for (const { n } of byRemainder) {
      if (!left) break;
      if (room(n) > 0) {
        quota.set(n, quota.get(n)! + 1);
        left--;
      }
    }
  return names.flatMap((n) => drawUniform(strata.get(n)!, quota.get(n)!, random));
}

function drawUniform<T>(items: readonly T[], k: number, random: () => number): T[] {
  const a = [...items];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (a.length - i));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, k);
}

/** The checklist a QA reviewer fills in; each point 0–100. */
export interface Checklist {
  greeting: number;
  accuracy: number;
  /** The remedy follows the pack's policy. */
  remedy: number;
  tone: number;
}

/** The review's score: the four points weighed equally, rounded to a whole point. */
export const checklistScore = (c: Checklist): number =>
  Math.round((c.greeting + c.accuracy + c.remedy + c.tone) / 4);
