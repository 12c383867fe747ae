/**
 * Values the database cannot store. PostgreSQL refuses a NUL character (U+0000) in text and jsonb, and a
 * lone UTF-16 surrogate (half of an emoji, "\ud800") in json, which is how intake batches its rows; and an
 * infinite number, or one written `1e+300`, in a bigint. Each fails the whole statement, so such input got
 * a 500 on PostgreSQL (the fuzz tests found all three) and was sometimes stored on PGlite. Infinity gets in
 * as `1e309`: in a query string the schema validator coerces it and then lets it through as an integer,
 * even past a `maximum`; in a JSON body it parses to it. No field of the API has a use for any of them,
 * nor for a number past 2^53 that JavaScript cannot even hold exactly: HTTP input holding one is refused
 * naming the field; text from outside that cannot be refused (a mail, a file name) is mended.
 */
import { type Text, text } from "./errors.ts";

const NUL = "\u0000";

/** In `u` mode a surrogate pair is one character, so only a lone half matches. */
const LONE_SURROGATE = /\p{Surrogate}/gu;

const isUnstorable = (text: string): boolean => text.includes(NUL) || /\p{Surrogate}/u.test(text);

export interface Unstorable {
  /** The dotted path, as in validation errors: `answers.0.text`. */
  field: string;
  problem: "INVALID_CHARACTER" | "OUT_OF_RANGE";
}

/**
 * The fields holding a value that cannot be stored, in the order sent. A walk with its own stack, not
 * recursion: a hostile body may nest arrays thousands deep.
 */
export function unstorableFields(value: unknown, path: string): Unstorable[] {
  const found: Unstorable[] = [];
  const todo: [unknown, string][] = [[value, path]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [v, at] = next;
    if (typeof v === "string" && isUnstorable(v)) found.push({ field: at, problem: "INVALID_CHARACTER" });
    if (typeof v === "number" && !(Math.abs(v) <= Number.MAX_SAFE_INTEGER))
      found.push({ field: at, problem: "OUT_OF_RANGE" });
    if (typeof v !== "object" || v === null || Buffer.isBuffer(v)) continue;
    // Pushed last to first, so that fields are named in the order they were sent.
    for (const [key, inner] of Object.entries(v).reverse()) {
      const inside = at ? `${at}.${key}` : key;
      // A key can hold text that cannot be stored (it ends up in jsonb): the key is named, not what it holds.
      if (isUnstorable(key)) todo.push([NUL, inside]);
      else todo.push([inner, inside]);
    }
  }
  return found;
}

/** The text with its NUL characters dropped and each lone surrogate made U+FFFD (�). */
export const storable = (value: string): string =>
  isUnstorable(value) ? value.replaceAll(NUL, "").replace(LONE_SURROGATE, "\ufffd") : value;

/** What is wrong with such a field, in the words of an error detail. */
export const unstorableText = ({ field, problem }: Unstorable): Text =>
  text(`${field}：${PROBLEMS[problem].zh}`, `${field}: ${PROBLEMS[problem].en}`);

const PROBLEMS = {
  INVALID_CHARACTER: {
    zh: "不能包含空字符（U+0000）或不成对的代理字符",
    en: "must not contain a NUL character (U+0000) or a lone surrogate",
  },
  OUT_OF_RANGE: {
    zh: "数值超出范围（±9007199254740991）",
    en: "must be a number between -9007199254740991 and 9007199254740991",
  },
} as const;
