import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { charClass } from "./lookup.domain.ts";

/**
 * Word segmentation: jieba's own dictionary plus ours (`dict/domain.txt`: dishes, ingredients, goods,
 * carriers and the phrases of complaints, such as 没收到, 吃出, 短斤少两), so that "没收到" is not cut into
 * 没收/到. Loading the dictionaries takes about 0.4 s, once per process, on first use.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const DOMAIN_DICTIONARY = join(here, "dict", "domain.txt");

let jieba: Jieba | null = null;

function instance(): Jieba {
  if (!jieba) {
    const j = Jieba.withDict(dict);
    j.loadDict(readFileSync(DOMAIN_DICTIONARY));
    jieba = j;
  }
  return jieba;
}

const isWordlike = charClass(/[\p{L}\p{N}]/u);

/** Whether a word holds a letter or a digit. */
function wordlike(word: string): boolean {
  for (const ch of word) if (isWordlike(ch)) return true;
  return false;
}

/** The words of an already normalised text, without spaces and punctuation. */
export function segment(normalisedText: string): string[] {
  return instance().cut(normalisedText, false).filter(wordlike);
}

/** Loads the dictionaries now rather than on the first request. */
export function warmUpSegmenter(): void {
  instance();
}
