import { Form, Select } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";

/** The form's `username` field: the agents a ticket can be assigned to, read when the field appears. */
export function AssigneeField() {
  const { t } = useLocale();
  const agents = useAsync((signal) => api.get("/api/v1/agents", { signal }), []);
  return (
    <Form.Item name="username" label={t("assignTo")} rules={[{ required: true, message: t("assignTo") }]}>
      <Select
        showSearch
        loading={agents.loading}
        optionFilterProp="label"
        options={agents.data?.items.map((a) => ({
          value: a.username,
          label: `${a.displayName} (${a.username})`,
        }))}
      />
    </Form.Item>
  );
}
