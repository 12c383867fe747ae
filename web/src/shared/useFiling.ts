import { App, Form } from "antd";
import type { ApiError } from "../api/client.ts";
import type { AsyncState } from "./useAsync.ts";

/**
 * A form that files something new into the list below it: once filed, the form is cleared for the next
 * one and the list reloads quietly, so the new row appears without a spinner.
 */
export function useFiling<V>(
  send: (values: V) => Promise<unknown>,
  filed: string,
  list: Pick<AsyncState<unknown>, "reload">,
) {
  const { message } = App.useApp();
  const [form] = Form.useForm<V>();
  const file = async (values: V) => {
    try {
      await send(values);
      message.success(filed);
      form.resetFields();
      list.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    }
  };
  return { form, file };
}
