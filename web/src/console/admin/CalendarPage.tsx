import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { type SlaText, slaText } from "../sla/messages.ts";
import { ActionModal } from "../workspace/ActionModal.tsx";
import { YearGrid } from "./YearGrid.tsx";

type CalendarAnswer = Answer<"get", "/api/v1/calendar">;
type Day = CalendarAnswer["days"][number];
type DayForm = { date: string; kind: "holiday" | "workday"; name: string; reason: string };

/**
 * The business calendar for admins: the year's public holidays and adjusted working days (调休) with
 * the notice they come from, each pack's service hours, and editing a day with a reason. The server
 * moves the running deadlines a change reaches and records who changed what.
 */
export function CalendarPage() {
  const { locale, t } = useLocale();
  const s = slaText(locale);
  const { message } = App.useApp();
  const [year, setYear] = useState<number>();
  const calendar = useAsync((signal) => api.get("/api/v1/calendar", { query: { year }, signal }), [year]);
  const [editing, setEditing] = useState<Partial<DayForm> | null>(null);
  const [removing, setRemoving] = useState<Day | null>(null);
  const data = calendar.data;
  const shown = data?.year ?? year;
  const years = [
    ...new Set([...(data?.years.map((y) => y.year) ?? []), ...(shown ? [shown - 1, shown, shown + 1] : [])]),
  ].sort();

  const edit = (date: string) => {
    const day = data?.days.find((d) => d.date === date);
    setEditing(day ? { date, kind: day.kind, name: day.name } : { date, kind: "holiday" });
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        title={s("calendar")}
        extra={
          <Space>
            <Select<number>
              aria-label={s("year")}
              style={{ width: 110 }}
              value={shown}
              onChange={setYear}
              options={years.map((y) => ({ value: y, label: String(y) }))}
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ kind: "holiday" })}>
              {s("addDay")}
            </Button>
          </Space>
        }
      >
        {calendar.error && (
          <Alert type="error" showIcon title={calendar.error.message} style={{ marginBottom: 12 }} />
        )}
        {data && (
          <>
            <p data-testid="calendar-summary">
              {s("summary", {
                workdays: data.summary.workdays,
                restDays: data.summary.restDays,
                holidays: data.summary.holidays,
                adjusted: data.summary.adjustedWorkdays,
              })}
              {data.years.find((y) => y.year === data.year) && (
                <span style={{ color: "#8c8c8c" }}>
                  {" "}
                  · {s("source")}：{data.years.find((y) => y.year === data.year)!.source}
                </span>
              )}
            </p>
            <YearGrid year={data.year} days={data.days} s={s} onPick={edit} />
          </>
        )}
      </Card>
      <Card title={s("daysOfYear")} data-testid="calendar-days">
        <Table<Day>
          rowKey="date"
          size="small"
          loading={calendar.loading}
          dataSource={data?.days ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            { title: s("date"), dataIndex: "date", width: 120 },
            {
              title: s("kind"),
              dataIndex: "kind",
              width: 130,
              render: (k: "holiday" | "workday") => (
                <Tag color={k === "holiday" ? "red" : "blue"}>{s(k)}</Tag>
              ),
            },
            { title: s("dayName"), dataIndex: "name", width: 160 },
            {
              title: s("source"),
              dataIndex: "source",
              render: (v: string) => (v === "admin" ? s("sourceAdmin") : v),
            },
            { title: s("changeReason"), dataIndex: "reason", render: (v: string | null) => v ?? "—" },
            {
              title: s("updatedBy"),
              key: "by",
              width: 170,
              render: (_, d) => (d.updatedBy ? `${d.updatedBy} · ${formatTime(d.updatedAt, locale)}` : "—"),
            },
            {
              title: "",
              key: "actions",
              width: 130,
              render: (_, d) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => edit(d.date)}>
                    {s("editAction")}
                  </Button>
                  <Button type="link" size="small" danger onClick={() => setRemoving(d)}>
                    {s("removeDay")}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={s("serviceHours")} size="small">
        <Table
          rowKey="businessLine"
          size="small"
          pagination={false}
          dataSource={data?.serviceHours ?? []}
          columns={[
            { title: t("businessLine"), dataIndex: "businessLine" },
            {
              title: s("workdayHours"),
              key: "w",
              render: (_, h) => `${h.workdays.open}–${h.workdays.close}`,
            },
            {
              title: s("holidayHours"),
              key: "h",
              render: (_, h) => `${h.holidays.open}–${h.holidays.close}`,
            },
          ]}
        />
      </Card>
      <Card title={s("changes")} size="small" data-testid="calendar-changes">
        <Table
          rowKey={(c) => `${c.changedAt}-${c.date}-${c.action}`}
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={data?.changes ?? []}
          columns={[
            { title: s("date"), dataIndex: "date", width: 120 },
            {
              title: s("kind"),
              key: "what",
              render: (_, c) =>
                `${s(`action_${c.action}`)}${c.kind ? ` · ${s(c.kind as "holiday" | "workday")}` : ""}${c.name ? ` · ${c.name}` : ""}`,
            },
            { title: s("changeReason"), dataIndex: "reason" },
            {
              title: s("updatedBy"),
              key: "by",
              render: (_, c) => `${c.changedBy} · ${formatTime(c.changedAt, locale, true)}`,
            },
          ]}
        />
      </Card>
      {editing && (
        <ActionModal<DayForm>
          title={editing.date ? s("editDay", { date: editing.date }) : s("addDay")}
          open
          fields={["date", "kind", "name", "reason"]}
          initialValues={editing}
          onClose={() => setEditing(null)}
          onSubmit={async (v) => {
            const r = await api.put("/api/v1/calendar/days/{date}", {
              path: { date: v.date },
              body: { kind: v.kind, name: v.name, reason: v.reason },
            });
            const changedYear = Number(v.date.slice(0, 4));
            if (changedYear !== shown) setYear(changedYear);
            else calendar.reload(true);
            message.success(s("saved", { n: r.movedClocks }));
          }}
        >
          {() => (
            <>
              <Form.Item
                name="date"
                label={s("date")}
                rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}
              >
                <Input type="date" aria-label={s("date")} />
              </Form.Item>
              <Form.Item name="kind" label={s("kind")} rules={[{ required: true }]}>
                <Radio.Group
                  options={[
                    { value: "holiday", label: s("holiday") },
                    { value: "workday", label: s("workday") },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="name"
                label={s("dayName")}
                rules={[{ required: true, whitespace: true, max: 50 }]}
              >
                <Input aria-label={s("dayName")} maxLength={50} />
              </Form.Item>
              <ReasonField s={s} />
            </>
          )}
        </ActionModal>
      )}
      {removing && (
        <ActionModal<{ reason: string }>
          title={s("removeTitle", { date: removing.date })}
          open
          okText={s("removeDay")}
          fields={["reason"]}
          onClose={() => setRemoving(null)}
          onSubmit={async (v) => {
            const r = await api.delete("/api/v1/calendar/days/{date}", {
              path: { date: removing.date },
              query: { reason: v.reason },
            });
            calendar.reload(true);
            message.success(s("removed", { n: r.movedClocks }));
          }}
        >
          {() => <ReasonField s={s} />}
        </ActionModal>
      )}
    </Space>
  );
}

/** Every calendar change says why: the server keeps the reason with who changed what. */
function ReasonField({ s }: { s: SlaText }) {
  return (
    <Form.Item
      name="reason"
      label={s("changeReason")}
      rules={[{ required: true, whitespace: true, max: 200 }]}
    >
      <Input.TextArea aria-label={s("changeReason")} maxLength={200} rows={2} />
    </Form.Item>
  );
}
