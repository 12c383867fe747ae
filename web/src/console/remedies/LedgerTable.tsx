import { App, Button, Descriptions, Table, Tag, Tooltip, Typography } from "antd";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { remedyLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen, formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useWords, wordOf } from "./words.ts";

export type LedgerEntry = Answer<"get", "/api/v1/tickets/{ticketNo}/ledger">["entries"][number];
type Totals = Answer<"get", "/api/v1/tickets/{ticketNo}/ledger">["totals"];

const STATUS_COLOUR: Record<string, string> = {
  held: "default",
  pending: "blue",
  processing: "processing",
  succeeded: "green",
  failed: "red",
  cancelled: "default",
  recorded: "purple",
};

/** Money entries, each with its status, attempts and the provider's reference; finance may retry a failure. */
export function LedgerTable({
  entries,
  showTicket,
  canRetry,
  onChanged,
}: {
  entries: readonly LedgerEntry[];
  showTicket?: boolean;
  canRetry: boolean;
  onChanged(): void;
}) {
  const w = useWords();
  const { locale } = useLocale();
  const { message } = App.useApp();
  async function retry(id: string) {
    try {
      await api.post("/api/v1/ledger/entries/{entryId}/retry", { path: { entryId: id } });
      onChanged();
    } catch (e) {
      message.error((e as ApiError).message);
    }
  }
  return (
    <Table<LedgerEntry>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={[...entries]}
      locale={{ emptyText: w("noEntries") }}
      data-testid="ledger-table"
      columns={[
        ...(showTicket
          ? [
              {
                key: "ticket",
                title: w("ticket"),
                render: (_: unknown, e: LedgerEntry) => (
                  <Link to={`/console/tickets/${e.ticketNo}`}>{e.ticketNo}</Link>
                ),
              },
            ]
          : []),
        {
          key: "kind",
          title: w("kind"),
          render: (_, e) => (e.direction === "charge" ? w("charge") : remedyLabel(e.kind, locale)),
        },
        {
          key: "party",
          title: w("party"),
          render: (_, e) => `${e.party}${e.partyId ? ` ${e.partyId}` : ""}`,
        },
        {
          key: "amount",
          title: w("amount"),
          align: "right",
          render: (_, e) => <span data-testid="ledger-amount">{formatFen(e.amountFen)}</span>,
        },
        {
          key: "status",
          title: w("status"),
          render: (_, e) => (
            <Tooltip title={e.lastError ?? undefined}>
              <Tag color={STATUS_COLOUR[e.status]} data-testid="ledger-status">
                {wordOf(w, e.status)}
              </Tag>
            </Tooltip>
          ),
        },
        { key: "attempts", title: w("attempts"), dataIndex: "attempts", align: "right" },
        {
          key: "ref",
          title: w("reference"),
          render: (_, e) =>
            e.providerRef ? (
              <Typography.Text copyable={{ text: e.providerRef }}>{e.providerRef}</Typography.Text>
            ) : (
              "—"
            ),
        },
        { key: "at", title: "", render: (_, e) => formatTime(e.settledAt ?? e.createdAt, locale) },
        ...(canRetry
          ? [
              {
                key: "retry",
                title: "",
                render: (_: unknown, e: LedgerEntry) =>
                  e.status === "failed" ? (
                    <Button size="small" onClick={() => retry(e.id)}>
                      {w("retry")}
                    </Button>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}

export function LedgerTotals({ totals }: { totals: Totals }) {
  const w = useWords();
  return (
    // Labels above the amounts: beside them, in a half-width card, an English label left the amount a
    // few pixels and broke "¥0.00" over two lines.
    <Descriptions
      size="small"
      layout="vertical"
      column={{ xs: 2, md: 5 }}
      data-testid="ledger-totals"
      items={[
        { key: "r", label: w("refunded"), children: formatFen(totals.refundedFen) },
        { key: "c", label: w("compensated"), children: formatFen(totals.compensatedFen) },
        { key: "k", label: w("coupons"), children: formatFen(totals.couponFen) },
        { key: "f", label: w("inFlight"), children: formatFen(totals.inFlightFen) },
        { key: "x", label: w("charged"), children: formatFen(totals.chargedFen) },
      ]}
    />
  );
}
