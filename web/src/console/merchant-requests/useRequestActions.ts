import { App } from "antd";
import { useState } from "react";
import type { ApiError } from "../../api/client.ts";
import type { AsyncState } from "../../shared/useAsync.ts";

/**
 * The drawer's text box and its actions, for both sides: each action runs, clears the box and refreshes
 * the request; a refusal shows the server's message (it names what to fix).
 */
export function useRequestActions(detail: AsyncState<unknown>) {
  const { message } = App.useApp();
  const [text, setText] = useState("");
  const act = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setText("");
      detail.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    }
  };
  return { text, setText, act };
}
