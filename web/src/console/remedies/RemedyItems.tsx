import { Space, Tag } from "antd";
import { payerLabel, remedyLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen } from "../../shared/format.ts";

export interface RemedyItem {
  kind: string;
  amountFen?: number;
  payer: string;
}

/** A remedy's items as tags: "退款 ¥28.00 · 商家承担". */
export function RemedyItems({ items, testId }: { items: readonly RemedyItem[]; testId?: string }) {
  const { locale } = useLocale();
  return (
    <Space size={[4, 4]} wrap data-testid={testId}>
      {items.map((i) => (
        // A remedy holds one item of a kind per payer and amount: that is its identity here.
        <Tag
          key={`${i.kind}-${i.payer}-${i.amountFen ?? ""}`}
          color={i.amountFen ? "gold" : "blue"}
          data-testid="remedy-item"
        >
          {remedyLabel(i.kind, locale)}
          {i.amountFen !== undefined ? ` ${formatFen(i.amountFen)}` : ""} · {payerLabel(i.payer, locale)}
        </Tag>
      ))}
    </Space>
  );
}
