import { Alert, Button, Input, type UploadFile } from "antd";
import { useState } from "react";
import { ApiError, api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { EvidenceUpload, uploadedIds } from "./EvidenceUpload.tsx";

/**
 * "补充说明" on the progress page: the details or photos an agent asked for (需补充材料), or anything the
 * customer wants to add while the request is open. Asked for, it opens at once and says so.
 */
export function AddToRequest({
  ticketNo,
  phone,
  status,
  onSent,
}: {
  ticketNo: string;
  phone: string;
  status: string;
  onSent(): void;
}) {
  const { t } = useLocale();
  const asked = status === "needs_info" || status === "awaiting_customer";
  const [open, setOpen] = useState(false);
  const [words, setWords] = useState("");
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [sent, setSent] = useState(false);

  const uploading = files.some((f) => f.status === "uploading");
  const send = async () => {
    setSending(true);
    setProblem(undefined);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/messages", {
        path: { ticketNo },
        body: { phone, body: words.trim(), attachmentIds: uploadedIds(files) },
      });
      setWords("");
      setFiles([]);
      setSent(true);
      setOpen(false);
      onSent();
    } catch (e) {
      const detail = e instanceof ApiError ? e.details[0]?.message : undefined;
      setProblem(detail ?? (e instanceof Error ? e.message : String(e)));
    } finally {
      setSending(false);
    }
  };

  if (!open && !asked)
    return (
      <p style={{ textAlign: "center", margin: "0 0 12px" }}>
        {sent && <span role="status">{t("addSent")} </span>}
        <Button type="link" onClick={() => setOpen(true)}>
          {t("addToRequest")}
        </Button>
      </p>
    );
  return (
    <section className="h5-card" aria-labelledby="add-heading">
      <h2 id="add-heading">{t("addToRequest")}</h2>
      {asked && <Alert type="info" showIcon title={t("addAsked")} style={{ marginBottom: 12 }} />}
      {sent && (
        <p role="status" style={{ marginTop: 0 }}>
          {t("addSent")}
        </p>
      )}
      <Input.TextArea
        aria-label={t("addWords")}
        placeholder={t("addWords")}
        value={words}
        maxLength={2000}
        autoSize={{ minRows: 3, maxRows: 8 }}
        onChange={(e) => setWords(e.target.value)}
        style={{ marginBottom: 12 }}
      />
      <EvidenceUpload files={files} onChange={setFiles} />
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
      <Button
        type="primary"
        block
        loading={sending}
        disabled={uploading || (!words.trim() && !uploadedIds(files).length)}
        onClick={send}
        style={{ marginTop: 12 }}
      >
        {t("addSend")}
      </Button>
    </section>
  );
}
