import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { useLocale } from "../../i18n/locale.tsx";
import { nameWithId } from "../../shared/format.ts";
import { useCategoryNames, useLineNames } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { useSession } from "../session.ts";
import { ReportFilters } from "./ReportFilters.tsx";
import { reportsFetch, thisMonth } from "./reportsFetch.ts";
import { type ReportWord, reportWord } from "./words.ts";

interface Sample {
  id: string;
  ticketNo: string;
  agent: string;
  agentName: string | null;
  businessLine: string;
  category: string;
  score: number | null;
  comment: string | null;
  scoredBy: string | null;
}
const POINTS = ["greeting", "accuracy", "remedy", "tone"] as const;

/** QA sampling: draw a month's samples per agent, then score each on the checklist. */
export function QaPage() {
  const { locale } = useLocale();
  const w = (k: ReportWord) => reportWord(k, locale);
  const session = useSession();
  const lines = useLineNames(locale);
  const categoryName = useCategoryNames(locale);
  const [month, setMonth] = useState(thisMonth());
  const [perAgent, setPerAgent] = useState(5);
  const [scored, setScored] = useState<"all" | "true" | "false">("false");
  const [reload, setReload] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Sample | null>(null);
  const [form] = Form.useForm();
  const samples = useAsync(
    (signal) =>
      reportsFetch<{ items: Sample[] }>(
        session,
        `/api/v1/reports/qa/samples?month=${month}${scored === "all" ? "" : `&scored=${scored}`}`,
        { signal, locale },
      ),
    [month, scored, reload],
  );
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      setReload((n) => n + 1);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  const draw = () =>
    act(() =>
      reportsFetch(session, "/api/v1/reports/qa/samples", {
        method: "POST",
        body: { month, perAgent },
        locale,
      }),
    );
  const save = async () => {
    // A field left empty: the form says which, next to it; nothing to send.
    const values = await form.validateFields().catch(() => null);
    if (
      values &&
      open &&
      (await act(() =>
        reportsFetch(session, `/api/v1/reports/qa/samples/${open.id}/score`, {
          method: "POST",
          body: values,
          locale,
        }),
      ))
    )
      setOpen(null);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <ReportFilters title={w("qa")} month={month} onMonth={setMonth}>
        <span>{w("perAgent")}</span>
        <InputNumber
          aria-label={w("perAgent")}
          min={1}
          max={50}
          value={perAgent}
          onChange={(v) => setPerAgent(v ?? 5)}
        />
        <Button type="primary" onClick={draw}>
          {w("draw")}
        </Button>
        <Select
          aria-label={w("reviewStatus")}
          value={scored}
          onChange={setScored}
          style={{ width: 120 }}
          options={[
            { value: "false", label: w("waiting") },
            { value: "true", label: w("scored") },
            { value: "all", label: "—" },
          ]}
        />
      </ReportFilters>
      {(error ?? samples.error) && <Alert type="error" title={error ?? samples.error?.message} />}
      <Card>
        <Table
          rowKey="id"
          loading={samples.loading}
          dataSource={samples.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          columns={[
            { title: w("agent"), render: (_, s) => nameWithId(s.agentName, s.agent) },
            {
              title: w("ticket"),
              render: (_, s) => <a href={`/console/tickets/${s.ticketNo}`}>{s.ticketNo}</a>,
            },
            { title: w("line"), render: (_, s) => lines.name(s.businessLine) },
            { title: w("category"), render: (_, s) => categoryName(s.businessLine, s.category) },
            {
              title: w("score"),
              render: (_, s) =>
                s.score === null ? (
                  <Tag>{w("waiting")}</Tag>
                ) : (
                  <Tag color={s.score >= 80 ? "green" : "orange"}>{s.score}</Tag>
                ),
            },
            {
              title: "",
              render: (_, s) => (
                <Button
                  size="small"
                  onClick={() => {
                    form.resetFields();
                    setOpen(s);
                  }}
                >
                  {w("score")}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={open !== null}
        title={`${w("score")} ${open?.ticketNo ?? ""}`}
        onOk={save}
        onCancel={() => setOpen(null)}
        okText={w("save")}
      >
        <Form form={form} layout="vertical">
          {POINTS.map((p) => (
            <Form.Item key={p} name={p} label={`${w(p)}（0–100）`} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} style={{ width: "100%" }} />
            </Form.Item>
          ))}
          <Form.Item name="comment" label={w("comment")}>
            <Input.TextArea maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
