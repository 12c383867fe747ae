/**
 * BM25 ranking over already tokenised documents, with several documents allowed per key (an FAQ intent
 * is indexed once per phrasing; its score is its best phrasing's). Pure; the tokeniser is the caller's.
 */

export interface Bm25Document {
  key: string;
  tokens: readonly string[];
}

export interface Bm25Index {
  readonly size: number;
  readonly averageLength: number;
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly documents: ReadonlyArray<{
    key: string;
    termFrequency: ReadonlyMap<string, number>;
    length: number;
  }>;
  /** term → indexes of the documents holding it. */
  readonly postings: ReadonlyMap<string, readonly number[]>;
}

export const K1 = 1.2;
export const B = 0.75;

export function buildBm25(documents: readonly Bm25Document[]): Bm25Index {
  const documentFrequency = new Map<string, number>();
  const postings = new Map<string, number[]>();
  const docs = documents.map((d, i) => {
    const termFrequency = new Map<string, number>();
    for (const t of d.tokens) termFrequency.set(t, (termFrequency.get(t) ?? 0) + 1);
    for (const t of termFrequency.keys()) {
      documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
    return { key: d.key, termFrequency, length: d.tokens.length };
  });
  const total = docs.reduce((n, d) => n + d.length, 0);
  return {
    size: docs.length,
    averageLength: docs.length ? total / docs.length : 0,
    documentFrequency,
    documents: docs,
    postings,
  };
}

/** Inverse document frequency (the BM25+ form that is never negative). */
export function idf(index: Bm25Index, term: string): number {
  const n = index.documentFrequency.get(term) ?? 0;
  return Math.log(1 + (index.size - n + 0.5) / (n + 0.5));
}

/** Every key with a positive score, best first, each scored by its best document. */
export function rank(
  index: Bm25Index,
  query: readonly string[],
  limit = 10,
): Array<{ key: string; score: number }> {
  const terms = [...new Set(query)];
  const scores = new Map<number, number>();
  for (const term of terms) {
    const docs = index.postings.get(term);
    if (!docs) continue;
    const weight = idf(index, term);
    for (const i of docs) {
      const d = index.documents[i]!;
      const tf = d.termFrequency.get(term)!;
      const norm = tf + K1 * (1 - B + (B * d.length) / (index.averageLength || 1));
      scores.set(i, (scores.get(i) ?? 0) + (weight * tf * (K1 + 1)) / norm);
    }
  }
  const byKey = new Map<string, number>();
  for (const [i, s] of scores) {
    const key = index.documents[i]!.key;
    if (s > (byKey.get(key) ?? 0)) byKey.set(key, s);
  }
  return [...byKey]
    .map(([key, score]) => ({ key, score }))
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key))
    .slice(0, limit);
}

/**
 * How much of the query a score explains, from 0 to 1: the score over what a document of average length
 * holding every query term once would get, each term counted with `weight` (e.g. less for character
 * bigrams than for words). Words the index has never seen count against it, so a question about
 * something the knowledge base does not cover stays low.
 */
export function coverage(
  index: Bm25Index,
  query: readonly string[],
  score: number,
  weight: (term: string) => number = () => 1,
): number {
  const ideal = [...new Set(query)].reduce((sum, t) => sum + weight(t) * idf(index, t), 0);
  return ideal > 0 ? Math.min(1, score / ideal) : 0;
}
