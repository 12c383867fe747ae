import type { PackCategory, PackSubType, PolicyPack, Queue, Severity } from "../../policy-packs/schema.ts";
import { bestCategory, type LabelScore } from "../nlp/classifier.domain.ts";
import type { SeverityReading } from "../nlp/severity.domain.ts";

/**
 * Triage: which category the text talks about, how serious it is, and which queue must act.
 * v1 is rules from the pack (`classify`, `subTypeOf`). v2 takes a `TextReading` from the trained
 * classifier and the severity reader (`src/modules/nlp`), computed by the caller since it needs the
 * model and the segmenter, and turns it into the pack's terms (`classifyReading`, `subTypeFromReading`).
 */

/** A keyword counts unless one of the pack's negations stands right before it ("没有异物"). */
export function mentions(text: string, keyword: string, negations: readonly string[]): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(keyword, from);
    if (at < 0) return false;
    const before = text.slice(Math.max(0, at - 3), at);
    if (!negations.some((n) => before.endsWith(n))) return true;
    from = at + keyword.length;
  }
}

const score = (text: string, keywords: readonly string[], negations: readonly string[]): number =>
  keywords.reduce((sum, k) => sum + (mentions(text, k, negations) ? k.length : 0), 0);

export interface Classification {
  category: PackCategory;
  subType: PackSubType | null;
  confidence: number;
}

/** The category whose keywords cover most of the text; the first category when nothing matches. */
export function classify(pack: PolicyPack, description: string): Classification {
  const negations = pack.severityRules.negations;
  let best: { category: PackCategory; score: number } | null = null;
  let total = 0;
  for (const category of pack.categories) {
    const s = score(description, category.keywords, negations);
    total += s;
    if (s > 0 && (!best || s > best.score)) best = { category, score: s };
  }
  const category = best?.category ?? pack.categories[0]!;
  return {
    category,
    subType: subTypeOf(pack, category, description),
    confidence: best && total > 0 ? Math.round((best.score / total) * 100) / 100 : 0,
  };
}

export function subTypeOf(pack: PolicyPack, category: PackCategory, description: string): PackSubType | null {
  let best: { sub: PackSubType; score: number } | null = null;
  for (const sub of category.subTypes) {
    const s = score(description, sub.keywords, pack.severityRules.negations);
    if (s > 0 && (!best || s > best.score)) best = { sub, score: s };
  }
  return best?.sub ?? null;
}

/**
 * How serious a request is. With a severity reading (v2) its signals decide; without one, the pack's
 * keywords do. The reading counts every pack keyword too, so it is never less sensitive, except where
 * the text plainly denies or only supposes the signal ("没有异物", "如果有虫怎么办").
 */
export function severityOf(
  pack: PolicyPack,
  input: {
    description: string;
    urgent: boolean;
    subType: PackSubType | null;
    reading?: SeverityReading | null;
  },
): Severity {
  const rules = pack.severityRules;
  const reading = input.reading ?? null;
  // Missing a food-safety case is far worse than a false alarm, so any serious signal wins.
  if (input.subType?.severity === "serious") return "serious";
  if (reading) {
    if (reading.severity === "serious") return "serious";
  } else if (rules.seriousKeywords.some((k) => mentions(input.description, k, rules.negations)))
    return "serious";
  if (input.urgent && rules.urgentIsSerious) return "serious";
  if (input.subType?.severity === "minor") return "minor";
  if (reading) return reading.severity === "minor" ? "minor" : "general";
  if (rules.minorKeywords.some((k) => mentions(input.description, k, rules.negations))) return "minor";
  return "general";
}

/** What the text understanding says about one description: label scores and the severity reading. */
export interface TextReading {
  /** Probability of every "category/subType" of the pack, highest first. */
  scores: readonly LabelScore[];
  severity: SeverityReading;
}

/** Computes a reading, or null when there is no model for the line (triage then uses the rules). */
export type TextReader = (pack: PolicyPack, description: string) => TextReading | null;

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Triage v2: the classifier's most probable category, in the pack's terms, with its probability. */
export function classifyReading(pack: PolicyPack, reading: TextReading): Classification {
  const best = bestCategory(reading.scores);
  const category = pack.categories.find((c) => c.code === best.category) ?? pack.categories[0]!;
  return {
    category,
    subType: subTypeFromReading(category, reading),
    confidence: round2(category.code === best.category ? best.confidence : 0),
  };
}

/**
 * The most probable sub-type within a category (the customer's, or the classifier's). A serious
 * sub-type is passed over when the text denies or only supposes every serious signal in it: "没有异物，
 * 就是有点凉" is not a foreign object, whatever the words suggest to the model.
 */
export function subTypeFromReading(category: PackCategory, reading: TextReading): PackSubType | null {
  let fallback: PackSubType | null = null;
  for (const score of reading.scores) {
    if (score.category !== category.code) continue;
    const sub = category.subTypes.find((s) => s.code === score.subType);
    if (!sub) continue;
    fallback ??= sub;
    if (sub.severity === "serious" && reading.severity.cancelled) continue;
    return sub;
  }
  return fallback;
}

/** The queue that must act; a customer who keeps complaining goes to a supervisor instead. */
export function queueOf(pack: PolicyPack, category: PackCategory, previousComplaints: number): Queue {
  if (previousComplaints >= pack.thresholds.repeatComplainant.minPrevious) return "supervisor";
  return category.queue;
}
