import { App, Button, Card, Form, Input, Modal, Select, Space, Switch, Table } from "antd";
import { useState } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { type Suggestion, suggestionColumns } from "./columns.tsx";
import { merchantWord, wordKeys } from "./words.ts";

type Step = "assessment" | "forward" | "result";

// The choices are the codes the console has words for: one list to keep in step with the API.
const RATINGS = wordKeys("r_");
const DEPARTMENTS = wordKeys("d_");
const NEXT: Record<Suggestion["status"], Step | null> = {
  submitted: "assessment",
  assessed: "forward",
  forwarded: "result",
  reported: null,
};

/** The staff's suggestion board: each suggestion's next step (assess → forward → report) one click away. */
export function SuggestionBoard() {
  const { locale } = useLocale();
  const w = (k: string) => merchantWord(k, locale);
  const { message } = App.useApp();
  const col = suggestionColumns(locale);
  const list = useAsync((signal) => api.get("/api/v1/suggestions", { signal }), []);
  const [open, setOpen] = useState<{ s: Suggestion; step: Step } | null>(null);
  const [form] = Form.useForm();

  const submit = async (values: Record<string, unknown>) => {
    if (!open) return;
    try {
      const path = { id: open.s.id };
      if (open.step === "assessment")
        await api.post("/api/v1/suggestions/{id}/assessment", { path, body: values as never });
      else if (open.step === "forward")
        await api.post("/api/v1/suggestions/{id}/forward", { path, body: values as never });
      else
        await api.post("/api/v1/suggestions/{id}/result", {
          path,
          body: { result: String(values.result), adopted: !!values.adopted },
        });
      setOpen(null);
      form.resetFields();
      list.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    }
  };
  const options = (keys: readonly string[], prefix: string) =>
    keys.map((k) => ({ value: k, label: w(`${prefix}${k}`) }));
  const stepWord = { assessment: "assess", forward: "forward", result: "report" } as const;

  return (
    <Card title={w("boardMenu")} size="small">
      <Table<Suggestion>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (s) => <p style={{ whiteSpace: "pre-wrap" }}>{s.details}</p> }}
        columns={[
          { title: w("merchant"), dataIndex: "merchantId" },
          col.topic,
          col.category,
          col.status,
          {
            title: `${w("feasibility")} / ${w("value")}`,
            render: (_, s) =>
              s.assessment ? `${w(`r_${s.assessment.feasibility}`)} / ${w(`r_${s.assessment.value}`)}` : "—",
          },
          col.filedAt,
          {
            title: "",
            render: (_, s) => {
              const step = NEXT[s.status];
              return step ? (
                <Button size="small" onClick={() => setOpen({ s, step })}>
                  {w(stepWord[step])}
                </Button>
              ) : null;
            },
          },
        ]}
      />
      <Modal
        open={!!open}
        title={open ? `${w(stepWord[open.step])} · ${open.s.topic}` : ""}
        onCancel={() => setOpen(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
          {open?.step === "assessment" && (
            <Space direction="vertical" style={{ width: "100%" }}>
              <Form.Item name="feasibility" label={w("feasibility")} rules={[{ required: true }]}>
                <Select options={options(RATINGS, "r_")} />
              </Form.Item>
              <Form.Item name="value" label={w("value")} rules={[{ required: true }]}>
                <Select options={options(RATINGS, "r_")} />
              </Form.Item>
              <Form.Item name="note" label={w("note")} rules={[{ required: true }]}>
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
            </Space>
          )}
          {open?.step === "forward" && (
            <Form.Item name="department" label={w("department")} rules={[{ required: true }]}>
              <Select options={options(DEPARTMENTS, "d_")} />
            </Form.Item>
          )}
          {open?.step === "result" && (
            <>
              <Form.Item name="result" label={w("result")} rules={[{ required: true }]}>
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
              <Form.Item name="adopted" label={w("adopted")} valuePropName="checked">
                <Switch />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
