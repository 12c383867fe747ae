import { createHash, randomBytes } from "node:crypto";

/** An unguessable id for things reachable by id alone (attachments, sessions). */
export const randomId = (bytes = 16): string => randomBytes(bytes).toString("base64url");

/**
 * An id that no rider or user has, for a filter that must match nothing (a rider account not linked to a
 * rider, an assignee who does not exist). Longer than any id the API accepts (64), and not empty, so each
 * "is there a scope" test stays closed; printable, as PostgreSQL refuses a NUL parameter.
 */
export const NO_SUCH_ID = `none:${"-".repeat(64)}`;

export const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/**
 * A new bearer secret with its kind as a prefix (`st_` a staff session, `cs_` a customer's, `ak_` an API
 * key): the holder gets `token`, the database keeps only `hash`, so a read of the table opens nothing.
 */
export function newSecret(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomId(32)}`;
  return { token, hash: sha256(token) };
}

/** JSON with object keys sorted at every depth: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
