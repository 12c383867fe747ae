import { Alert, Form, type FormInstance, Modal } from "antd";
import { type ReactNode, useState } from "react";
import { ApiError } from "../../api/client.ts";

/**
 * A modal form whose submit calls the API; the API's field `details` land on the fields, anything
 * else is shown above them. Closes only on success.
 */
export function ActionModal<V extends object>({
  title,
  open,
  onClose,
  onSubmit,
  okText,
  initialValues,
  fields,
  children,
}: {
  /** The form's field names, where the API's `details` may point. */
  fields: string[];
  title: string;
  open: boolean;
  onClose(): void;
  onSubmit(values: V): Promise<void>;
  okText?: string;
  initialValues?: Partial<V>;
  children: (form: FormInstance<V>) => ReactNode;
}) {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ title: string; reasons: string[] }>();

  const submit = async () => {
    let values: V;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await onSubmit(values);
      form.resetFields();
      onClose();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const named = e.details.filter((d) => d.field && fields.includes(d.field));
      form.setFields(named.map((d) => ({ name: d.field as never, errors: [d.message ?? ""] })));
      // Reasons the API gives about no field of this form (e.g. why a ticket cannot be withdrawn) are listed.
      const others = e.details.filter((d) => !named.includes(d)).map((d) => d.message ?? "");
      if (others.length || e.details.length === 0) setProblem({ title: e.message, reasons: others });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      onOk={submit}
      okText={okText}
      confirmLoading={busy}
      destroyOnHidden
    >
      {problem && (
        <Alert
          type="error"
          showIcon
          title={problem.title}
          description={
            problem.reasons.length ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {problem.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : undefined
          }
          role="alert"
          style={{ marginBottom: 12 }}
        />
      )}
      <Form form={form} layout="vertical" initialValues={initialValues} onFinish={submit}>
        {children(form)}
      </Form>
    </Modal>
  );
}
