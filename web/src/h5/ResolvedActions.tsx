import { Alert, Button } from "antd";
import { useState } from "react";
import { ApiError, api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";

/**
 * On the progress page of a resolved ticket: the customer confirms it is solved (which closes it), and
 * finds the survey link the timeline announced.
 */
const SURVEY_PATH = /\/h5\/survey\/[A-Za-z0-9_.-]+/;

export function ResolvedActions({
  ticketNo,
  phone,
  status,
  timeline,
  onChanged,
}: {
  ticketNo: string;
  phone: string;
  status: string;
  timeline: { type: string; text: string }[];
  onChanged(): void;
}) {
  const { locale, t } = useLocale();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string>();
  const answered = timeline.some((e) => e.type === "survey_answered");
  const surveyPath = answered
    ? undefined
    : timeline.findLast((e) => e.type === "survey_invited")?.text.match(SURVEY_PATH)?.[0];
  if (status !== "resolved" && !surveyPath) return null;

  const confirm = async () => {
    setSending(true);
    setProblem(undefined);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/confirm", { path: { ticketNo }, body: { phone } });
      onChanged();
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="h5-card" data-testid="resolved-actions">
      {status === "resolved" && (
        <>
          <p className="h5-time">{t("confirmSolvedHint")}</p>
          <Button type="primary" block size="large" loading={sending} onClick={confirm}>
            {t("confirmSolved")}
          </Button>
        </>
      )}
      {surveyPath && (
        // The survey opens as a new page: it keeps the language only if the address says it.
        <Button
          block
          size="large"
          href={locale === "en" ? `${surveyPath}?lang=en` : surveyPath}
          style={{ marginTop: status === "resolved" ? 8 : 0 }}
        >
          {t("surveyRate")}
        </Button>
      )}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
    </section>
  );
}
