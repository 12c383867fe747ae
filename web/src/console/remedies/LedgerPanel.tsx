import { Card } from "antd";
import { api } from "../../api/client.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { LedgerTable, LedgerTotals } from "./LedgerTable.tsx";
import { useWords } from "./words.ts";

/** The ticket's money in the workspace: every entry and what it came to, with a link to the whole order's. */
export function LedgerPanel({
  ticketNo,
  orderNo,
  version,
  canRetry,
}: {
  ticketNo: string;
  orderNo: string | null;
  /** Changes when the ticket changed (a payment settled): the ledger is read again. */
  version: number;
  canRetry: boolean;
}) {
  const w = useWords();
  const ledger = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}/ledger", { path: { ticketNo }, signal }),
    [ticketNo, version],
  );
  return (
    <Card
      title={w("ledger")}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="ledger-panel"
      extra={orderNo ? <Link to={`/console/orders/${orderNo}/ledger`}>{w("openOrderLedger")}</Link> : null}
    >
      {ledger.data && <LedgerTotals totals={ledger.data.totals} />}
      <LedgerTable
        entries={ledger.data?.entries ?? []}
        canRetry={canRetry}
        onChanged={() => ledger.reload(true)}
      />
    </Card>
  );
}
