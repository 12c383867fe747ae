import { Card, Descriptions, Skeleton, Table, Typography } from "antd";
import type { ApiError } from "../../api/client.ts";
import { resolutionLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen, formatTime, nameWithId } from "../../shared/format.ts";
import type { PublicPack } from "../../shared/packs.ts";
import type { Ticket, TicketOrder } from "./types.ts";

type Item = TicketOrder["items"][number];

/** Who complains about what they bought: the customer, the order's money, merchant, rider and batches. */
export function OrderPanel({
  ticket,
  order,
  orderError,
  pack,
}: {
  ticket: Ticket;
  order: TicketOrder | undefined;
  orderError: ApiError | undefined;
  pack: PublicPack | undefined;
}) {
  const { locale, t } = useLocale();
  return (
    <Card title={t("customerAndOrder")} size="small" style={{ marginBottom: 16 }}>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: "phone",
            label: t("customer"),
            children: <span data-testid="customer-phone">{ticket.customerPhone}</span>,
          },
          ...(ticket.customerName
            ? [{ key: "name", label: t("customerName"), children: ticket.customerName }]
            : []),
          {
            key: "order",
            label: t("orderNo"),
            children: <Typography.Text copyable>{ticket.orderNo}</Typography.Text>,
          },
          { key: "line", label: t("businessLine"), children: pack?.labels[locale] ?? ticket.businessLine },
          {
            key: "merchant",
            label: t("merchant"),
            children: nameWithId(order?.merchantName, ticket.merchantId),
          },
          {
            key: "rider",
            label: t("rider"),
            children: ticket.riderId ? nameWithId(order?.riderName, ticket.riderId) : t("none"),
          },
          { key: "region", label: t("region"), children: ticket.region },
          ...(order
            ? [
                { key: "paid", label: t("paid"), children: <strong>{formatFen(order.paidFen)}</strong> },
                { key: "paidAt", label: t("paidAt"), children: formatTime(order.paidAt, locale, true) },
                ...(order.promisedAt
                  ? [
                      {
                        key: "promised",
                        label: t("promisedAt"),
                        children: formatTime(order.promisedAt, locale, true),
                      },
                    ]
                  : []),
                ...(order.deliveredAt
                  ? [
                      {
                        key: "delivered",
                        label: t("deliveredAt"),
                        children: formatTime(order.deliveredAt, locale, true),
                      },
                    ]
                  : []),
              ]
            : []),
        ]}
      />
      {!order && !orderError && <Skeleton active paragraph={{ rows: 2 }} />}
      {orderError && <Typography.Text type="secondary">{orderError.message}</Typography.Text>}
      {order && (
        <Table<Item>
          style={{ marginTop: 8 }}
          size="small"
          rowKey={(i) => `${i.productId}-${i.batchNo}-${i.unitPriceFen}`}
          pagination={false}
          dataSource={order.items}
          columns={[
            {
              title: t("product"),
              dataIndex: "name",
              render: (name: string, i) => (
                <div>
                  {name}
                  {i.batchNo && (
                    <div style={{ fontSize: 12, color: "#8c8c8c" }}>{`${t("batch")} ${i.batchNo}`}</div>
                  )}
                </div>
              ),
            },
            { title: t("quantity"), dataIndex: "quantity", width: 56, align: "right" },
            {
              title: t("amount"),
              dataIndex: "amountFen",
              width: 90,
              align: "right",
              render: (fen: number) => formatFen(fen),
            },
          ]}
        />
      )}
      {ticket.expectedResolution && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginTop: 12 }}
          items={[
            {
              key: "expected",
              label: t("expectedResolution"),
              children: resolutionLabel(ticket.expectedResolution, locale),
            },
          ]}
        />
      )}
    </Card>
  );
}
