import { Alert, Descriptions, Tag } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen, formatTime } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { requestWord } from "./words.ts";

/** Order assistance beside a request: the order's stage and what is wrong with it, to read to the merchant. */
export function OrderAssist({ orderNo }: { orderNo: string }) {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const order = useAsync(
    (signal) => api.get("/api/v1/merchant-service/orders/{orderNo}", { path: { orderNo }, signal }),
    [orderNo],
  );
  if (order.error) return <Alert type="warning" title={order.error.message} style={{ margin: "12px 0" }} />;
  const o = order.data;
  if (!o) return null;
  return (
    <Descriptions
      title={w("order")}
      size="small"
      column={2}
      style={{ margin: "16px 0" }}
      data-testid="order-assist"
    >
      <Descriptions.Item label={w("stage")}>{w(`stage_${o.stage}`)}</Descriptions.Item>
      <Descriptions.Item label="¥">
        {formatFen(o.paidFen)} / −{formatFen(o.refundedFen)}
      </Descriptions.Item>
      <Descriptions.Item label={w("createdAt")}>{formatTime(o.paidAt, locale)}</Descriptions.Item>
      <Descriptions.Item label={w("complaints")}>{o.complaints.length}</Descriptions.Item>
      <Descriptions.Item label={w("anomalies")} span={2}>
        {o.anomalies.length
          ? o.anomalies.map((a) => (
              <Tag color="red" key={a.code}>
                {a.message}
              </Tag>
            ))
          : w("none")}
      </Descriptions.Item>
    </Descriptions>
  );
}
