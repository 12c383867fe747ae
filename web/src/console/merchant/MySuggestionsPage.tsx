import { Button, Card, Form, Input, Table } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { useFiling } from "../../shared/useFiling.ts";
import { type Suggestion, suggestionColumns } from "./columns.tsx";
import { merchantWord } from "./words.ts";

/** 我的建议: a merchant files suggestions and follows each one to the result the platform reports. */
export function MySuggestionsPage() {
  const { locale } = useLocale();
  const w = (k: string) => merchantWord(k, locale);
  const col = suggestionColumns(locale);
  const list = useAsync((signal) => api.get("/api/v1/merchant/suggestions", { signal }), []);
  const { form, file } = useFiling(
    (values: { topic: string; details: string }) =>
      api.post("/api/v1/merchant/suggestions", { body: values }),
    w("filed"),
    list,
  );

  return (
    <div>
      <Card title={w("fileTitle")} size="small" style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={file} style={{ maxWidth: 640 }}>
          <Form.Item name="topic" label={w("topic")} rules={[{ required: true, min: 2, max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="details" label={w("details")} rules={[{ required: true, min: 5, max: 4000 }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={4000} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {w("submit")}
          </Button>
        </Form>
      </Card>
      <Card title={w("suggestionsMenu")} size="small">
        <Table<Suggestion>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          data-testid="my-suggestions"
          columns={[
            col.topic,
            col.category,
            col.status,
            {
              title: w("department"),
              dataIndex: "department",
              render: (d: string | null) => (d ? w(`d_${d}`) : "—"),
            },
            {
              title: w("result"),
              dataIndex: "result",
              render: (r: Suggestion["result"]) =>
                r ? `${r.adopted ? w("adopted") : w("notAdopted")}：${r.text}` : "—",
            },
            col.filedAt,
          ]}
        />
      </Card>
    </div>
  );
}
