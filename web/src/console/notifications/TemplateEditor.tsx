import { Alert, App, Button, Form, Input, Segmented, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { usePackList } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { channelWord, kindWord, word } from "./words.ts";

type Template = Answer<"get", "/api/v1/notification-templates">["items"][number];
type Key = { businessLine: "*" | Template["businessLine"]; channel: string; locale: "zh-CN" | "en" };

/** The templates in force for a line, channel and language; an edit is checked by the server, field by field. */
export function TemplateEditor() {
  const { locale } = useLocale();
  const lines = usePackList();
  const [key, setKey] = useState<Key>({ businessLine: "*", channel: "*", locale: "zh-CN" });
  const [editing, setEditing] = useState<Template | null>(null);
  const list = useAsync(
    (signal) => api.get("/api/v1/notification-templates", { query: key as never, signal }),
    [key.businessLine, key.channel, key.locale],
  );
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space wrap>
        <Select
          style={{ minWidth: 160 }}
          value={key.businessLine}
          onChange={(businessLine) => setKey({ ...key, businessLine })}
          options={[
            { value: "*", label: word("allLines", locale) },
            ...(lines.data?.items ?? []).map((l) => ({ value: l.businessLine, label: l.labels[locale] })),
          ]}
        />
        <Segmented
          value={key.channel}
          onChange={(channel) => setKey({ ...key, channel })}
          options={["*", "in_app", "email", "sms", "wechat"].map((c) => ({
            value: c,
            label: channelWord(c, locale),
          }))}
        />
        <Segmented
          value={key.locale}
          onChange={(l) => setKey({ ...key, locale: l as Key["locale"] })}
          options={["zh-CN", "en"]}
        />
      </Space>
      <Table<Template>
        size="small"
        rowKey="kind"
        loading={list.loading}
        pagination={false}
        dataSource={list.data?.items ?? []}
        columns={[
          { title: word("kind", locale), render: (_, t) => kindWord(t.kind, locale), width: 120 },
          { title: word("body", locale), dataIndex: "body", ellipsis: true },
          {
            title: "",
            width: 90,
            render: (_, t) => (
              <Tag color={t.source === "custom" ? "blue" : undefined}>{word(t.source, locale)}</Tag>
            ),
          },
          {
            title: "",
            width: 80,
            render: (_, t) => (
              <Button size="small" onClick={() => setEditing(t)}>
                ✎
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <EditForm
          key={`${editing.kind}-${key.businessLine}-${key.channel}-${key.locale}`}
          template={editing}
          onSaved={() => {
            setEditing(null);
            list.reload(true);
          }}
        />
      )}
    </Space>
  );
}

function EditForm({ template, onSaved }: { template: Template; onSaved(): void }) {
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ subject: string; body: string }>();
  const [error, setError] = useState<string>();
  const save = async (v: { subject: string; body: string }) => {
    setError(undefined);
    try {
      await api.put("/api/v1/notification-templates/{businessLine}/{channel}/{locale}/{kind}", {
        path: {
          businessLine: template.businessLine as never,
          channel: template.channel as never,
          locale: template.locale as never,
          kind: template.kind as never,
        },
        body: { subject: v.subject || null, body: v.body },
      });
      message.success(word("saved", locale));
      onSaved();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e.message);
      form.setFields(
        (["subject", "body"] as const).map((name) => ({
          name,
          errors: e.field(name) ? [e.field(name)!] : [],
        })),
      );
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={{ subject: template.subject ?? "", body: template.body }}
      onFinish={save}
      data-testid="template-form"
    >
      <h3>{kindWord(template.kind, locale)}</h3>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="subject" label={word("subject", locale)}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="body" label={word("body", locale)}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} />
      </Form.Item>
      <p className="h5-time">
        {word("variables", locale)}: {template.variables.map((v) => `{{${v}}}`).join(" ")}
      </p>
      <Button type="primary" htmlType="submit">
        {word("save", locale)}
      </Button>
    </Form>
  );
}
