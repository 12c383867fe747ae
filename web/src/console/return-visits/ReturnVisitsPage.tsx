import { App, Button, Card, Form, Input, Modal, Radio, Segmented, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { type Answer, ApiError, api, type RequestBody } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import type { MessageKey } from "../../i18n/zh-CN.ts";
import { formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";

/**
 * The agents' return visits (回访): the customers to call back after resolution, and the outcome of each
 * call. "Problem came back" needs the customer's words and reopens the ticket to the supervisors.
 */
type Visit = Answer<"get", "/api/v1/return-visits">["items"][number];
type Status = "due" | "done" | "cancelled";
type OutcomeBody = RequestBody<"post", "/api/v1/return-visits/{id}/outcome">;

const REASON_COLOURS: Record<string, string> = { complex: "red", repeat_customer: "orange", sampled: "blue" };

export function ReturnVisitsPage() {
  const { locale, t } = useLocale();
  const { message } = App.useApp();
  const [status, setStatus] = useState<Status>("due");
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const [recording, setRecording] = useState<Visit>();
  const visits = useAsync(
    (signal) =>
      api.get("/api/v1/return-visits", {
        query: { status, limit: page.pageSize, offset: (page.current - 1) * page.pageSize },
        signal,
      }),
    [status, page.current, page.pageSize],
  );
  const word = (key: string) => t(key as MessageKey);

  return (
    <Card title={t("rvTitle")} extra={<Typography.Text type="secondary">{t("rvHint")}</Typography.Text>}>
      <Segmented<Status>
        value={status}
        onChange={(s) => {
          setStatus(s);
          setPage((p) => ({ ...p, current: 1 }));
        }}
        options={(["due", "done", "cancelled"] as const).map((s) => ({
          value: s,
          label: word(`rvStatus_${s}`),
        }))}
        style={{ marginBottom: 12 }}
      />
      <Table<Visit>
        rowKey="id"
        size="middle"
        loading={visits.loading}
        dataSource={visits.data?.items ?? []}
        locale={visits.error ? { emptyText: visits.error.message } : undefined}
        pagination={{
          ...page,
          total: visits.data?.total ?? 0,
          showTotal: (total) => t("totalItems", { total }),
          onChange: (current, pageSize) => setPage({ current, pageSize }),
        }}
        columns={[
          {
            title: t("ticketNo"),
            dataIndex: "ticketNo",
            render: (no: string, v) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/console/tickets/${no}`}>{no}</Link>
                {v.secondRounds > 0 && (
                  <Tag color="volcano">{t("rvSecondRounds", { n: v.secondRounds })}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t("rvReason"),
            dataIndex: "reason",
            render: (r: string) => <Tag color={REASON_COLOURS[r]}>{word(`rvReason_${r}`)}</Tag>,
          },
          {
            title: t("rvCustomer"),
            render: (_, v) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text copyable>{v.customerPhone}</Typography.Text>
                {v.customerName && <Typography.Text type="secondary">{v.customerName}</Typography.Text>}
              </Space>
            ),
          },
          { title: t("rvDueAt"), dataIndex: "dueAt", render: (at: string) => formatTime(at, locale) },
          { title: t("rvDeadline"), dataIndex: "deadlineAt", render: (at: string) => formatTime(at, locale) },
          status === "due"
            ? {
                title: t("rvOutcome"),
                render: (_, v) => (
                  <Button type="primary" size="small" onClick={() => setRecording(v)}>
                    {t("rvRecord")}
                  </Button>
                ),
              }
            : {
                title: t("rvOutcome"),
                render: (_, v) =>
                  v.outcome ? (
                    <Space orientation="vertical" size={0}>
                      <span>{word(`rvOutcome_${v.outcome}`)}</span>
                      {v.note && <Typography.Text type="secondary">{v.note}</Typography.Text>}
                    </Space>
                  ) : (
                    "—"
                  ),
              },
        ]}
      />
      {recording && (
        <OutcomeDialog
          visit={recording}
          onClose={() => setRecording(undefined)}
          onDone={(reopened) => {
            setRecording(undefined);
            message.success(reopened ? t("rvReopened") : t("rvRecorded"));
            visits.reload(true);
          }}
        />
      )}
    </Card>
  );
}

function OutcomeDialog({
  visit,
  onClose,
  onDone,
}: {
  visit: Visit;
  onClose(): void;
  onDone(reopened: boolean): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<OutcomeBody>();
  const [sending, setSending] = useState(false);
  const outcome = Form.useWatch("outcome", form);

  const send = async (body: OutcomeBody) => {
    setSending(true);
    try {
      const r = await api.post("/api/v1/return-visits/{id}/outcome", {
        path: { id: visit.id },
        body: { outcome: body.outcome, ...(body.note?.trim() ? { note: body.note.trim() } : {}) },
      });
      onDone(r.ticketStatus === "reopened");
    } catch (e) {
      if (e instanceof ApiError && e.details.length)
        form.setFields(e.details.map((d) => ({ name: d.field as "note", errors: [d.message ?? e.message] })));
      else form.setFields([{ name: "outcome", errors: [e instanceof Error ? e.message : String(e)] }]);
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal
      open
      title={`${t("rvRecord")} · ${visit.ticketNo}`}
      okText={t("rvRecord")}
      cancelText={t("cancel")}
      confirmLoading={sending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} onFinish={send}>
        <Form.Item
          name="outcome"
          label={t("rvOutcome")}
          rules={[{ required: true, message: t("surveyRequired") }]}
        >
          <Radio.Group optionType="button">
            {(["satisfied", "problem_returned", "unreachable"] as const).map((o) => (
              <Radio.Button key={o} value={o}>
                {t(`rvOutcome_${o}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="note"
          label={t("rvNote")}
          rules={[{ required: outcome === "problem_returned", message: t("rvNotePlaceholder") }]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t("rvNotePlaceholder")} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
