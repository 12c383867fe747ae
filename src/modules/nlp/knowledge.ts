import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KnowledgeEntry } from "../knowledge/knowledge.domain.ts";

export type { KnowledgeEntry, KnowledgeKind } from "../knowledge/knowledge.domain.ts";
export { KNOWLEDGE_KINDS } from "../knowledge/knowledge.domain.ts";

/**
 * The knowledge base as shipped: FAQ intents with standard answers, product usage guides (storage,
 * shelf life, cooking), typical cases, and canned replies (macros) with variables, in
 * `knowledge/*.json`, plus the synonym groups the matcher uses. The knowledge module stores these in
 * the database (versioned, editable by admins) and seeds them from here; the matcher indexes either.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const KNOWLEDGE_DIR = join(here, "knowledge");

const read = <T>(name: string): T => JSON.parse(readFileSync(join(KNOWLEDGE_DIR, name), "utf8")) as T;

interface FaqFile {
  id: string;
  businessLines: string[];
  intent: string;
  question: string;
  variants: string[];
  answer: string;
  tags?: string[];
}
interface GuideFile {
  id: string;
  businessLines: string[];
  product: string;
  title: string;
  storage: string;
  shelfLife: string;
  cooking: string;
  keywords?: string[];
}
interface CaseFile {
  id: string;
  businessLines: string[];
  category: string;
  subType: string;
  title: string;
  situation: string;
  handling: string;
  outcome: string;
  keywords?: string[];
}
interface MacroFile {
  id: string;
  businessLines: string[];
  title: string;
  body: string;
  variables: string[];
}

export const guideBody = (g: { storage: string; shelfLife: string; cooking: string }): string =>
  `保存方法：${g.storage}\n保质期：${g.shelfLife}\n食用与烹饪：${g.cooking}`;

export const caseBody = (c: { situation: string; handling: string; outcome: string }): string =>
  `情况：${c.situation}\n处理：${c.handling}\n结果：${c.outcome}`;

/** Every shipped entry, in a stable order (FAQ, guides, cases, macros). */
export function shippedKnowledge(): KnowledgeEntry[] {
  const faq = read<FaqFile[]>("faq.json").map(
    (f): KnowledgeEntry => ({
      id: f.id,
      kind: "faq",
      businessLines: f.businessLines,
      title: f.question,
      body: f.answer,
      tags: f.tags ?? [],
      data: { intent: f.intent, variants: f.variants },
    }),
  );
  const guides = read<GuideFile[]>("guides.json").map(
    (g): KnowledgeEntry => ({
      id: g.id,
      kind: "guide",
      businessLines: g.businessLines,
      title: g.title,
      body: guideBody(g),
      tags: g.keywords ?? [],
      data: { product: g.product, storage: g.storage, shelfLife: g.shelfLife, cooking: g.cooking },
    }),
  );
  const cases = read<CaseFile[]>("cases.json").map(
    (c): KnowledgeEntry => ({
      id: c.id,
      kind: "case",
      businessLines: c.businessLines,
      title: c.title,
      body: caseBody(c),
      tags: c.keywords ?? [],
      data: {
        category: c.category,
        subType: c.subType,
        situation: c.situation,
        handling: c.handling,
        outcome: c.outcome,
      },
    }),
  );
  const macros = read<MacroFile[]>("macros.json").map(
    (m): KnowledgeEntry => ({
      id: m.id,
      kind: "macro",
      businessLines: m.businessLines,
      title: m.title,
      body: m.body,
      tags: [],
      data: { variables: m.variables },
    }),
  );
  return [...faq, ...guides, ...cases, ...macros];
}

/** Synonym groups: every word of a group is read as the group's first word. */
export function shippedSynonyms(): string[][] {
  return read<string[][]>("synonyms.json");
}
