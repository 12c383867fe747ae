import { Alert, Button, Form, Input, Radio, Select, Space, Tag } from "antd";
import { useState } from "react";
import { type Answer, ApiError } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useLineNames } from "../../shared/packs.ts";
import { KINDS, type Kind, useKbWords } from "./words.ts";

export type Entry = Answer<"get", "/api/v1/knowledge/entries/{id}">;

export interface EntryValues {
  id?: string;
  kind: Kind;
  businessLines: string[];
  title: string;
  body: string;
  intent?: string;
  variants?: string;
  tags: string[];
  status: "published" | "archived";
  note?: string;
}

/** What the API's body looks like for these values; `data` keeps the kind's other fields as they were. */
export function entryBody(v: EntryValues, data: Record<string, unknown> = {}) {
  const variants = (v.variants ?? "")
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    businessLines: v.businessLines,
    title: v.title,
    body: v.body,
    tags: v.tags,
    status: v.status,
    note: v.note?.trim() || undefined,
    data: v.kind === "faq" ? { ...data, intent: v.intent?.trim() ?? "", variants } : data,
  };
}

const VARIABLE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;
/** The same rule the server uses to list a template's variables, to show them while typing. */
const variablesOf = (body: string) => [...new Set([...body.matchAll(VARIABLE)].map((m) => m[1]!))];

/** The API names nested fields `data.intent`; the form keeps them flat. */
const formField = (field: string) => (field.startsWith("data.") ? field.slice(5) : field);

/**
 * Creating or editing an entry. Only the server judges what is valid: its messages land next to the
 * field they name (the form has no rules of its own to drift from the API's).
 */
export function EntryForm({
  initial,
  isNew,
  onSubmit,
  onCancel,
}: {
  initial: EntryValues;
  isNew: boolean;
  onSubmit(values: EntryValues): Promise<void>;
  onCancel(): void;
}) {
  const { locale } = useLocale();
  const w = useKbWords();
  const lines = useLineNames(locale, w("everyLine"));
  const [form] = Form.useForm<EntryValues>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const kind = Form.useWatch("kind", form) ?? initial.kind;
  const body = Form.useWatch("body", form) ?? initial.body;

  const submit = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await onSubmit(form.getFieldsValue(true) as EntryValues);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const known = new Set(Object.keys(form.getFieldsValue(true)));
      const byField = new Map<string, string[]>();
      const general: string[] = [];
      for (const d of e.details) {
        const name = d.field ? formField(d.field) : "";
        if (known.has(name) || name === "intent" || name === "variants")
          byField.set(name, [...(byField.get(name) ?? []), d.message ?? ""]);
        else general.push(d.message ?? "");
      }
      form.setFields([...byField].map(([name, errors]) => ({ name: name as keyof EntryValues, errors })));
      setProblem(e.details.length ? [w("formHasErrors"), ...general].join(" ") : e.message);
    } finally {
      setBusy(false);
    }
  };

  const variables = variablesOf(body ?? "");
  return (
    <Form<EntryValues>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={submit}
      // A message from the API is about the value it saw; once the value changes it no longer holds.
      onValuesChange={(changed) =>
        form.setFields(Object.keys(changed).map((name) => ({ name: name as keyof EntryValues, errors: [] })))
      }
    >
      {isNew && (
        <Space size="large" wrap>
          <Form.Item name="kind" label={w("kind")}>
            <Radio.Group optionType="button" options={KINDS.map((k) => ({ value: k, label: w(k) }))} />
          </Form.Item>
          <Form.Item name="id" label={w("id")} extra={w("idHint")}>
            <Input style={{ width: 260 }} maxLength={80} />
          </Form.Item>
        </Space>
      )}
      <Form.Item name="businessLines" label={w("lines")}>
        <Select mode="multiple" options={[{ value: "*", label: w("everyLine") }, ...lines.options]} />
      </Form.Item>
      <Form.Item name="title" label={kind === "faq" ? w("faqTitle") : w("entryTitle")}>
        <Input maxLength={200} />
      </Form.Item>
      {kind === "faq" && (
        <>
          <Form.Item name="intent" label={w("intent")} extra={w("intentHint")}>
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="variants" label={w("variants")}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />
          </Form.Item>
        </>
      )}
      <Form.Item
        name="body"
        label={kind === "faq" ? w("faqBody") : kind === "macro" ? w("macroBody") : w("body")}
      >
        <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} maxLength={5000} />
      </Form.Item>
      {kind === "macro" && (
        <Form.Item label={w("variables")}>
          <div data-testid="macro-variables">
            {variables.length ? variables.map((v) => <Tag key={v}>{v}</Tag>) : w("noVariables")}
          </div>
        </Form.Item>
      )}
      <Form.Item name="tags" label={w("tags")}>
        <Select mode="tags" open={false} suffixIcon={null} />
      </Form.Item>
      {!isNew && (
        <Form.Item name="status" label={w("status")}>
          <Radio.Group
            options={[
              { value: "published", label: w("published") },
              { value: "archived", label: w("archived") },
            ]}
          />
        </Form.Item>
      )}
      <Form.Item name="note" label={w("note")}>
        <Input maxLength={500} />
      </Form.Item>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {isNew ? w("saveNew") : w("save")}
        </Button>
        <Button onClick={onCancel}>{w("cancel")}</Button>
      </Space>
    </Form>
  );
}

/** The form's values for an entry as the API returns it. */
export const valuesOf = (e: Entry): EntryValues => ({
  kind: e.kind,
  businessLines: e.businessLines,
  title: e.title,
  body: e.body,
  intent: typeof e.data.intent === "string" ? e.data.intent : undefined,
  variants: Array.isArray(e.data.variants) ? (e.data.variants as string[]).join("\n") : "",
  tags: e.tags,
  status: e.status === "archived" ? "archived" : "published",
  note: "",
});
