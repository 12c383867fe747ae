import { Alert, Button, Input, Select, Space, Typography } from "antd";
import { useState } from "react";
import { payerLabel, remedyLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen } from "../../shared/format.ts";
import type { Proposal } from "./ProposalPanel.tsx";
import type { RemedyItem } from "./RemedyItems.tsx";
import { fenToYuanText, useWords, yuanToFen } from "./words.ts";

const MONEY = ["refund", "price_difference", "compensation", "coupon"];
const KINDS = [
  "refund",
  "price_difference",
  "compensation",
  "coupon",
  "resend",
  "exchange",
  "repair",
  "return",
  "redeliver",
];
const PAYERS = ["platform", "merchant", "rider", "logistics", "customer"];

/** Rows are added and removed while typing: each keeps its own key. */
let rowIds = 0;

interface Row {
  id: number;
  kind: string;
  payer: string;
  /** As typed, in yuan; turned into fen only when it is a valid amount. */
  yuan: string;
}

/**
 * The agent's adjusted remedy: kinds, payers and amounts in yuan (sent as integer fen). It says before
 * sending whether the decision stays within the agent's limits; the server is the judge either way.
 */
export function AdjustForm({
  initial,
  proposal,
  busy,
  onCancel,
  onSubmit,
}: {
  initial: readonly RemedyItem[];
  proposal: Proposal;
  busy: boolean;
  onCancel(): void;
  onSubmit(items: RemedyItem[], note: string): void;
}) {
  const w = useWords();
  const { locale } = useLocale();
  const [rows, setRows] = useState<Row[]>(
    initial.map((i) => ({
      id: ++rowIds,
      kind: i.kind,
      payer: i.payer,
      yuan: i.amountFen === undefined ? "" : fenToYuanText(i.amountFen),
    })),
  );
  const [note, setNote] = useState("");
  const set = (n: number, patch: Partial<Row>) =>
    setRows(rows.map((r, i) => (i === n ? { ...r, ...patch } : r)));
  const fenOf = (r: Row) => (MONEY.includes(r.kind) ? yuanToFen(r.yuan) : undefined);
  const invalid = rows.some((r) => fenOf(r) === null);
  const total = rows.reduce((sum, r) => sum + (fenOf(r) ?? 0), 0);
  const compensation = rows.reduce((sum, r) => sum + (r.kind === "compensation" ? (fenOf(r) ?? 0) : 0), 0);
  const { limits, priceFen } = proposal;
  const overLimit =
    total > limits.amountFen || (priceFen > 0 && compensation > priceFen * limits.compensationMultiple);

  const items = (): RemedyItem[] =>
    rows.map((r) => {
      const fen = fenOf(r);
      return fen === undefined || fen === null
        ? { kind: r.kind, payer: r.payer }
        : { kind: r.kind, payer: r.payer, amountFen: fen };
    });

  return (
    <div style={{ marginTop: 8 }} data-testid="adjust-form">
      {rows.map((r, n) => (
        <Space key={r.id} style={{ display: "flex", marginBottom: 6 }} wrap>
          <Select
            style={{ width: 120 }}
            value={r.kind}
            onChange={(kind) => set(n, { kind })}
            options={KINDS.map((k) => ({ value: k, label: remedyLabel(k, locale) }))}
          />
          {MONEY.includes(r.kind) && (
            <Input
              style={{ width: 140 }}
              prefix="¥"
              value={r.yuan}
              status={fenOf(r) === null ? "error" : undefined}
              placeholder={w("amountYuan")}
              aria-label={`${remedyLabel(r.kind, locale)} ${w("amountYuan")}`}
              data-testid={`amount-${r.kind}`}
              onChange={(e) => set(n, { yuan: e.target.value })}
            />
          )}
          <Select
            style={{ width: 120 }}
            value={r.payer}
            onChange={(payer) => set(n, { payer })}
            options={PAYERS.map((p) => ({ value: p, label: payerLabel(p, locale) }))}
          />
          <Button size="small" type="text" danger onClick={() => setRows(rows.filter((_, i) => i !== n))}>
            ×
          </Button>
        </Space>
      ))}
      <Button
        size="small"
        type="dashed"
        onClick={() => setRows([...rows, { id: ++rowIds, kind: "coupon", payer: "platform", yuan: "" }])}
      >
        +
      </Button>
      {invalid && <Typography.Paragraph type="danger">{w("badAmount")}</Typography.Paragraph>}
      <Typography.Paragraph style={{ margin: "8px 0 4px" }}>
        {w("total", { amount: formatFen(total) })}
      </Typography.Paragraph>
      <div data-testid={overLimit ? "adjusted-needs-approval" : "adjusted-within-limits"}>
        <Alert
          type={overLimit ? "warning" : "success"}
          showIcon
          title={overLimit ? w("needsApproval") : w("withinLimits")}
          style={{ marginBottom: 8 }}
        />
      </div>
      <Input.TextArea
        rows={2}
        value={note}
        placeholder={w("note")}
        aria-label={w("note")}
        onChange={(e) => setNote(e.target.value)}
        style={{ marginBottom: 8 }}
      />
      <Space>
        <Button
          type="primary"
          loading={busy}
          disabled={invalid || rows.length === 0}
          onClick={() => onSubmit(items(), note.trim())}
          data-testid="submit-decision"
        >
          {w("submitDecision")}
        </Button>
        <Button onClick={onCancel}>{w("cancel")}</Button>
      </Space>
    </div>
  );
}
