import { clausesOf, moodAt } from "./text.domain.ts";

/**
 * The complaint classifier: a multinomial logistic regression over words (from jieba), character
 * unigrams and bigrams, with words that a negation or a hypothetical governs kept apart ("没有异物" gives
 * the feature `w!:异物`, not `w:异物`). One model per business line; its labels are the pack's
 * "category/subType" pairs, and a category's probability is the sum of its sub-types'. Trained at build
 * time (`npm run train:nlp`) into `model.json`; this file only computes features and scores. Pure.
 */

/** A text ready for the classifier: normalised, cut into clauses, each clause cut into words. */
export interface AnalysedText {
  normalised: string;
  clauses: string[];
  /** The words of each clause, in order; same length as `clauses`. */
  words: string[][];
}

/** Cuts a normalised text into clauses and words, given a word segmenter. */
export function analyse(normalised: string, segment: (clause: string) => string[]): AnalysedText {
  const clauses = clausesOf(normalised);
  return { normalised, clauses, words: clauses.map(segment) };
}

const digits = (s: string) => s.replace(/\d+(\.\d+)?/g, "0");
const HAN_OR_WORD = /[\p{Script=Han}a-z0-9]/u;

/** The features of one text, each once. */
export function featuresOf(text: AnalysedText): string[] {
  const features = new Set<string>();
  let chars = 0;
  text.clauses.forEach((clause, i) => {
    const c = digits(clause);
    chars += [...c].length;
    let offset = 0;
    for (const word of text.words[i] ?? []) {
      const at = clause.indexOf(word, offset);
      if (at >= 0) offset = at + word.length;
      const mood = moodAt(clause, Math.max(0, at));
      const w = digits(word);
      features.add(mood === "negated" ? `w!:${w}` : mood === "hypothetical" ? `w?:${w}` : `w:${w}`);
    }
    const cs = [...c].filter((ch) => HAN_OR_WORD.test(ch));
    for (let k = 0; k < cs.length; k++) {
      features.add(`c:${cs[k]}`);
      if (k + 1 < cs.length) features.add(`b:${cs[k]}${cs[k + 1]}`);
    }
    if (cs.length > 0) features.add(`b:^${cs[0]}`);
  });
  // Very short texts ("没到", "有虫") behave differently from long stories: let the model know.
  features.add(chars <= 4 ? "len:tiny" : chars <= 12 ? "len:short" : chars <= 40 ? "len:medium" : "len:long");
  return [...features];
}

/** One line's trained model as stored in model.json. */
export interface LineModelData {
  /** "category/subType" for each class. */
  labels: string[];
  bias: number[];
  /** feature → weight per class (same order as labels). */
  weights: Record<string, number[]>;
}

export interface ModelData {
  version: number;
  /** Digest of the corpus the model was trained on, so a stale model can be told. */
  corpusDigest: string;
  lines: Record<string, LineModelData>;
}

/** A model ready to score: weights in typed arrays, labels split into category and sub-type. */
export interface LineModel {
  labels: ReadonlyArray<{ category: string; subType: string | null }>;
  bias: Float64Array;
  weights: ReadonlyMap<string, Float64Array>;
}

export function prepareLineModel(data: LineModelData): LineModel {
  const weights = new Map<string, Float64Array>();
  for (const [feature, w] of Object.entries(data.weights)) weights.set(feature, Float64Array.from(w));
  return {
    labels: data.labels.map((label) => {
      const [category, subType] = label.split("/");
      return { category: category!, subType: subType || null };
    }),
    bias: Float64Array.from(data.bias),
    weights,
  };
}

/** Class probabilities (softmax) for a feature list, in the model's label order. */
export function probabilities(model: LineModel, features: readonly string[]): Float64Array {
  const k = model.bias.length;
  const logits = Float64Array.from(model.bias);
  const value = 1 / Math.sqrt(Math.max(1, features.length));
  for (const f of features) {
    const w = model.weights.get(f);
    if (!w) continue;
    for (let j = 0; j < k; j++) logits[j]! += w[j]! * value;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[j]!);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    logits[j] = Math.exp(logits[j]! - max);
    sum += logits[j]!;
  }
  for (let j = 0; j < k; j++) logits[j]! /= sum;
  return logits;
}

export interface LabelScore {
  category: string;
  subType: string | null;
  probability: number;
}

/** Probabilities of every "category/subType", highest first. */
export function scoreText(model: LineModel, features: readonly string[]): LabelScore[] {
  const p = probabilities(model, features);
  return model.labels
    .map((l, j) => ({ category: l.category, subType: l.subType, probability: p[j]! }))
    .sort((a, b) => b.probability - a.probability);
}

/** The most probable category (sum over its sub-types), its probability, and its best sub-type. */
export function bestCategory(scores: readonly LabelScore[]): {
  category: string;
  subType: string | null;
  confidence: number;
} {
  const byCategory = new Map<string, number>();
  for (const s of scores) byCategory.set(s.category, (byCategory.get(s.category) ?? 0) + s.probability);
  let category = scores[0]?.category ?? "";
  let confidence = 0;
  for (const [c, p] of byCategory)
    if (p > confidence) {
      category = c;
      confidence = p;
    }
  const sub = scores.find((s) => s.category === category) ?? null;
  return { category, subType: sub?.subType ?? null, confidence };
}
