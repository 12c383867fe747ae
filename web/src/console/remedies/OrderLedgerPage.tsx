import { Card, Descriptions, Result, Skeleton } from "antd";
import { api } from "../../api/client.ts";
import { formatFen } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { LedgerTable } from "./LedgerTable.tsx";
import { useWords } from "./words.ts";

/** One order's money across all its tickets: what was paid, what is reserved and what may still be refunded. */
export function OrderLedgerPage({ orderNo }: { orderNo: string }) {
  const w = useWords();
  const session = useSession();
  const ledger = useAsync(
    (signal) => api.get("/api/v1/orders/{orderNo}/ledger", { path: { orderNo }, signal }),
    [orderNo],
  );
  if (ledger.error) return <Result status="404" title={ledger.error.message} />;
  const d = ledger.data;
  return (
    <Card title={w("orderLedger", { orderNo })} data-testid="order-ledger">
      {!d ? (
        <Skeleton active />
      ) : (
        <>
          <Descriptions
            size="small"
            column={{ xs: 2, md: 4 }}
            items={[
              { key: "paid", label: w("paidFen"), children: formatFen(d.paidFen) },
              { key: "refundable", label: w("refundableFen"), children: formatFen(d.refundableFen) },
              { key: "reserved", label: w("refunded"), children: formatFen(d.reservedRefundFen) },
              {
                key: "comp",
                label: w("compensated"),
                children: `${formatFen(d.reservedCompensationFen)} / ${formatFen(d.compensationCapFen)}`,
              },
            ]}
          />
          <LedgerTable
            entries={d.entries}
            showTicket
            canRetry={can(session, "ledger.manage")}
            onChanged={() => ledger.reload(true)}
          />
        </>
      )}
    </Card>
  );
}
