import { charClass } from "./lookup.domain.ts";
import { ClauseMoods, clausesOf } from "./text.domain.ts";

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

const DIGITS = /\d+(\.\d+)?/g;
/** Numbers read as one: "30分钟" and "2个小时" give the same features. Most words hold no digit. */
const digits = (s: string) => (hasDigit(s) ? s.replace(DIGITS, "0") : s);

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 48 && unit <= 57) return true;
  }
  return false;
}

const isHanOrWord = charClass(/[\p{Script=Han}a-z0-9]/u);

/**
 * `c:X` and `b:^X` for the characters of the basic plane, made once each: the same few thousand
 * characters come back in every text, and a string made once also keeps its hash for the Set and the model.
 */
const charFeatures: string[] = new Array(0x10000);
const firstCharFeatures: string[] = new Array(0x10000);

function featureOfChar(cache: string[], prefix: string, ch: string): string {
  if (ch.length > 1) return prefix + ch;
  const unit = ch.charCodeAt(0);
  cache[unit] ??= prefix + ch;
  return cache[unit]!;
}

/** The features of one text, each once. */
export function featuresOf(text: AnalysedText): string[] {
  const features = new Set<string>();
  let chars = 0;
  text.clauses.forEach((clause, i) => {
    const moods = new ClauseMoods(clause);
    let offset = 0;
    for (const word of text.words[i] ?? []) {
      const at = clause.indexOf(word, offset);
      if (at >= 0) offset = at + word.length;
      const mood = moods.at(Math.max(0, at));
      const w = digits(word);
      features.add(mood === "negated" ? `w!:${w}` : mood === "hypothetical" ? `w?:${w}` : `w:${w}`);
    }
    // Characters and bigrams in the order c:一 b:一二 c:二 …, then the clause's first character.
    let first: string | null = null;
    let previous: string | null = null;
    for (const ch of digits(clause)) {
      chars++;
      if (!isHanOrWord(ch)) continue;
      if (previous === null) first = ch;
      else features.add(`b:${previous}${ch}`);
      features.add(featureOfChar(charFeatures, "c:", ch));
      previous = ch;
    }
    if (first !== null) features.add(featureOfChar(firstCharFeatures, "b:^", first));
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

/** A model ready to score: all weights in one typed array, labels split into category and sub-type. */
export interface LineModel {
  labels: ReadonlyArray<{ category: string; subType: string | null }>;
  bias: readonly number[];
  /** feature → where its row (one weight per class) starts in `weights`. */
  rows: ReadonlyMap<string, number>;
  weights: Float64Array;
}

export function prepareLineModel(data: LineModelData): LineModel {
  const k = data.bias.length;
  const features = Object.entries(data.weights);
  const rows = new Map<string, number>();
  const weights = new Float64Array(features.length * k);
  features.forEach(([feature, w], i) => {
    rows.set(feature, i * k);
    weights.set(w, i * k);
  });
  return {
    labels: data.labels.map((label) => {
      const [category, subType] = label.split("/");
      return { category: category!, subType: subType || null };
    }),
    bias: [...data.bias],
    rows,
    weights,
  };
}

/**
 * Class probabilities (softmax) for a feature list, in the model's label order. A plain array: for a
 * dozen classes, making a typed array costs more than the arithmetic.
 */
export function probabilities(model: LineModel, features: readonly string[]): number[] {
  const k = model.bias.length;
  const logits = model.bias.slice();
  const weights = model.weights;
  const value = 1 / Math.sqrt(Math.max(1, features.length));
  for (const f of features) {
    const row = model.rows.get(f);
    if (row === undefined) continue;
    for (let j = 0; j < k; j++) logits[j]! += weights[row + j]! * value;
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
