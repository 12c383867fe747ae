import { Alert, Badge, Button, Card, Empty, Segmented, Table, Tag } from "antd";
import { useMemo, useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import type { MessageKey } from "../../i18n/zh-CN.ts";
import { useStaffLive } from "../../shared/live.ts";
import { useAllPacks } from "../../shared/packs.ts";
import { navigate, useLocation } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { BulkAssign } from "./BulkAssign.tsx";
import { type QueueItem, queueColumns, sortFrom } from "./columns.tsx";
import { QueueFilters } from "./QueueFilters.tsx";
import {
  listQuery,
  type QueueState,
  queueHref,
  readQueueState,
  VIEWS,
  type View,
  WORK_VIEWS,
} from "./queue-query.ts";
import { countLabel, useViewCounts } from "./useViewCounts.ts";

const VIEW_LABELS: Record<View, MessageKey> = {
  all: "viewAll",
  mine: "viewMine",
  unassigned: "viewUnassigned",
  urgent: "viewUrgent",
  due_soon: "viewDueSoon",
  breached: "viewBreached",
  escalated: "viewEscalated",
};

export function QueuePage() {
  const { locale, t } = useLocale();
  const session = useSession();
  const { search } = useLocation();
  const state = readQueueState(search);
  const packs = useAllPacks();
  const [updatedAt, setUpdatedAt] = useState<number>();

  const views = useMemo(
    () => VIEWS.filter((v) => can(session, "tickets.work") || !WORK_VIEWS.includes(v)),
    [session],
  );
  const query = listQuery(state);
  const list = useAsync((signal) => api.get("/api/v1/tickets", { query, signal }), [JSON.stringify(query)]);
  const counts = useViewCounts(views);
  const canAssign = can(session, "tickets.assign");
  const [selected, setSelected] = useState<string[]>([]);

  // At most one quiet re-read a second, even while tickets arrive faster than that.
  const live = useStaffLive(() => {
    list.reload(true);
    counts.reload(true);
    setUpdatedAt(Date.now());
  });

  const update = (patch: Partial<QueueState>, push = false) =>
    navigate(queueHref({ ...state, page: 1, ...patch }), { replace: !push });

  // Countdowns tick by themselves (sla/useNow), without a request or a re-render of the table.
  const columns = queueColumns({ t, locale, packs: packs.data, sort: state.sort });

  return (
    <Card
      title={
        <Segmented<View>
          className="queue-views"
          value={state.view}
          onChange={(view) => update({ view }, true)}
          options={views.map((v) => ({
            value: v,
            label: (
              <span data-testid={`view-${v}`}>
                {t(VIEW_LABELS[v])}{" "}
                <Badge
                  count={countLabel(counts.data?.get(v))}
                  showZero
                  overflowCount={9999}
                  color={v === "breached" ? "red" : v === "due_soon" ? "orange" : "#8c8c8c"}
                  size="small"
                />
              </span>
            ),
          }))}
        />
      }
      extra={
        <span aria-live="polite">
          {updatedAt && <Tag color="green">{t("liveUpdated")}</Tag>}
          <Badge status={live ? "success" : "default"} text={live ? t("live") : t("liveOffline")} />
        </span>
      }
    >
      <QueueFilters
        state={state}
        packs={packs.data}
        onChange={(p) => update(p)}
        onRefresh={() => list.reload()}
      />
      {list.error && (
        <Alert
          type="error"
          showIcon
          title={list.error.message}
          action={<Button onClick={() => list.reload()}>{t("retry")}</Button>}
          style={{ marginBottom: 12 }}
        />
      )}
      {canAssign && (
        <BulkAssign
          selected={selected}
          onDone={() => {
            setSelected([]);
            list.reload(true);
          }}
        />
      )}
      <Table<QueueItem>
        rowKey="ticketNo"
        rowSelection={
          canAssign
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }
            : undefined
        }
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        scroll={{ x: 1200 }}
        locale={{ emptyText: <Empty description={t("emptyQueue")} /> }}
        rowClassName={() => "queue-row"}
        onRow={(row) => ({ onClick: () => navigate(`/console/tickets/${row.ticketNo}`) })}
        onChange={(pagination, _filters, sorter, extra) => {
          if (extra.action === "sort") {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            update({ sort: sortFrom(s?.field as string | undefined, s?.order) });
          } else if (extra.action === "paginate") {
            navigate(
              queueHref({ ...state, page: pagination.current ?? 1, pageSize: pagination.pageSize ?? 20 }),
            );
          }
        }}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (total) =>
            t(list.data?.totalExact === false ? "totalItemsOver" : "totalItems", { total }),
        }}
      />
    </Card>
  );
}
