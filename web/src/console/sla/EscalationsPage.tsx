import { Alert, Badge, Card, Empty, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { queueLabel, roleLabel, STATUS_COLOURS, statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useStaffLive } from "../../shared/live.ts";
import { Link, navigate } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { useSession } from "../session.ts";
import { Countdown } from "./Countdown.tsx";
import { clockName, slaText } from "./messages.ts";

type Item = Answer<"get", "/api/v1/escalations">["items"][number];

/** Each role starts on its own level: a supervisor on level 1, a manager on level 2, an admin on all. */
const defaultLevel = (role: string | undefined): number | undefined =>
  role === "manager" ? 2 : role === "supervisor" ? 1 : undefined;

/** The escalation queue: open tickets a missed deadline raised to a supervisor or a manager. */
export function EscalationsPage() {
  const { locale, t } = useLocale();
  const s = slaText(locale);
  const session = useSession();
  const [level, setLevel] = useState(() => defaultLevel(session?.role));
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const list = useAsync(
    (signal) =>
      api.get("/api/v1/escalations", {
        query: { level, limit: page.pageSize, offset: (page.current - 1) * page.pageSize },
        signal,
      }),
    [level, page.current, page.pageSize],
  );
  const live = useStaffLive(() => list.reload(true));
  const levels = t("escalationLevels").split("|");

  return (
    <Card
      title={s("escalations")}
      extra={<Badge status={live ? "success" : "default"} text={live ? t("live") : t("liveOffline")} />}
    >
      <Space style={{ marginBottom: 12 }}>
        <Select<number | "all">
          aria-label={s("levelFilter")}
          data-testid="escalation-level"
          style={{ width: 180 }}
          value={level ?? "all"}
          onChange={(v) => {
            setLevel(v === "all" ? undefined : v);
            setPage((p) => ({ ...p, current: 1 }));
          }}
          options={[
            { value: "all", label: s("allLevels") },
            { value: 1, label: `1 · ${levels[1]}` },
            { value: 2, label: `2 · ${levels[2]}` },
          ]}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} style={{ marginBottom: 12 }} />}
      <Table<Item>
        rowKey="ticketNo"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1100 }}
        locale={{ emptyText: <Empty description={s("emptyEscalations")} /> }}
        rowClassName={() => "queue-row"}
        onRow={(row) => ({ onClick: () => navigate(`/console/tickets/${row.ticketNo}`) })}
        pagination={{
          ...page,
          total: list.data?.total ?? 0,
          showTotal: (total) => t("totalItems", { total }),
          onChange: (current, pageSize) => setPage({ current, pageSize }),
        }}
        columns={[
          {
            title: t("colTicket"),
            dataIndex: "ticketNo",
            fixed: "left",
            width: 180,
            render: (no: string) => (
              <Link to={`/console/tickets/${no}`} onClick={(e) => e.stopPropagation()}>
                {no}
              </Link>
            ),
          },
          {
            title: s("colLevel"),
            dataIndex: "escalationLevel",
            width: 110,
            render: (n: number) => (
              <Tag color={n >= 2 ? "magenta" : "volcano"}>{`${n} · ${levels[n] ?? n}`}</Tag>
            ),
          },
          {
            title: s("colWhy"),
            key: "why",
            width: 280,
            render: (_, row) => {
              const last = row.escalations.at(-1);
              if (!last) return "—";
              return s("whyText", {
                clock: clockName(last.clock, s),
                due: formatTime(last.dueAt, locale),
                role: last.role ? roleLabel(last.role, locale) : (levels[last.level] ?? ""),
              });
            },
          },
          {
            title: s("colEscalatedAt"),
            key: "at",
            width: 130,
            render: (_, row) => formatTime(row.escalations.at(-1)?.at, locale),
          },
          {
            title: s("colBrokenClock"),
            key: "clocks",
            width: 260,
            render: (_, row) => (
              <Space orientation="vertical" size={4}>
                {row.clocks
                  .filter((c) => c.breached && c.state !== "stopped")
                  .map((c) => (
                    <Countdown key={c.name} clock={c} withName />
                  ))}
              </Space>
            ),
          },
          {
            title: s("colOwner"),
            key: "owner",
            width: 150,
            render: (_, row) => (
              <div>
                <div>
                  {row.assignee?.displayName ?? <span style={{ color: "#bfbfbf" }}>{t("unassigned")}</span>}
                </div>
                <div style={{ fontSize: 12, color: "#8c8c8c" }}>{queueLabel(row.queue, locale)}</div>
              </div>
            ),
          },
          {
            title: t("colStatus"),
            dataIndex: "status",
            width: 110,
            render: (v: string) => <Tag color={STATUS_COLOURS[v]}>{statusLabel(v, locale)}</Tag>,
          },
          { title: t("colPriority"), dataIndex: "priority", width: 70, render: (p: number) => `P${p}` },
        ]}
      />
    </Card>
  );
}
