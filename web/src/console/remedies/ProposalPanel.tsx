import { Alert, App, Button, Card, Divider, List, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen, formatTime } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { AdjustForm } from "./AdjustForm.tsx";
import { type RemedyItem, RemedyItems } from "./RemedyItems.tsx";
import { useWords, wordOf } from "./words.ts";

export type Proposal = Answer<"get", "/api/v1/tickets/{ticketNo}/remedy-proposal">;
type Remedy = Answer<"get", "/api/v1/tickets/{ticketNo}/remedies">["items"][number];

const STATUS_COLOUR: Record<string, string> = {
  pending_approval: "orange",
  approved: "green",
  rejected: "red",
  superseded: "default",
};

/**
 * The remedy of the ticket in the workspace: what the pack proposes and why, the statutory options with
 * their legal basis, and the agent's decision — accepted as proposed or adjusted — with a plain warning
 * when it goes above the agent's limits and will wait for a supervisor.
 */
export function ProposalPanel({
  ticketNo,
  canDecide,
  version,
  onDecided,
}: {
  ticketNo: string;
  canDecide: boolean;
  /** Changes when the ticket changed elsewhere: the proposal is read again. */
  version: number;
  onDecided(): void;
}) {
  const w = useWords();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<RemedyItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const proposal = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}/remedy-proposal", { path: { ticketNo }, signal }),
    [ticketNo, version],
  );
  const remedies = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}/remedies", { path: { ticketNo }, signal }),
    [ticketNo, version],
  );
  const p = proposal.data;
  const current = remedies.data?.items.filter((r) => r.status !== "superseded").at(-1);

  async function decide(body: { items?: RemedyItem[]; note?: string }) {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post("/api/v1/tickets/{ticketNo}/remedies", {
        path: { ticketNo },
        body: body as never,
      });
      message.success(`${w("decided")}: ${wordOf(w, r.status)}`);
      setEditing(null);
      proposal.reload(true);
      remedies.reload(true);
      onDecided();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={w("proposal")} size="small" style={{ marginBottom: 16 }} data-testid="proposal-panel">
      {current && <CurrentRemedy remedy={current} />}
      {proposal.error && <Typography.Text type="secondary">{proposal.error.message}</Typography.Text>}
      {p && (
        <>
          <Typography.Text strong>{w("proposalOfPack")}</Typography.Text>
          <div style={{ margin: "6px 0" }}>
            <RemedyItems items={p.items} testId="proposal-items" />
          </div>
          <Reasons reasons={p.reasons} testId="proposal-reasons" />
          {p.approval.required ? (
            <div data-testid="needs-approval">
              <Alert
                type="warning"
                showIcon
                title={w("needsApproval")}
                description={p.approval.reasons.join("；")}
                style={{ margin: "8px 0" }}
              />
            </div>
          ) : null}
          <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
            {w("limits", { amount: formatFen(p.limits.amountFen), multiple: p.limits.compensationMultiple })}
            {" · "}
            {w("refundable", { amount: formatFen(p.refundableFen), cap: formatFen(p.compensationCapFen) })}
          </Typography.Paragraph>
          <Options
            title={w("statutory")}
            testId="statutory-options"
            options={p.statutory}
            onUse={canDecide ? setEditing : undefined}
          />
          <Options
            title={w("alternatives")}
            options={p.alternatives}
            onUse={canDecide ? setEditing : undefined}
          />
          {error && (
            <Alert
              type="error"
              showIcon
              title={error.message}
              description={error.details.map((d) => d.message).join("；") || undefined}
              style={{ margin: "8px 0" }}
            />
          )}
          {canDecide && !editing && current?.status !== "approved" && (
            <Space style={{ marginTop: 8 }}>
              <Button type="primary" loading={busy} onClick={() => decide({})} data-testid="accept-proposal">
                {w("accept")}
              </Button>
              <Button onClick={() => setEditing(p.items)} data-testid="adjust-proposal">
                {w("adjust")}
              </Button>
            </Space>
          )}
          {editing && (
            <AdjustForm
              key={JSON.stringify(editing)}
              initial={editing}
              proposal={p}
              busy={busy}
              onCancel={() => setEditing(null)}
              onSubmit={(items, note) => decide({ items, ...(note ? { note } : {}) })}
            />
          )}
        </>
      )}
      {current?.decidedAt && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {current.decidedBy} · {formatTime(current.decidedAt, locale)}
        </Typography.Text>
      )}
    </Card>
  );
}

/** Other options beside the pack's: each with its items, reasons and, for the law's, its legal basis. */
function Options({
  title,
  testId,
  options,
  onUse,
}: {
  title: string;
  testId?: string;
  options: readonly { items: RemedyItem[]; reasons: string[]; law?: string }[];
  onUse?: (items: RemedyItem[]) => void;
}) {
  const w = useWords();
  if (!options.length) return null;
  return (
    <div data-testid={testId}>
      <Divider size="small" titlePlacement="start">
        {title}
      </Divider>
      <List
        size="small"
        dataSource={[...options]}
        renderItem={(o) => (
          <List.Item
            actions={
              onUse
                ? [
                    <Button key="use" size="small" onClick={() => onUse(o.items)}>
                      {w("useThis")}
                    </Button>,
                  ]
                : []
            }
          >
            <div>
              {o.law && (
                <Tag color="purple">
                  {w("legalBasis")}：{o.law}
                </Tag>
              )}
              <RemedyItems items={o.items} />
              <Reasons reasons={o.reasons} />
            </div>
          </List.Item>
        )}
      />
    </div>
  );
}

function Reasons({ reasons, testId }: { reasons: readonly string[]; testId?: string }) {
  return (
    <ul style={{ margin: "4px 0", paddingInlineStart: 18 }} data-testid={testId}>
      {reasons.map((r) => (
        <li key={r}>{r}</li>
      ))}
    </ul>
  );
}

function CurrentRemedy({ remedy }: { remedy: Remedy }) {
  const w = useWords();
  return (
    <Alert
      type={remedy.status === "approved" ? "success" : remedy.status === "rejected" ? "error" : "info"}
      style={{ marginBottom: 8 }}
      data-testid="current-remedy"
      title={
        <Space wrap>
          {w("remedyStatus")}
          <Tag color={STATUS_COLOUR[remedy.status]} data-testid="current-remedy-status">
            {wordOf(w, remedy.status)}
          </Tag>
          <RemedyItems items={remedy.items} />
        </Space>
      }
      description={
        remedy.rejectReason ??
        (remedy.status === "pending_approval" ? remedy.approvalReasons.join("；") : undefined)
      }
    />
  );
}
