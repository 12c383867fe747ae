import { type CalendarDay, makeCalendar } from "./calendar.domain.ts";
import cn2025 from "./holidays/cn-2025.json" with { type: "json" };
import cn2026 from "./holidays/cn-2026.json" with { type: "json" };

/**
 * The public holidays and adjusted working days (调休) shipped with the product, one file a year, each
 * naming the State Council General Office notice it transcribes. The database seeds its editable
 * calendar from these once per year; pure code that has no database calendar at hand uses them directly.
 */
export interface ShippedYear {
  year: number;
  source: { notice: string; documentNo: string | null; issuer: string; issuedOn: string };
  days: CalendarDay[];
}

export const SHIPPED_YEARS: readonly ShippedYear[] = [cn2025 as ShippedYear, cn2026 as ShippedYear];

export const shippedCalendar = makeCalendar(SHIPPED_YEARS.flatMap((y) => y.days));

export const sourceOf = (y: ShippedYear): string =>
  y.source.documentNo ? `${y.source.notice}（${y.source.documentNo}）` : y.source.notice;
