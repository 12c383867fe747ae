import type { PackCategory, PackSubType, PolicyPack, Queue, Severity } from "../../policy-packs/schema.ts";

/**
 * Triage v1: rules from the pack. Which category the text talks about, how serious it is, and which
 * queue must act. The statistical classifier of a later issue replaces `classify`, not the rest.
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

export function severityOf(
  pack: PolicyPack,
  input: { description: string; urgent: boolean; subType: PackSubType | null },
): Severity {
  const rules = pack.severityRules;
  // Missing a food-safety case is far worse than a false alarm, so any serious signal wins.
  if (input.subType?.severity === "serious") return "serious";
  if (rules.seriousKeywords.some((k) => mentions(input.description, k, rules.negations))) return "serious";
  if (input.urgent && rules.urgentIsSerious) return "serious";
  if (input.subType?.severity === "minor") return "minor";
  if (rules.minorKeywords.some((k) => mentions(input.description, k, rules.negations))) return "minor";
  return "general";
}

/** The queue that must act; a customer who keeps complaining goes to a supervisor instead. */
export function queueOf(pack: PolicyPack, category: PackCategory, previousComplaints: number): Queue {
  if (previousComplaints >= pack.thresholds.repeatComplainant.minPrevious) return "supervisor";
  return category.queue;
}
