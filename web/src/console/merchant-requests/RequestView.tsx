import { Descriptions, Table, Tag, Timeline } from "antd";
import type { Answer } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { merchantWord } from "../merchant/words.ts";
import { requestWord } from "./words.ts";

/** One request as both sides read it: its facts and deadlines, then its history (the merchant's without notes). */
export type RequestDetail = Answer<"get", "/api/v1/merchant-requests/{requestNo}">;
export type RequestItem = RequestDetail["request"];

const STATUS_COLOURS: Record<string, string> = {
  new: "blue",
  in_progress: "processing",
  awaiting_merchant: "orange",
  resolved: "green",
  closed: "default",
  reopened: "red",
};

export function StatusTag({ status }: { status: string }) {
  const { locale } = useLocale();
  return <Tag color={STATUS_COLOURS[status]}>{requestWord(`st_${status}`, locale)}</Tag>;
}

export function RequestView({ detail }: { detail: RequestDetail }) {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const r = detail.request;
  return (
    <div data-testid="request-view">
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={w("requestNo")}>{r.requestNo}</Descriptions.Item>
        <Descriptions.Item label={w("status")}>
          <StatusTag status={r.status} />
          {r.escalationLevel > 0 && <Tag color="red">{`${w("escalation")} ${r.escalationLevel}`}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={w("category")}>{w(`c_${r.category}`)}</Descriptions.Item>
        <Descriptions.Item label={w("orderNo")}>{r.orderNo ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={w("firstDue")}>
          {formatTime(r.firstResponseDueAt, locale)}
        </Descriptions.Item>
        <Descriptions.Item label={w("resolutionDue")}>
          {formatTime(r.resolutionDueAt, locale)}
        </Descriptions.Item>
        <Descriptions.Item label={w("assignee")}>{r.assignee ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={w("department")}>
          {r.department ? merchantWord(`d_${r.department}`, locale) : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={w("subject")} span={2}>
          <strong>{r.subject}</strong>
          <div style={{ whiteSpace: "pre-wrap" }}>{r.body}</div>
        </Descriptions.Item>
      </Descriptions>
      <h4 style={{ marginTop: 16 }}>{w("timeline")}</h4>
      <Timeline
        items={detail.timeline.map((e) => ({
          color: e.internal ? "gray" : e.type === "escalated" ? "red" : "blue",
          children: (
            <div>
              <div style={{ color: "#888", fontSize: 12 }}>
                {formatTime(e.at, locale)} · {e.actor} · {w(`ev_${e.type}`)}
                {e.internal ? ` · ${w("internal")}` : ""}
              </div>
              {e.text && <div style={{ whiteSpace: "pre-wrap" }}>{e.text}</div>}
            </div>
          ),
        }))}
      />
    </div>
  );
}

/** The list of requests, the merchant's or the team's: the team also sees whose store, escalation and owner. */
export function RequestTable(props: {
  items: RequestItem[] | undefined;
  loading: boolean;
  staff: boolean;
  onOpen: (requestNo: string) => void;
}) {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const time = (at: string) => formatTime(at, locale);
  return (
    <Table<RequestItem>
      rowKey="requestNo"
      size="small"
      loading={props.loading}
      dataSource={props.items ?? []}
      pagination={false}
      data-testid={props.staff ? "request-desk" : "my-requests"}
      onRow={(r) => ({ onClick: () => props.onOpen(r.requestNo), style: { cursor: "pointer" } })}
      columns={[
        { title: w("requestNo"), dataIndex: "requestNo" },
        ...(props.staff ? [{ title: "ID", dataIndex: "merchantId" }] : []),
        { title: w("subject"), dataIndex: "subject" },
        { title: w("category"), dataIndex: "category", render: (c: string) => w(`c_${c}`) },
        { title: w("status"), dataIndex: "status", render: (s: string) => <StatusTag status={s} /> },
        ...(props.staff
          ? [
              { title: w("escalation"), dataIndex: "escalationLevel" },
              { title: w("firstDue"), dataIndex: "firstResponseDueAt", render: time },
              { title: w("assignee"), dataIndex: "assignee", render: (a: string | null) => a ?? "—" },
            ]
          : [{ title: w("createdAt"), dataIndex: "createdAt", render: time }]),
      ]}
    />
  );
}
