import { Alert, Card, Checkbox, Empty, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Link, navigate } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { incidentWord, keyText } from "./words.ts";

type Item = Answer<"get", "/api/v1/incidents">["items"][number];

/** The incident board: open incidents (closed ones on request), newest first. */
export function IncidentsPage() {
  const { locale } = useLocale();
  const w = (k: Parameters<typeof incidentWord>[0]) => incidentWord(k, locale);
  const [withClosed, setWithClosed] = useState(false);
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const list = useAsync(
    (signal) =>
      api.get("/api/v1/incidents", {
        query: {
          status: withClosed ? undefined : "open",
          limit: page.pageSize,
          offset: (page.current - 1) * page.pageSize,
        },
        signal,
      }),
    [withClosed, page.current, page.pageSize],
  );
  return (
    <Card
      title={w("board")}
      extra={
        <Checkbox checked={withClosed} onChange={(e) => setWithClosed(e.target.checked)}>
          {w("showClosed")}
        </Checkbox>
      }
    >
      {list.error && <Alert type="error" showIcon title={list.error.message} style={{ marginBottom: 12 }} />}
      <Table<Item>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={w("empty")} /> }}
        rowClassName={() => "queue-row"}
        onRow={(row) => ({ onClick: () => navigate(`/console/incidents/${row.id}`) })}
        pagination={{
          ...page,
          total: list.data?.total ?? 0,
          onChange: (current, pageSize) => setPage({ current, pageSize }),
        }}
        columns={[
          {
            title: w("id"),
            dataIndex: "id",
            render: (id: string) => (
              <Link to={`/console/incidents/${id}`} onClick={(e) => e.stopPropagation()}>
                {id}
              </Link>
            ),
          },
          {
            title: w("kind"),
            dataIndex: "kind",
            render: (kind: Item["kind"]) => (
              <Tag color={kind === "emergency" ? "red" : "orange"}>{w(kind)}</Tag>
            ),
          },
          { title: w("key"), key: "key", render: (_, row) => keyText(row.key, locale) },
          { title: w("tickets"), key: "count", render: (_, row) => row.ticketNos.length },
          { title: w("openedAt"), dataIndex: "openedAt", render: (at: string) => formatTime(at, locale) },
          {
            title: w("status"),
            dataIndex: "status",
            render: (s: Item["status"]) => <Tag color={s === "open" ? "processing" : "default"}>{w(s)}</Tag>,
          },
        ]}
      />
    </Card>
  );
}
