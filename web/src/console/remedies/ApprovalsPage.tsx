import { App, Button, Card, Input, Modal, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { severityLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen, formatTime } from "../../shared/format.ts";
import { useStaffLive } from "../../shared/live.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { RemedyItems } from "./RemedyItems.tsx";
import { useWords } from "./words.ts";

type Pending = Answer<"get", "/api/v1/remedies">["items"][number];

/**
 * The supervisors' inbox: decisions above an agent's limits, oldest first, each with why it needs a
 * supervisor. Approving starts the execution orders and the payments; rejecting needs a reason, which
 * the agent sees on the ticket.
 */
export function ApprovalsPage() {
  const w = useWords();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [rejecting, setRejecting] = useState<Pending | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const inbox = useAsync(
    (signal) => api.get("/api/v1/remedies", { query: { status: "pending_approval", limit: 100 }, signal }),
    [],
  );
  useStaffLive(() => inbox.reload(true));

  async function act(r: Pending, how: "approve" | "reject") {
    setBusy(r.id);
    try {
      if (how === "approve")
        await api.post("/api/v1/remedies/{remedyId}/approve", { path: { remedyId: r.id }, body: {} });
      else
        await api.post("/api/v1/remedies/{remedyId}/reject", {
          path: { remedyId: r.id },
          body: { reason: reason.trim() },
        });
      message.success(how === "approve" ? w("approvedMsg") : w("rejectedMsg"));
      setRejecting(null);
      setReason("");
      inbox.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card title={w("approvalsTitle")} data-testid="approvals-page">
      <Table<Pending>
        rowKey="id"
        size="small"
        loading={inbox.loading}
        dataSource={inbox.data?.items ?? []}
        locale={{ emptyText: w("approvalsEmpty") }}
        pagination={false}
        columns={[
          {
            key: "ticket",
            title: w("ticket"),
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Link to={`/console/tickets/${r.ticketNo}`}>{r.ticketNo}</Link>
                <span>
                  <Tag>{r.ticket.category}</Tag>
                  {r.ticket.subType && <Tag>{r.ticket.subType}</Tag>}
                  <Tag color={r.ticket.severity === "serious" ? "red" : undefined}>
                    {severityLabel(r.ticket.severity, locale)}
                  </Tag>
                </span>
              </Space>
            ),
          },
          {
            key: "items",
            title: w("items"),
            render: (_, r) => (
              <Space direction="vertical" size={2}>
                <RemedyItems items={r.items} />
                <strong>{formatFen(r.moneyFen)}</strong>
              </Space>
            ),
          },
          {
            key: "why",
            title: w("whyApproval"),
            render: (_, r) => (
              <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                {r.approvalReasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
                {r.note && <li>{r.note}</li>}
              </ul>
            ),
          },
          {
            key: "by",
            title: w("decidedBy"),
            render: (_, r) => `${r.decidedBy} · ${formatTime(r.decidedAt, locale)}`,
          },
          {
            key: "act",
            title: "",
            render: (_, r) => (
              <Space>
                <Button
                  type="primary"
                  size="small"
                  loading={busy === r.id}
                  onClick={() => act(r, "approve")}
                  data-testid={`approve-${r.id}`}
                >
                  {w("approve")}
                </Button>
                <Button danger size="small" onClick={() => setRejecting(r)} data-testid={`reject-${r.id}`}>
                  {w("reject")}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!rejecting}
        title={`${w("reject")} ${rejecting?.ticketNo ?? ""}`}
        okText={w("reject")}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: !!busy }}
        onOk={() => rejecting && act(rejecting, "reject")}
        onCancel={() => setRejecting(null)}
      >
        <Input.TextArea
          rows={3}
          value={reason}
          placeholder={w("rejectReason")}
          aria-label={w("rejectReason")}
          status={reason.trim() ? undefined : "warning"}
          onChange={(e) => setReason(e.target.value)}
        />
        {!reason.trim() && <div style={{ color: "#faad14", marginTop: 4 }}>{w("reasonRequired")}</div>}
      </Modal>
    </Card>
  );
}
