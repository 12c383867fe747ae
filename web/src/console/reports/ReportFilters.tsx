import { Input, Select, Space } from "antd";
import type { ReactNode } from "react";
import { useLocale } from "../../i18n/locale.tsx";
import { useLineNames } from "../../shared/packs.ts";
import { reportWord } from "./words.ts";

export const LINES = ["food_delivery", "fresh_food", "b2b_food_supply", "ecommerce"] as const;

/** A report screen's heading with its month picker, the line picker when it has one, and its own extras. */
export function ReportFilters({
  title,
  month,
  onMonth,
  line,
  onLine,
  children,
}: {
  title: string;
  month: string;
  onMonth: (month: string) => void;
  line?: string;
  onLine?: (line: string) => void;
  children?: ReactNode;
}) {
  const { locale } = useLocale();
  const lines = useLineNames(locale);
  return (
    <Space wrap>
      <h2 style={{ margin: 0 }}>{title}</h2>
      <Input
        type="month"
        aria-label={reportWord("month", locale)}
        value={month}
        onChange={(e) => e.target.value && onMonth(e.target.value)}
        style={{ width: 160 }}
      />
      {line !== undefined && onLine && (
        <Select
          aria-label={reportWord("line", locale)}
          value={line}
          onChange={onLine}
          style={{ width: 180 }}
          options={LINES.map((l) => ({ value: l, label: lines.name(l) }))}
        />
      )}
      {children}
    </Space>
  );
}
