import { shanghaiDate } from "./clock.ts";
import type { Locale } from "./errors.ts";

/** 13800138000 → 138****8000: enough to recognise, not enough to call. */
export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** A time as the customer in China reads it: "11月25日 20:23", or "25 Nov 20:23 (Beijing time)". */
export function localTime(at: Date, locale: Locale): string {
  const d = shanghaiDate(at);
  return locale === "en"
    ? `${d.day} ${MONTHS[d.month - 1]} ${two(d.hour)}:${two(d.minute)} (Beijing time)`
    : `${d.month}月${d.day}日 ${two(d.hour)}:${two(d.minute)}`;
}
