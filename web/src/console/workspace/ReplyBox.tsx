import { App as AntApp, Button, Card, Input, Segmented, Typography } from "antd";
import { useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { MacroPicker } from "./MacroPicker.tsx";

type Visibility = "customer" | "internal";

/** A reply the customer reads on the progress page, or a note only staff see. Ctrl+Enter sends. */
export function ReplyBox({ ticketNo, onSent }: { ticketNo: string; onSent(): void }) {
  const { t } = useLocale();
  const { message } = AntApp.useApp();
  const [visibility, setVisibility] = useState<Visibility>("customer");
  const [body, setBody] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/replies", {
        path: { ticketNo },
        body: { body: body.trim(), visibility },
      });
      setBody("");
      message.success(t("sent"));
      onSent();
    } catch (e) {
      setError(e instanceof ApiError ? (e.field("body") ?? e.message) : String(e));
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
      <MacroPicker
        ticketNo={ticketNo}
        onInsert={(text) => setBody((b) => (b.trim() ? `${b}\n${text}` : text))}
      />
      <Input.TextArea
        value={body}
        onChange={(e) => setBody(e.target.value)}
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
        <Button type="primary" onClick={send} loading={busy} disabled={!body.trim()}>
          {t("send")}
        </Button>
      </div>
    </Card>
  );
}
