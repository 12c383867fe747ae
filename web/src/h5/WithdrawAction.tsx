import { Alert, Button, Input, Modal } from "antd";
import { useState } from "react";
import { ApiError, api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";

/**
 * "撤销申请" on the progress page: the customer no longer needs the request (the meal came after all). A
 * quiet text button, asked once more in a dialog, with room for why; what stands in the way is shown as
 * the API names it (a food-safety complaint, a refund under way …).
 */
export function WithdrawAction({
  ticketNo,
  phone,
  offered,
  onChanged,
}: {
  ticketNo: string;
  phone: string;
  /** The progress answer's `canWithdraw`; the withdrawal's own answer names anything else in the way. */
  offered: boolean;
  onChanged(): void;
}) {
  const { t } = useLocale();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [sending, setSending] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  if (!offered) return null;

  const withdraw = async () => {
    setSending(true);
    setProblems([]);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/withdraw", {
        path: { ticketNo },
        body: { phone, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setOpen(false);
      onChanged();
    } catch (e) {
      const details = e instanceof ApiError ? e.details.map((d) => d.message ?? "") : [];
      setProblems(details.length ? details : [e instanceof Error ? e.message : String(e)]);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <p style={{ textAlign: "center", margin: "0 0 12px" }}>
        <Button type="link" onClick={() => setOpen(true)}>
          {t("withdraw")}
        </Button>
      </p>
      <Modal
        open={open}
        title={t("withdrawTitle")}
        okText={t("withdrawConfirm")}
        okButtonProps={{ danger: true, loading: sending }}
        cancelText={t("cancel")}
        onOk={withdraw}
        onCancel={() => setOpen(false)}
      >
        <p>{t("withdrawHint")}</p>
        <Input.TextArea
          aria-label={t("withdrawReason")}
          placeholder={t("withdrawReason")}
          value={reason}
          maxLength={200}
          autoSize={{ minRows: 2, maxRows: 4 }}
          onChange={(e) => setReason(e.target.value)}
        />
        {problems.map((p) => (
          <Alert key={p} type="warning" showIcon title={p} style={{ marginTop: 12 }} />
        ))}
      </Modal>
    </>
  );
}
