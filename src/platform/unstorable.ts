/**
 * Text the database cannot store. PostgreSQL refuses a NUL character (U+0000) in text and jsonb, and a
 * lone UTF-16 surrogate (half of an emoji, "\ud800") in json, which is how intake batches its rows; either
 * fails the whole statement, so such input got a 500 on PostgreSQL (the public fuzz test found both) and
 * was stored on PGlite. No field of the API has a use for them: HTTP input holding one is refused naming
 * the field; text from outside that cannot be refused (a mail, a file name) is mended instead.
 */
const NUL = "\u0000";

/** In `u` mode a surrogate pair is one character, so only a lone half matches. */
const LONE_SURROGATE = /\p{Surrogate}/gu;

const isUnstorable = (text: string): boolean => text.includes(NUL) || /\p{Surrogate}/u.test(text);

/**
 * The dotted paths (as in validation errors: `answers.0.text`) of the strings that cannot be stored. A walk
 * with its own stack, not recursion: a hostile body may nest arrays thousands deep.
 */
export function unstorableFields(value: unknown, path: string): string[] {
  const found: string[] = [];
  const todo: [unknown, string][] = [[value, path]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [v, at] = next;
    if (typeof v === "string" && isUnstorable(v)) found.push(at);
    if (typeof v !== "object" || v === null || Buffer.isBuffer(v)) continue;
    // Pushed last to first, so that fields are named in the order they were sent.
    for (const [key, inner] of Object.entries(v).reverse()) {
      const inside = at ? `${at}.${key}` : key;
      // A key can hold one too (it ends up in jsonb): the key is named, and what it holds is not looked into.
      if (isUnstorable(key)) todo.push([NUL, inside]);
      else todo.push([inner, inside]);
    }
  }
  return found;
}

/** The text with its NUL characters dropped and each lone surrogate made U+FFFD (�). */
export const storable = (text: string): string =>
  isUnstorable(text) ? text.replaceAll(NUL, "").replace(LONE_SURROGATE, "\ufffd") : text;

/** The message of the error that names such a field. */
export const UNSTORABLE = {
  zh: "不能包含空字符（U+0000）或不成对的代理字符",
  en: "must not contain a NUL character (U+0000) or a lone surrogate",
};
