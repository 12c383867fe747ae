/**
 * Shared reading of a normalised complaint: where its clauses break, which words a negation or a
 * hypothetical governs. Both the classifier's features and the severity reader use it, so that
 * "没有异物" means the same thing to both. Pure.
 */

import { FirstUnitIndex } from "./lookup.domain.ts";

/** Clause breaks: punctuation and spaces. A negation or an "if" never reaches across one. */
const CLAUSE_BREAK = /[,.!?;:~，。！？；：、…\n\r\t "'“”‘’()（）【】[\]<>《》/|\\-]+/;

export function clausesOf(normalisedText: string): string[] {
  return normalisedText.split(CLAUSE_BREAK).filter((c) => c.length > 0);
}

/**
 * Negations as customers write them (after normalisation, "木有" is already "没有"), each with how many
 * characters it reaches over ("没有发现任何异物": 4). Longest first, so "并没有" is found before "没有".
 */
export const NEGATORS: ReadonlyArray<readonly [string, number]> = [
  ["并没有", 4],
  ["也没有", 4],
  ["都没有", 4],
  ["没发现", 4],
  ["没看到", 4],
  ["没看见", 4],
  ["没吃出", 4],
  ["没出现", 4],
  ["不存在", 2],
  ["没有", 4],
  ["并非", 4],
  ["不是", 3],
  ["不含", 2],
  ["没", 2],
  ["无", 2],
  ["未", 2],
  ["不", 1],
];

/** A negator followed by one of these is another word: 没想到, 没多久, 无语, 无法, 不过, 未必 … */
const NOT_A_NEGATION_AFTER = [
  "想到",
  "多久",
  "一会",
  "几天",
  "过多久",
  "法",
  "语",
  "奈",
  "论",
  "所谓",
  "必",
  "免",
  "知道",
];
/** 是不是 and 有没有 ask; they do not deny. */
const NOT_A_NEGATION_BEFORE: Record<string, string[]> = {
  不是: ["是"],
  没有: ["有"],
  没: ["有"],
  不: ["是", "会"],
};
/** Words that end a negation's reach inside a clause: "没有异物但是有头发". */
const CONTRAST = ["但", "可是", "却", "结果", "居然", "竟然", "反而", "只是", "就是", "而是"];

/**
 * Hypotheticals and general questions ("如果有虫怎么办", "会不会变质", "夏天容易坏吗"), each with how far it
 * reaches. A real complaint often has no punctuation, so an "if" is not allowed to govern a whole message.
 */
export const HYPOTHETICAL_MARKERS: ReadonlyArray<readonly [string, number]> = [
  ["如果", 8],
  ["假如", 8],
  ["万一", 8],
  ["假设", 8],
  ["倘若", 8],
  ["要是", 6],
  ["会不会", 4],
  ["是否会", 4],
  ["才不会", 3],
  ["不会", 3],
  ["防止", 4],
  ["避免", 4],
  ["以免", 4],
  ["免得", 4],
  ["预防", 4],
  ["容易", 2],
  ["多久", 2],
  ["会", 2],
];

export type Mood = "asserted" | "negated" | "hypothetical";

/** A negator or a hypothetical marker, and how many characters it reaches over. */
interface MoodMarker {
  text: string;
  reach: number;
  negates: boolean;
}

/** Negators before markers, each list in its own order: the order in which a mood is decided. */
const MARKERS: readonly MoodMarker[] = [
  ...NEGATORS.map(([text, reach]) => ({ text, reach, negates: true })),
  ...HYPOTHETICAL_MARKERS.map(([text, reach]) => ({ text, reach, negates: false })),
];

const MARKERS_BY_FIRST_UNIT = new FirstUnitIndex(MARKERS.map((m) => m.text));

/**
 * The moods of one clause. Where each marker occurs is found once, in one pass, so that reading the mood
 * of every word of the clause (the classifier) or of every signal in it (the severity reader) rescans
 * nothing and cuts no strings.
 */
export class ClauseMoods {
  /** Start of every occurrence of each marker (overlapping ones too), ascending; by index in MARKERS. */
  private readonly starts: Array<number[] | undefined> = [];
  /** Indexes (in MARKERS) of the markers the clause holds, ascending. */
  private readonly present: number[] = [];

  constructor(readonly clause: string) {
    for (let at = 0; at < clause.length; at++) {
      for (const i of MARKERS_BY_FIRST_UNIT.candidates(clause.charCodeAt(at))) {
        if (!clause.startsWith(MARKERS[i]!.text, at)) continue;
        const starts = this.starts[i];
        if (starts) starts.push(at);
        else this.starts[i] = [at];
      }
    }
    for (let i = 0; i < MARKERS.length; i++) if (this.starts[i]) this.present.push(i);
  }

  /**
   * How the words at `at` are meant: denied by a negator shortly before them (with no contrast word in
   * between), posed as a hypothetical or a general question, or simply said. Only what lies before `at`
   * counts, as in `clause.slice(0, at)`.
   */
  at(at: number): Mood {
    const clause = this.clause;
    const end = at < 0 ? Math.max(0, clause.length + at) : Math.min(at, clause.length);
    for (const i of this.present) {
      const { text, reach, negates } = MARKERS[i]!;
      const n = lastBefore(this.starts[i]!, end - text.length);
      if (n < 0) continue;
      const from = n + text.length;
      if (end - from > reach) continue;
      if (negates ? isNegation(clause, text, n, from, end) : isHypothetical(clause, text, n)) {
        return negates ? "negated" : "hypothetical";
      }
    }
    return "asserted";
  }
}

/** The last start not after `latest`, or -1. */
function lastBefore(starts: readonly number[], latest: number): number {
  for (let k = starts.length - 1; k >= 0; k--) if (starts[k]! <= latest) return starts[k]!;
  return -1;
}

/** Whether `negator` at `n` denies what lies between its end (`from`) and `end` (the gap). */
function isNegation(clause: string, negator: string, n: number, from: number, end: number): boolean {
  if (NOT_A_NEGATION_AFTER.some((w) => clause.startsWith(w, from))) return false;
  // 不 denies only what follows it at once, or after a verb of becoming: 不臭, 不生虫, 不长毛. Not 不少,
  // 不止, 不停, 不明 (不明异物 is an unknown object), 不过 ("but").
  if (negator === "不" && end > from && !"生长发变含".includes(clause.slice(from, end))) return false;
  if (negator === "不" && clause.startsWith("过", from)) return false;
  if (n > 0 && NOT_A_NEGATION_BEFORE[negator]?.includes(clause[n - 1]!)) return false;
  // A contrast word inside the gap ends the negation's reach.
  return !CONTRAST.some((w) => {
    const c = clause.indexOf(w, from);
    return c >= 0 && c + w.length <= end;
  });
}

/** Whether the hypothetical `marker` at `m` is one: 一会儿, 会员 and 开会 are not the modal 会. */
function isHypothetical(clause: string, marker: string, m: number): boolean {
  if (marker !== "会") return true;
  const next = clause[m + 1];
  return clause[m - 1] !== "一" && !(next !== undefined && "员儿议".includes(next));
}

/** The mood of the words at `at` in `clause` (see `ClauseMoods.at`). */
export const moodAt = (clause: string, at: number): Mood => new ClauseMoods(clause).at(at);
