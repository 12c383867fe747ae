import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import type { LineModelData, ModelData } from "./classifier.domain.ts";
import type { LabelledExample } from "./corpus.ts";

/**
 * Training of the complaint classifier: multinomial logistic regression by stochastic gradient descent
 * with AdaGrad step sizes and L2 weight decay, over L2-normalised binary features. Deterministic: the
 * example order comes from a seeded generator, so the same corpus always gives the same model file.
 */
export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** Features whose largest weight stays below this are dropped from the stored model. */
  minWeight: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 40,
  learningRate: 0.4,
  l2: 1e-4,
  seed: 20261125,
  minWeight: 0.02,
};

/** mulberry32: a tiny seeded generator, enough to shuffle reproducibly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export function trainLineModel(
  rows: ReadonlyArray<{ features: readonly string[]; label: number }>,
  labels: readonly string[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): LineModelData {
  const k = labels.length;
  const weights = new Map<string, Float64Array>();
  const squares = new Map<string, Float64Array>();
  const bias = new Float64Array(k);
  const biasSquares = new Float64Array(k);
  for (const row of rows)
    for (const f of row.features)
      if (!weights.has(f)) {
        weights.set(f, new Float64Array(k));
        squares.set(f, new Float64Array(k));
      }
  const random = generator(options.seed);
  const order = rows.map((_, i) => i);
  const p = new Float64Array(k);
  const eps = 1e-8;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const row = rows[index]!;
      const value = 1 / Math.sqrt(Math.max(1, row.features.length));
      for (let c = 0; c < k; c++) p[c] = bias[c]!;
      for (const f of row.features) {
        const w = weights.get(f)!;
        for (let c = 0; c < k; c++) p[c]! += w[c]! * value;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, p[c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        p[c] = Math.exp(p[c]! - max);
        sum += p[c]!;
      }
      for (let c = 0; c < k; c++) {
        const gradient = p[c]! / sum - (c === row.label ? 1 : 0);
        biasSquares[c]! += gradient * gradient;
        bias[c]! -= (options.learningRate * gradient) / (Math.sqrt(biasSquares[c]!) + eps);
        for (const f of row.features) {
          const w = weights.get(f)!;
          const g2 = squares.get(f)!;
          const g = gradient * value + options.l2 * w[c]!;
          g2[c]! += g * g;
          w[c]! -= (options.learningRate * g) / (Math.sqrt(g2[c]!) + eps);
        }
      }
    }
  }
  const stored: Record<string, number[]> = {};
  for (const f of [...weights.keys()].sort()) {
    const w = weights.get(f)!;
    if (w.some((x) => Math.abs(x) >= options.minWeight)) stored[f] = Array.from(w, round);
  }
  return { labels: [...labels], bias: Array.from(bias, round), weights: stored };
}

/** The classes of a line: every "category/subType" of its pack, in pack order. */
export const labelsOf = (pack: PolicyPack): string[] =>
  pack.categories.flatMap((c) => c.subTypes.map((s) => `${c.code}/${s.code}`));

export function trainModel(
  examples: readonly LabelledExample[],
  packs: ReadonlyMap<BusinessLine, PolicyPack>,
  featuresOf: (text: string) => string[],
  corpusDigest: string,
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): ModelData {
  const lines: Record<string, LineModelData> = {};
  for (const [line, pack] of packs) {
    const labels = labelsOf(pack);
    const rows = examples
      .filter((e) => e.line === line)
      .map((e) => {
        const label = labels.indexOf(`${e.category}/${e.subType}`);
        if (label < 0) throw new Error(`${line}: "${e.text}" has a label the pack does not know`);
        return { features: featuresOf(e.text), label };
      });
    lines[line] = trainLineModel(rows, labels, options);
  }
  return { version: 1, corpusDigest, lines };
}
