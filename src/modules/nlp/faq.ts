import { type Bm25Index, buildBm25, coverage, rank } from "./bm25.domain.ts";
import type { KnowledgeEntry, KnowledgeKind } from "./knowledge.ts";
import { normalise } from "./normalise.ts";
import { segment } from "./segment.ts";

/**
 * The FAQ matcher and knowledge search: BM25 over segmented, normalised text with synonyms folded
 * together and character bigrams added (so a typo or an unusual cut still shares most of its terms).
 * A question whose best intent explains too little of it gets "no confident answer", and the bot hands
 * over to a person.
 */

/** Below this coverage the bot does not answer (see bench/nlp.ts and the FAQ query set for how it was chosen). */
export const FAQ_THRESHOLD = 0.3;

/** Character bigrams back words up; in the confidence they count half. */
const termWeight = (term: string) => (term.startsWith("~") ? 0.5 : 1);

const STOPWORDS = new Set(
  (
    "的 了 吗 呢 啊 呀 吧 么 嘛 哦 哈 啦 喔 嗯 呃 哎 诶 我 你 他 她 它 我们 你们 他们 请问 请 一下 是 在 有 和 与 就 都 也 还 " +
    "要 想 能 会 可以 这 那 这个 那个 个 给 把 被 让 对 从 很 好 亲 您 啥 什么 如何 怎么 怎么办 怎样 为什么 咋 该 应该 一个 下"
  ).split(" "),
);

const HAN = /\p{Script=Han}/u;

export class KnowledgeIndex {
  private readonly synonyms = new Map<string, string>();
  private readonly synonymPhrases: string[];
  private readonly byId = new Map<string, KnowledgeEntry>();
  private readonly faq: Bm25Index;
  private readonly all: Bm25Index;

  constructor(entries: readonly KnowledgeEntry[], synonymGroups: readonly string[][] = []) {
    for (const group of synonymGroups) {
      const canonical = normalise(group[0] ?? "");
      for (const word of group) this.synonyms.set(normalise(word), canonical);
    }
    this.synonymPhrases = [...this.synonyms.keys()]
      .filter((w) => w.length > 1)
      .sort((a, b) => b.length - a.length);
    for (const e of entries) this.byId.set(e.id, e);
    const faqDocs = entries
      .filter((e) => e.kind === "faq")
      .flatMap((e) =>
        [e.title, ...((e.data.variants as string[] | undefined) ?? [])].map((text) => ({
          key: e.id,
          tokens: this.tokens(text),
        })),
      );
    this.faq = buildBm25(faqDocs);
    this.all = buildBm25(
      entries.map((e) => ({
        key: e.id,
        tokens: this.tokens(
          [
            e.title,
            e.title,
            e.tags.join(" "),
            e.body,
            ...((e.data.variants as string[] | undefined) ?? []),
          ].join(" "),
        ),
      })),
    );
  }

  /** Words (stopwords out, synonyms folded), synonym phrases found anywhere, and character bigrams. */
  tokens(raw: string): string[] {
    const text = normalise(raw);
    const out: string[] = [];
    for (const word of segment(text)) {
      if (STOPWORDS.has(word)) continue;
      out.push(this.synonyms.get(word) ?? word);
    }
    for (const phrase of this.synonymPhrases) if (text.includes(phrase)) out.push(this.synonyms.get(phrase)!);
    const chars = [...text].filter((c) => HAN.test(c));
    for (let i = 0; i + 1 < chars.length; i++) out.push(`~${chars[i]}${chars[i + 1]}`);
    return out;
  }

  entry(id: string): KnowledgeEntry | undefined {
    return this.byId.get(id);
  }

  private applies(e: KnowledgeEntry, businessLine?: string): boolean {
    return !businessLine || e.businessLines.includes("*") || e.businessLines.includes(businessLine);
  }

  /** The best FAQ intent for a customer's question, or no answer when it is not confident enough. */
  matchFaq(question: string, businessLine?: string): FaqMatch {
    const query = this.tokens(question);
    const ranked = rank(this.faq, query, 20)
      .map((r) => ({
        entry: this.byId.get(r.key)!,
        confidence: coverage(this.faq, query, r.score, termWeight),
      }))
      .filter((r) => this.applies(r.entry, businessLine))
      .slice(0, 3);
    const best = ranked[0];
    const candidates = ranked.map((r) => ({
      id: r.entry.id,
      intent: String(r.entry.data.intent ?? ""),
      question: r.entry.title,
      confidence: Math.round(r.confidence * 100) / 100,
    }));
    if (!best || best.confidence < FAQ_THRESHOLD)
      return { answered: false, confidence: candidates[0]?.confidence ?? 0, entry: null, candidates };
    return { answered: true, confidence: candidates[0]!.confidence, entry: best.entry, candidates };
  }

  /** Entries of the allowed kinds matching a query, best first. */
  search(
    query: string,
    options: { kinds?: readonly KnowledgeKind[]; businessLine?: string; limit?: number } = {},
  ): Array<{ entry: KnowledgeEntry; score: number }> {
    const tokens = this.tokens(query);
    return rank(this.all, tokens, this.all.size)
      .map((r) => ({ entry: this.byId.get(r.key)!, score: Math.round(r.score * 100) / 100 }))
      .filter(
        (r) =>
          (!options.kinds || options.kinds.includes(r.entry.kind)) &&
          this.applies(r.entry, options.businessLine),
      )
      .slice(0, options.limit ?? 10);
  }
}

export interface FaqMatch {
  answered: boolean;
  /** 0–1: how much of the question the best intent explains. */
  confidence: number;
  entry: KnowledgeEntry | null;
  candidates: Array<{ id: string; intent: string; question: string; confidence: number }>;
}
