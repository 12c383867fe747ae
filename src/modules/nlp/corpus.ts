import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUSINESS_LINES, type BusinessLine, SEVERITIES, type Severity } from "../../policy-packs/schema.ts";

/**
 * The labelled corpus: `corpus/<line>.jsonl`, one complaint a line, written the way customers write
 * on phones (slang, typos, traditional characters, two-word messages, negations), each with its
 * category, sub-type and severity. One in five examples is held out for evaluation, chosen by a hash
 * of the text: the split never changes when examples are added, and training never sees the held-out set.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = join(here, "corpus");

export interface LabelledExample {
  line: BusinessLine;
  text: string;
  category: string;
  subType: string;
  severity: Severity;
}

/** FNV-1a, 32 bits: small, stable across platforms and Node versions. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export const isHeldOut = (text: string): boolean => fnv1a(text) % 5 === 0;

export function loadCorpus(dir = CORPUS_DIR): LabelledExample[] {
  const examples: LabelledExample[] = [];
  for (const line of BUSINESS_LINES) {
    const file = join(dir, `${line}.jsonl`);
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((raw, i) => {
        if (!raw.trim()) return;
        const e = JSON.parse(raw) as Partial<LabelledExample>;
        if (
          typeof e.text !== "string" ||
          typeof e.category !== "string" ||
          typeof e.subType !== "string" ||
          !SEVERITIES.includes(e.severity as Severity)
        )
          throw new Error(`${file}:${i + 1}: needs text, category, subType and severity`);
        examples.push({
          line,
          text: e.text,
          category: e.category,
          subType: e.subType,
          severity: e.severity!,
        });
      });
  }
  return examples;
}

/** A digest of the corpus, stored in the model so a model trained on another corpus can be noticed. */
export function corpusDigest(examples: readonly LabelledExample[]): string {
  const hash = createHash("sha256");
  for (const e of examples) hash.update(`${e.line}\t${e.text}\t${e.category}\t${e.subType}\t${e.severity}\n`);
  return hash.digest("hex").slice(0, 16);
}

export function split(examples: readonly LabelledExample[]): {
  train: LabelledExample[];
  heldOut: LabelledExample[];
} {
  const train: LabelledExample[] = [];
  const heldOut: LabelledExample[] = [];
  for (const e of examples) (isHeldOut(e.text) ? heldOut : train).push(e);
  return { train, heldOut };
}
