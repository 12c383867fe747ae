import { type Answer, api } from "../api/client.ts";
import type { Locale } from "../i18n/locale.tsx";
import { useAsync } from "./useAsync.ts";

export type PublicPack = Answer<"get", "/api/v1/policy-packs/{businessLine}">;
export type BusinessLine = PublicPack["businessLine"];

/** Packs change only with a deploy: one request per line per page load is enough. */
const cache = new Map<string, Promise<PublicPack>>();

export function loadPack(line: BusinessLine): Promise<PublicPack> {
  let pending = cache.get(line);
  if (!pending) {
    pending = api.get("/api/v1/policy-packs/{businessLine}", { path: { businessLine: line } });
    pending.catch(() => cache.delete(line));
    cache.set(line, pending);
  }
  return pending;
}

export function usePack(line: string | undefined) {
  return useAsync(async () => (line ? loadPack(line as BusinessLine) : undefined), [line]);
}

let linesPending: Promise<Answer<"get", "/api/v1/policy-packs">> | undefined;
export function usePackList() {
  return useAsync(async () => {
    linesPending ??= api.get("/api/v1/policy-packs");
    return linesPending;
  }, []);
}

export function categoryLabel(pack: PublicPack | undefined, code: string, locale: Locale): string {
  return pack?.categories.find((c) => c.code === code)?.labels[locale] ?? code;
}

export function subTypeLabel(
  pack: PublicPack | undefined,
  category: string,
  code: string | null,
  locale: Locale,
): string {
  if (!code) return "";
  const cat = pack?.categories.find((c) => c.code === category);
  return cat?.subTypes.find((s) => s.code === code)?.labels[locale] ?? code;
}

/** Every line's public pack, for pages that show tickets of all lines side by side. */
export function useAllPacks() {
  return useAsync(async () => {
    linesPending ??= api.get("/api/v1/policy-packs");
    const { items } = await linesPending;
    const packs = await Promise.all(items.map((l) => loadPack(l.businessLine)));
    return new Map(packs.map((p) => [p.businessLine as string, p]));
  }, []);
}

/**
 * The business lines' names from the packs, for tags and pickers (a report's line picker, a knowledge
 * entry's lines); `everyLine` names "*" (every line). A line shows as its code until the packs arrive.
 */
export function useLineNames(locale: Locale, everyLine = "*") {
  const packs = usePackList();
  const items = packs.data?.items ?? [];
  const name = (line: string) =>
    line === "*" ? everyLine : (items.find((p) => p.businessLine === line)?.labels[locale] ?? line);
  const options = items.map((p) => ({ value: p.businessLine as string, label: p.labels[locale] }));
  return { name, options };
}

/** A category's name in its line's pack, for report rows that mix lines; its code until the packs arrive. */
export function useCategoryNames(locale: Locale) {
  const packs = useAllPacks();
  return (line: string, code: string) => categoryLabel(packs.data?.get(line), code, locale);
}
