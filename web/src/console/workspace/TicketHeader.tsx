import { ArrowLeftOutlined } from "@ant-design/icons";
import { Card, Descriptions, Tag } from "antd";
import type { ReactNode } from "react";
import {
  channelLabel,
  queueLabel,
  SEVERITY_COLOURS,
  STATUS_COLOURS,
  severityLabel,
  statusLabel,
} from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { categoryLabel, type PublicPack, subTypeLabel } from "../../shared/packs.ts";
import { Link } from "../../shared/router.tsx";
import { AbuseFlags } from "../abuse/AbuseFlags.tsx";
import { slaText } from "../sla/messages.ts";
import { SlaClocks } from "../sla/SlaClocks.tsx";
import type { Ticket } from "./types.ts";

/** Who, what, how bad and how late: the facts an agent checks before anything else. */
export function TicketHeader({
  ticket,
  pack,
  actions,
}: {
  ticket: Ticket;
  pack: PublicPack | undefined;
  actions: ReactNode;
}) {
  const { locale, t } = useLocale();
  const levels = t("escalationLevels").split("|");
  return (
    <Card style={{ marginBottom: 16 }}>
      <div style={{ marginBottom: 8 }}>
        <Link to="/console/tickets">
          <ArrowLeftOutlined /> {t("back")}
        </Link>
      </div>
      <div className="ws-title">
        <h2>{ticket.ticketNo}</h2>
        <Tag color={STATUS_COLOURS[ticket.status]} data-testid="ticket-status">
          {statusLabel(ticket.status, locale)}
        </Tag>
        <Tag color={SEVERITY_COLOURS[ticket.severity]}>{severityLabel(ticket.severity, locale)}</Tag>
        <Tag>P{ticket.priority}</Tag>
        {ticket.urgent && <Tag color="volcano">{t("urgentTag")}</Tag>}
        {ticket.mergedInto && (
          <Tag color="purple" data-testid="merged-into">
            {t("mergedInto")} <Link to={`/console/tickets/${ticket.mergedInto}`}>{ticket.mergedInto}</Link>
          </Tag>
        )}
      </div>
      <AbuseFlags ticket={ticket} />
      <Descriptions
        size="small"
        style={{ marginTop: 12 }}
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          {
            key: "category",
            label: t("category"),
            children: `${categoryLabel(pack, ticket.category, locale)}${
              ticket.subType ? ` · ${subTypeLabel(pack, ticket.category, ticket.subType, locale)}` : ""
            }`,
          },
          { key: "queue", label: t("queue"), children: queueLabel(ticket.queue, locale) },
          { key: "channel", label: t("channel"), children: channelLabel(ticket.channel, locale) },
          {
            key: "assignee",
            label: t("colAssignee"),
            children: ticket.assignee ? ticket.assignee.displayName : t("unassigned"),
          },
          {
            key: "escalation",
            label: t("escalation"),
            children: levels[ticket.escalationLevel] ?? String(ticket.escalationLevel),
          },
          { key: "created", label: t("colCreated"), children: formatTime(ticket.createdAt, locale, true) },
          {
            // Every clock (first response, resolution, progress update…) counting down live.
            key: "sla",
            label: slaText(locale)("slaClocks"),
            span: "filled",
            children: <SlaClocks clocks={ticket.sla.clocks} />,
          },
        ]}
      />
      <div style={{ marginTop: 12 }}>{actions}</div>
    </Card>
  );
}
