import type { ErrorDetail } from "../../platform/errors.ts";
import { text } from "../../platform/errors.ts";
import { BUSINESS_LINES } from "../../policy-packs/schema.ts";

/**
 * Rules of the knowledge base: what a valid entry is, who sees which kinds, how a canned reply is
 * filled in. Pure.
 */

export const KNOWLEDGE_KINDS = ["faq", "guide", "case", "macro"] as const;
export type KnowledgeKind = (typeof KNOWLEDGE_KINDS)[number];

/** One entry, whatever its kind: searchable text in `title` and `body`, the kind's own fields in `data`. */
export interface KnowledgeEntry {
  id: string;
  kind: KnowledgeKind;
  /** Business lines the entry applies to; "*" for all. */
  businessLines: string[];
  title: string;
  /** FAQ: the standard answer. Guide: the guide text. Case: what happened and how it was handled. Macro: the template. */
  body: string;
  tags: string[];
  /** FAQ: { intent, variants }. Guide: { product, storage, shelfLife, cooking }. Case: { category, subType }. Macro: { variables }. */
  data: Record<string, unknown>;
}

/** Customers on the H5 pages see FAQ answers and usage guides; cases and canned replies are for staff. */
export const PUBLIC_KINDS: readonly KnowledgeKind[] = ["faq", "guide"];

export const STATUSES = ["published", "archived"] as const;
export type KnowledgeStatus = (typeof STATUSES)[number];

export interface EntryInput {
  kind: KnowledgeKind;
  businessLines: string[];
  title: string;
  body: string;
  tags: string[];
  data: Record<string, unknown>;
  status: KnowledgeStatus;
}

const LINES = [...BUSINESS_LINES, "*"] as readonly string[];
const VARIABLE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** The variables a template names, each once, in order. */
export function variablesOf(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** Fills a canned reply; variables without a value stay visible as {{name}} and are listed as missing. */
export function renderMacro(
  template: string,
  values: Readonly<Record<string, string | number>>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = template.replace(VARIABLE, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value === "") {
      missing.add(name);
      return whole;
    }
    return String(value);
  });
  return { text: filled, missing: [...missing] };
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Checks a new entry or a whole new version of one; every problem at once. `current` is the entry being
 * changed (its kind cannot change), absent for a new one.
 */
export function checkEntry(
  input: Partial<EntryInput>,
  current?: Pick<KnowledgeEntry, "kind">,
): { ok: true; entry: EntryInput } | { ok: false; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const add = (field: string, code: string, zh: string, en: string) =>
    details.push({ field, code, message: text(zh, en) });
  const kind = input.kind ?? current?.kind;
  if (!kind || !KNOWLEDGE_KINDS.includes(kind))
    add(
      "kind",
      "INVALID_KIND",
      "类型须为 faq、guide、case 或 macro",
      "kind must be faq, guide, case or macro",
    );
  else if (current && current.kind !== kind)
    add("kind", "KIND_CHANGED", "条目类型不能修改", "the kind of an entry cannot change");
  const lines = input.businessLines ?? [];
  if (!strings(lines) || lines.length === 0 || lines.some((l) => !LINES.includes(l)))
    add(
      "businessLines",
      "INVALID_BUSINESS_LINES",
      "适用业务线须为已知业务线或 *",
      `businessLines must name lines among ${LINES.join(", ")}`,
    );
  const title = typeof input.title === "string" ? input.title.trim() : "";
  if (title.length === 0 || [...title].length > 200)
    add("title", "INVALID_TITLE", "标题须为1到200字", "title must be 1 to 200 characters");
  const body = typeof input.body === "string" ? input.body.trim() : "";
  if (body.length === 0 || [...body].length > 5000)
    add("body", "INVALID_BODY", "内容须为1到5000字", "body must be 1 to 5000 characters");
  const tags = input.tags ?? [];
  if (!strings(tags) || tags.length > 20) add("tags", "INVALID_TAGS", "标签最多20个", "at most 20 tags");
  const data = input.data ?? {};
  if (typeof data !== "object" || data === null || Array.isArray(data))
    add("data", "INVALID_DATA", "附加数据须为对象", "data must be an object");
  else if (kind === "faq") {
    if (typeof data.intent !== "string" || !/^[a-z][a-z0-9_]*$/.test(data.intent))
      add("data.intent", "INVALID_INTENT", "意图须为小写英文代码", "data.intent must be a lower-case code");
    if (data.variants !== undefined && (!strings(data.variants) || data.variants.length > 50))
      add("data.variants", "INVALID_VARIANTS", "问法最多50个", "data.variants must be at most 50 phrasings");
  }
  const status = input.status ?? "published";
  if (!STATUSES.includes(status))
    add("status", "INVALID_STATUS", "状态不正确", "status must be published or archived");
  if (details.length) return { ok: false, details };
  const entryData = { ...(data as Record<string, unknown>) };
  // A macro's variables are what its template names: never out of step with the text.
  if (kind === "macro") entryData.variables = variablesOf(body);
  return {
    ok: true,
    entry: { kind: kind!, businessLines: [...new Set(lines)], title, body, tags, data: entryData, status },
  };
}

/** What an FAQ's placeholder says to a customer: the bot and the help page read no live orders. */
const PLACEHOLDER_WORDS: Record<string, { "zh-CN": string; en: string }> = {
  eta: { "zh-CN": "订单页显示的时间", en: "the time shown on your order page" },
};

/** An FAQ answer told to a customer (by the bot or the help page) never shows a raw {{placeholder}}. */
export function fillFaqAnswer(answer: string, locale: "zh-CN" | "en"): string {
  return answer.replace(
    /\{\{\s*(\w+)\s*\}\}/g,
    (_m, name: string) => PLACEHOLDER_WORDS[name]?.[locale] ?? "",
  );
}
