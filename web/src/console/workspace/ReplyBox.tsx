import { App as AntApp, Button, Card, Input, Segmented, Typography } from "antd";
import { useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { MacroPicker } from "./MacroPicker.tsx";

type Visibility = "customer" | "internal";

/**
 * A reply the customer reads on the progress page, or a note only staff see. Ctrl+Enter sends. A reply
 * carries when its writing began (the latest event then on screen): if a colleague answered the customer
 * meanwhile, the server quotes their reply and the agent decides whether to send theirs anyway.
 */
export function ReplyBox({
  ticketNo,
  latestSeen,
  onSent,
}: {
  ticketNo: string;
  latestSeen: string | undefined;
  onSent(): void;
}) {
  const { t } = useLocale();
  const { message, modal } = AntApp.useApp();
  const [visibility, setVisibility] = useState<Visibility>("customer");
  const [body, setBody] = useState("");
  const [writingSince, setWritingSince] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const edit = (next: string) => {
    if (!body.trim() && next.trim()) setWritingSince(latestSeen);
    setBody(next);
  };

  const send = async (anyway = false) => {
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/replies", {
        path: { ticketNo },
        body: { body: body.trim(), visibility, ...(writingSince && !anyway ? { writingSince } : {}) },
      });
      setBody("");
      setWritingSince(undefined);
      message.success(t("sent"));
      onSent();
    } catch (e) {
      if (e instanceof ApiError && e.code === "REPLIED_MEANWHILE")
        modal.confirm({
          title: t("repliedMeanwhile"),
          content: e.message,
          okText: t("sendAnyway"),
          onOk: () => send(true),
        });
      else setError(e instanceof ApiError ? (e.field("body") ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Segmented<Visibility>
        value={visibility}
        onChange={setVisibility}
        options={[
          { value: "customer", label: t("replyToCustomer") },
          { value: "internal", label: t("internalNote") },
        ]}
        style={{ marginBottom: 8, marginInlineEnd: 8 }}
      />
      <MacroPicker ticketNo={ticketNo} onInsert={(text) => edit(body.trim() ? `${body}\n${text}` : text)} />
      <Input.TextArea
        value={body}
        onChange={(e) => edit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
        placeholder={visibility === "customer" ? t("replyPlaceholder") : t("notePlaceholder")}
        autoSize={{ minRows: 3, maxRows: 10 }}
        maxLength={2000}
        status={error ? "error" : undefined}
        aria-label={visibility === "customer" ? t("replyToCustomer") : t("internalNote")}
        style={visibility === "internal" ? { background: "#fffbe6" } : undefined}
      />
      {error && (
        <Typography.Text type="danger" role="alert">
          {error}
        </Typography.Text>
      )}
      <div style={{ textAlign: "right", marginTop: 8 }}>
        <Button type="primary" onClick={() => send()} loading={busy} disabled={!body.trim()}>
          {t("send")}
        </Button>
      </div>
    </Card>
  );
}
