/**
 * Shared reading of a normalised complaint: where its clauses break, which words a negation or a
 * hypothetical governs. Both the classifier's features and the severity reader use it, so that
 * "没有异物" means the same thing to both. Pure.
 */

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

/**
 * How the words at `at` in `clause` are meant: denied by a negator shortly before them (with no contrast
 * word in between), posed as a hypothetical or a general question, or simply said.
 */
export function moodAt(clause: string, at: number): Mood {
  const before = clause.slice(0, at);
  for (const [negator, reach] of NEGATORS) {
    const n = before.lastIndexOf(negator);
    if (n < 0) continue;
    const gap = before.slice(n + negator.length);
    if (gap.length > reach) continue;
    const after = clause.slice(n + negator.length);
    if (NOT_A_NEGATION_AFTER.some((w) => after.startsWith(w))) continue;
    // 不 denies only what follows it at once, or after a verb of becoming: 不臭, 不生虫, 不长毛. Not 不少,
    // 不止, 不停, 不明 (不明异物 is an unknown object), 不过 ("but").
    if (negator === "不" && gap !== "" && !"生长发变含".includes(gap)) continue;
    if (negator === "不" && after.startsWith("过")) continue;
    const preceding = clause.slice(Math.max(0, n - 1), n);
    if (NOT_A_NEGATION_BEFORE[negator]?.includes(preceding)) continue;
    if (CONTRAST.some((w) => gap.includes(w))) continue;
    return "negated";
  }
  for (const [marker, reach] of HYPOTHETICAL_MARKERS) {
    const m = before.lastIndexOf(marker);
    if (m < 0) continue;
    if (before.length - (m + marker.length) > reach) continue;
    // 一会儿, 会员 and 开会 are not the modal 会.
    if (marker === "会" && (clause[m - 1] === "一" || /^会[员儿议]/.test(clause.slice(m)))) continue;
    return "hypothetical";
  }
  return "asserted";
}

/** Every occurrence of `term` in the text, with the mood of each. */
export function occurrences(clauses: readonly string[], term: string): Mood[] {
  const moods: Mood[] = [];
  for (const clause of clauses) {
    let from = 0;
    for (;;) {
      const at = clause.indexOf(term, from);
      if (at < 0) break;
      moods.push(moodAt(clause, at));
      from = at + term.length;
    }
  }
  return moods;
}
