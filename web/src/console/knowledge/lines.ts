import type { Locale } from "../../i18n/locale.tsx";
import { usePackList } from "../../shared/packs.ts";

/** The business lines' names from the packs, plus "*" (every line), for tags and pickers. */
export function useLineNames(locale: Locale, everyLine: string) {
  const packs = usePackList();
  const items = packs.data?.items ?? [];
  const name = (line: string) =>
    line === "*" ? everyLine : (items.find((p) => p.businessLine === line)?.labels[locale] ?? line);
  const options = items.map((p) => ({ value: p.businessLine as string, label: p.labels[locale] }));
  return { name, options };
}
