import type { Translate } from "../i18n/locale.tsx";

/** Times as people in China read them: Beijing time, whatever the browser's zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatTime(iso: string | null | undefined, locale: string, withYear = false): string {
  if (!iso) return "—";
  const key = `${locale}:${withYear}`;
  let f = formatters.get(key);
  if (!f) {
    // "11月26日 09:17" in Chinese, "Nov 26, 09:17" in English.
    f = new Intl.DateTimeFormat(locale, {
      timeZone: "Asia/Shanghai",
      ...(withYear ? { year: "numeric" } : {}),
      month: locale === "en" ? "short" : "long",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    formatters.set(key, f);
  }
  return f.format(new Date(iso));
}

/** Integer fen as yuan: 2800 → ¥28.00. Money never passes through floating-point sums here. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "2 小时" / "35 min": the coarsest unit that still says something. */
export function durationText(ms: number, t: Translate): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 120) return t("minutes", { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t("hours", { n: hours });
  return t("days", { n: Math.round(hours / 24) });
}

export function dueText(iso: string, now: number, t: Translate): { text: string; overdue: boolean } {
  const ms = new Date(iso).getTime() - now;
  return ms >= 0
    ? { text: t("dueIn", { time: durationText(ms, t) }), overdue: false }
    : { text: t("overdueBy", { time: durationText(ms, t) }), overdue: true };
}

/** Characters as the API counts them: one per Chinese character or emoji. */
export const charCount = (value: string): number => [...value.trim()].length;

/** 老王麻辣烫（M001）: the name people use, and the id the other systems use; the id alone when unnamed. */
export const nameWithId = (name: string | null | undefined, id: string): string =>
  name ? `${name}（${id}）` : id;
