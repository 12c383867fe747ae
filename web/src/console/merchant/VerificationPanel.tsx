import { App, Button, Card, Input, Space, Tag } from "antd";
import { useState } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { Countdown } from "../sla/Countdown.tsx";
import type { ClockView } from "../sla/countdown.ts";
import { merchantWord } from "./words.ts";

/**
 * A merchant's answer to a complaint about its store, on the ticket's page: the countdown to the
 * verification deadline, then accept liability or dispute it with a statement. The latest answer shows
 * once given.
 */
export function VerificationPanel({
  ticketNo,
  clocks,
  onDone,
}: {
  ticketNo: string;
  clocks: readonly ClockView[];
  onDone: () => void;
}) {
  const { locale } = useLocale();
  const w = (k: string) => merchantWord(k, locale);
  const { message } = App.useApp();
  const [statement, setStatement] = useState("");
  const [busy, setBusy] = useState(false);
  const list = useAsync(
    (signal) => api.get("/api/v1/tickets/{ticketNo}/merchant-verification", { path: { ticketNo }, signal }),
    [ticketNo],
  );
  const latest = list.data?.items.at(-1);
  if (!latest) return null;
  const clock = clocks.find((c) => c.name === `merchant-verification:${latest.id}`);

  const answer = async (decision: "accept" | "dispute") => {
    if (!statement.trim()) {
      message.error(w("needStatement"));
      return;
    }
    setBusy(true);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/merchant-verification", {
        path: { ticketNo },
        body: { decision, statement: statement.trim() },
      });
      message.success(w("answered"));
      setStatement("");
      list.reload(true);
      onDone();
    } catch (e) {
      message.error((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={w("verifyTitle")}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="merchant-verification"
      extra={
        latest.status === "pending" && clock ? (
          <Countdown clock={clock} />
        ) : (
          <Tag data-testid="verification-status">{w(`status_${latest.status}`)}</Tag>
        )
      }
    >
      {latest.status === "pending" ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          <span>{w("verifyHint")}</span>
          <Input.TextArea
            aria-label={w("statement")}
            placeholder={w("statementPlaceholder")}
            value={statement}
            onChange={(e) => setStatement(e.target.value)}
            autoSize={{ minRows: 3 }}
            maxLength={2000}
          />
          <Space>
            <Button type="primary" loading={busy} onClick={() => answer("accept")}>
              {w("accept")}
            </Button>
            <Button danger loading={busy} onClick={() => answer("dispute")}>
              {w("dispute")}
            </Button>
          </Space>
        </Space>
      ) : (
        <p style={{ margin: 0, whiteSpace: "pre-wrap" }}>{latest.statement}</p>
      )}
    </Card>
  );
}
