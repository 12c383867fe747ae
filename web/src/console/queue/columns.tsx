import { Space, Tag } from "antd";
import type { ColumnsType, SortOrder } from "antd/es/table/interface";
import type { Answer } from "../../api/client.ts";
import {
  channelLabel,
  SEVERITY_COLOURS,
  STATUS_COLOURS,
  severityLabel,
  statusLabel,
} from "../../i18n/labels.ts";
import type { Locale, Translate } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { categoryLabel, type PublicPack, subTypeLabel } from "../../shared/packs.ts";
import { Link } from "../../shared/router.tsx";
import { NearestDeadline } from "../sla/Countdown.tsx";
import { slaText } from "../sla/messages.ts";
import type { Sort } from "./queue-query.ts";

export type QueueItem = Answer<"get", "/api/v1/tickets">["items"][number];

/** Which column a sort belongs to and in which direction, for antd's controlled sorter. */
export function sortOrderOf(
  sort: Sort | undefined,
  column: "createdAt" | "resolutionDueAt" | "priority",
): SortOrder {
  if (column === "createdAt")
    return sort === "created_asc" ? "ascend" : sort === "created_desc" ? "descend" : null;
  if (column === "resolutionDueAt") return sort === "due_asc" ? "ascend" : null;
  return sort === "priority" ? "ascend" : null;
}

export function sortFrom(column: string | undefined, order: SortOrder | undefined): Sort | undefined {
  if (!order) return undefined;
  if (column === "createdAt") return order === "ascend" ? "created_asc" : "created_desc";
  if (column === "resolutionDueAt") return "due_asc";
  if (column === "priority") return "priority";
  return undefined;
}

export function queueColumns(opts: {
  t: Translate;
  locale: Locale;
  packs: Map<string, PublicPack> | undefined;
  sort: Sort | undefined;
}): ColumnsType<QueueItem> {
  const { t, locale, packs, sort } = opts;
  return [
    {
      title: t("colTicket"),
      dataIndex: "ticketNo",
      fixed: "left",
      width: 190,
      render: (no: string, row) => (
        <Space size={4}>
          <Link to={`/console/tickets/${no}`} onClick={(e) => e.stopPropagation()}>
            {no}
          </Link>
          {row.urgent && <Tag color="volcano">{t("urgentTag")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("colCategory"),
      key: "category",
      width: 170,
      render: (_, row) => {
        const pack = packs?.get(row.businessLine);
        return (
          <div>
            <div>{categoryLabel(pack, row.category, locale)}</div>
            <div style={{ fontSize: 12, color: "#8c8c8c" }}>
              {pack?.labels[locale] ?? row.businessLine}
              {row.subType ? ` · ${subTypeLabel(pack, row.category, row.subType, locale)}` : ""}
            </div>
          </div>
        );
      },
    },
    {
      title: t("colSeverity"),
      dataIndex: "severity",
      width: 84,
      render: (s: string) => <Tag color={SEVERITY_COLOURS[s]}>{severityLabel(s, locale)}</Tag>,
    },
    {
      title: t("colPriority"),
      dataIndex: "priority",
      width: 84,
      sorter: true,
      sortDirections: ["ascend"],
      sortOrder: sortOrderOf(sort, "priority"),
      render: (p: number) => `P${p}`,
    },
    {
      title: t("colStatus"),
      dataIndex: "status",
      width: 96,
      render: (s: string) => <Tag color={STATUS_COLOURS[s]}>{statusLabel(s, locale)}</Tag>,
    },
    {
      title: `${t("colCustomer")} / ${t("colOrder")}`,
      key: "customer",
      width: 140,
      render: (_, row) => (
        <div>
          <div>{row.customerPhone}</div>
          <div style={{ fontSize: 12, color: "#8c8c8c", wordBreak: "break-all" }}>{row.orderNo}</div>
        </div>
      ),
    },
    {
      title: t("colChannel"),
      dataIndex: "channel",
      width: 72,
      render: (c: string) => channelLabel(c, locale),
    },
    {
      title: t("colAssignee"),
      key: "assignee",
      width: 100,
      render: (_, row) =>
        row.assignee?.displayName ?? <span style={{ color: "#bfbfbf" }}>{t("unassigned")}</span>,
    },
    {
      title: t("colCreated"),
      dataIndex: "createdAt",
      width: 120,
      sorter: true,
      sortOrder: sortOrderOf(sort, "createdAt"),
      render: (at: string) => formatTime(at, locale),
    },
    {
      title: slaText(locale)("slaClocks"),
      dataIndex: "resolutionDueAt",
      width: 170,
      // Kept in sight on narrower screens: the deadline is what a queue is worked by.
      fixed: "right",
      sorter: true,
      sortDirections: ["ascend"],
      sortOrder: sortOrderOf(sort, "resolutionDueAt"),
      // The nearest running deadline of the ticket's clocks, counting down live (see ../sla).
      render: (_: string, row) => <NearestDeadline clocks={row.clocks} />,
    },
  ];
}
