/**
 * NUL characters (U+0000) in input. PostgreSQL cannot store one in text or jsonb and fails the whole
 * statement ("invalid byte sequence for encoding UTF8: 0x00"), so a request carrying one would get a 500
 * on PostgreSQL and be stored on PGlite. No field of the API has a use for it: HTTP input carrying one is
 * refused naming the field; text from outside that cannot be refused (a mail, a file name) drops it.
 */
const NUL = "\u0000";

/**
 * The dotted paths (as in validation errors: `answers.0.text`) of the strings holding a NUL. A walk with
 * its own stack, not recursion: a hostile body may nest arrays thousands deep.
 */
export function nulFields(value: unknown, path: string): string[] {
  const found: string[] = [];
  const todo: [unknown, string][] = [[value, path]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [v, at] = next;
    if (typeof v === "string" && v.includes(NUL)) found.push(at);
    if (typeof v !== "object" || v === null || Buffer.isBuffer(v)) continue;
    // Pushed last to first, so that fields are named in the order they were sent.
    for (const [key, inner] of Object.entries(v).reverse()) {
      const inside = at ? `${at}.${key}` : key;
      // A key can hold one too (it ends up in jsonb): the key is named, and what it holds is not looked into.
      if (key.includes(NUL)) todo.push([NUL, inside]);
      else todo.push([inner, inside]);
    }
  }
  return found;
}

export const withoutNul = (text: string): string => (text.includes(NUL) ? text.replaceAll(NUL, "") : text);
