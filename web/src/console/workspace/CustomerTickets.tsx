import { Card, List, Tag } from "antd";
import { api } from "../../api/client.ts";
import { statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { categoryLabel, useAllPacks } from "../../shared/packs.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { queueHref, STATUSES } from "../queue/queue-query.ts";
import type { Ticket } from "./types.ts";

/**
 * The customer's other tickets, newest first: whether this is their third complaint this week, or the
 * same meal already refunded on another ticket, is the first thing an agent wants to know. Shown to staff
 * who see the full number (the list route refuses a phone search to the others).
 */
export function CustomerTickets({ ticket }: { ticket: Ticket }) {
  const { locale, t } = useLocale();
  const phone = ticket.customerPhone;
  const packs = useAllPacks();
  const list = useAsync(
    (signal) => api.get("/api/v1/tickets", { query: { phone, limit: 11 }, signal }),
    [phone],
  );
  const others = (list.data?.items ?? []).filter((i) => i.ticketNo !== ticket.ticketNo).slice(0, 10);
  const all = queueHref({ view: "all", status: [...STATUSES], q: phone, page: 1, pageSize: 20 });
  return (
    <Card
      title={t("customerTickets")}
      size="small"
      style={{ marginBottom: 16 }}
      extra={<Link to={all}>{t("customerTicketsAll")}</Link>}
      data-testid="customer-tickets"
    >
      <List
        size="small"
        loading={list.loading}
        dataSource={others}
        locale={{ emptyText: list.error?.message ?? t("customerTicketsNone") }}
        renderItem={(i) => (
          <List.Item key={i.ticketNo} extra={formatTime(i.createdAt, locale)}>
            <Link to={`/console/tickets/${i.ticketNo}`}>{i.ticketNo}</Link>{" "}
            <Tag>{statusLabel(i.status, locale)}</Tag>
            {categoryLabel(packs.data?.get(i.businessLine), i.category, locale)}
          </List.Item>
        )}
      />
    </Card>
  );
}
