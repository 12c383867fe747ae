import { Alert, App, Button, Card, Descriptions, Input, Modal, Space, Table, Tag, Timeline } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime, nameWithId } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { type IncidentWord, incidentWord, keyText, stepText } from "./words.ts";

type Incident = Answer<"get", "/api/v1/incidents/{id}">;
type ActionPath =
  | "notify-team"
  | "sampling-task"
  | "suspend-batch"
  | "public-notice"
  | "extra-compensation"
  | "progress"
  | "close";

/** One incident: what it covers, its tickets, its timeline, and the actions as buttons. */
export function IncidentDetailPage({ id }: { id: string }) {
  const { locale } = useLocale();
  const w = (k: IncidentWord) => incidentWord(k, locale);
  const { message } = App.useApp();
  const incident = useAsync((signal) => api.get("/api/v1/incidents/{id}", { path: { id }, signal }), [id]);
  const [busy, setBusy] = useState<ActionPath | null>(null);
  const [askFor, setAskFor] = useState<"progress" | "close" | null>(null);
  const [typed, setTyped] = useState("");

  const act = async (path: ActionPath, body: Record<string, unknown> = {}) => {
    setBusy(path);
    try {
      // Each action route takes its own small body; the server validates it and names a wrong field.
      await api.post(`/api/v1/incidents/{id}/${path}` as "/api/v1/incidents/{id}/notify-team", {
        path: { id },
        body: body as never,
      });
      message.success(w("done"));
      incident.reload(true);
    } catch (error) {
      message.error((error as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const d: Incident | undefined = incident.data;
  const open = d?.status === "open";
  const button = (path: ActionPath, label: IncidentWord, onClick?: () => void, danger = false) => (
    <Button
      key={path}
      disabled={!open}
      danger={danger}
      loading={busy === path}
      onClick={onClick ?? (() => act(path))}
    >
      {w(label)}
    </Button>
  );

  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Link to="/console/incidents">← {w("back")}</Link>
      {incident.error && <Alert type="error" showIcon title={incident.error.message} />}
      {d && (
        <Card
          title={`${d.id} · ${w(d.kind)}`}
          extra={<Tag color={open ? "processing" : "default"}>{w(d.status)}</Tag>}
          loading={incident.loading}
        >
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={w("key")}>{keyText(d.key, locale, d.keyNames)}</Descriptions.Item>
            <Descriptions.Item label={w("openedAt")}>{formatTime(d.openedAt, locale)}</Descriptions.Item>
            {d.progressDueAt && (
              <Descriptions.Item label={w("progressDue")}>
                {formatTime(d.progressDueAt, locale)}
              </Descriptions.Item>
            )}
            {d.findings && <Descriptions.Item label={w("findings")}>{d.findings}</Descriptions.Item>}
          </Descriptions>
          <Space wrap style={{ marginTop: 12 }}>
            {button("notify-team", "notifyTeam")}
            {d.kind === "batch" && button("sampling-task", "sampling")}
            {d.kind === "batch" && d.key.batchNo && button("suspend-batch", "suspendBatch", undefined, true)}
            {button("public-notice", "notice")}
            {button("extra-compensation", "compensate", () =>
              Modal.confirm({ title: w("confirmCompensate"), onOk: () => act("extra-compensation") }),
            )}
            {button("progress", "progress", () => setAskFor("progress"))}
            {button("close", "close", () => setAskFor("close"))}
          </Space>
        </Card>
      )}
      {d && (
        <Card title={`${w("linked")} (${d.tickets.length})`}>
          <Table
            rowKey="ticketNo"
            size="small"
            pagination={false}
            dataSource={d.tickets}
            columns={[
              {
                title: "#",
                dataIndex: "ticketNo",
                render: (no: string) => <Link to={`/console/tickets/${no}`}>{no}</Link>,
              },
              { title: w("status"), dataIndex: "status", render: (s: string) => statusLabel(s, locale) },
              { title: w("region"), dataIndex: "region" },
              {
                title: w("merchantId"),
                dataIndex: "merchantId",
                render: (id: string, t) => nameWithId(t.merchantName, id),
              },
              { title: "☎", dataIndex: "customerPhone" },
              {
                title: w("openedAt"),
                dataIndex: "createdAt",
                render: (at: string) => formatTime(at, locale),
              },
            ]}
          />
        </Card>
      )}
      {d && (
        <Card title={w("timeline")}>
          <Timeline
            items={d.timeline.map((e) => ({
              children: (
                <span>
                  {formatTime(e.at, locale)} · <b>{stepText(e.type, locale)}</b> · {e.actor}
                  {typeof e.data.findings === "string" && ` — ${e.data.findings}`}
                  {typeof e.data.text === "string" && ` — ${e.data.text}`}
                </span>
              ),
            }))}
          />
          {d.orderSystemCalls.length > 0 && (
            <Descriptions size="small" title={w("calls")} column={1}>
              {d.orderSystemCalls.map((c) => (
                <Descriptions.Item key={c.id} label={c.action}>
                  {c.status} · {c.attempts} {c.lastError ? `· ${c.lastError}` : ""}
                </Descriptions.Item>
              ))}
            </Descriptions>
          )}
        </Card>
      )}
      <Modal
        open={askFor !== null}
        title={askFor ? w(askFor === "close" ? "findingsText" : "progressText") : ""}
        okButtonProps={{ disabled: !typed.trim() }}
        onCancel={() => setAskFor(null)}
        onOk={async () => {
          const path = askFor!;
          setAskFor(null);
          await act(path, path === "close" ? { findings: typed.trim() } : { text: typed.trim() });
          setTyped("");
        }}
      >
        <Input.TextArea rows={4} value={typed} onChange={(e) => setTyped(e.target.value)} />
      </Modal>
    </Space>
  );
}
