import { Alert, Button, Form, Input, Radio, Rate, Result, Skeleton } from "antd";
import { useState } from "react";
import { type Answer, ApiError, api, type RequestBody } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { formatTime } from "../shared/format.ts";
import { useAsync } from "../shared/useAsync.ts";
import { H5Frame } from "./H5App.tsx";

/**
 * The satisfaction survey behind the signed link (满意度调查): what was done, an overall score, whether
 * the problem is solved, the three dimensions and a few words. One answer; a low score or "not solved"
 * goes to a supervisor, which the thank-you says.
 */
type Values = Omit<RequestBody<"post", "/api/v1/surveys/{token}">, "dimensions"> & {
  efficiency: number;
  resolution: number;
  attitude: number;
};
type Outcome = Answer<"post", "/api/v1/surveys/{token}">;

export function SurveyPage({ token }: { token: string }) {
  const { locale, t } = useLocale();
  const survey = useAsync(
    (signal) => api.get("/api/v1/surveys/{token}", { path: { token }, signal }),
    [token, locale],
  );
  const [form] = Form.useForm<Values>();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();

  const gone = survey.error?.status === 404 || survey.error?.status === 410;
  if (gone)
    return (
      <H5Frame title={t("surveyTitle")}>
        <section className="h5-card">
          <Result
            status={survey.error?.status === 410 ? "warning" : "error"}
            title={survey.error?.status === 410 ? t("surveyExpired") : t("surveyInvalid")}
          />
        </section>
      </H5Frame>
    );

  const s = survey.data;
  const send = async (v: Values) => {
    setSending(true);
    setProblem(undefined);
    try {
      const result = await api.post("/api/v1/surveys/{token}", {
        path: { token },
        body: {
          score: v.score,
          resolved: v.resolved,
          ...(v.text?.trim() ? { text: v.text.trim() } : {}),
          dimensions: { efficiency: v.efficiency, resolution: v.resolution, attitude: v.attitude },
        },
      });
      setOutcome(result);
    } catch (e) {
      if (e instanceof ApiError && e.code === "SURVEY_ANSWERED") survey.reload(true);
      setProblem(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };

  const required = [{ required: true, message: t("surveyRequired") }];
  return (
    <H5Frame title={t("surveyTitle")} subtitle={s ? `${t("ticketNo")} ${s.ticketNo}` : t("surveyIntro")}>
      {!s && !survey.error && (
        <section className="h5-card">
          <Skeleton active />
        </section>
      )}
      {survey.error && !s && (
        <section className="h5-card">
          <Result
            status="warning"
            title={survey.error.message}
            extra={<Button onClick={() => survey.reload()}>{t("retry")}</Button>}
          />
        </section>
      )}
      {s && (
        <section className="h5-card" aria-labelledby="done-heading">
          <h2 id="done-heading">{t("surveyDone")}</h2>
          <ul className="h5-done" data-testid="survey-done">
            {s.done.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <p className="h5-time">{t("surveyValidUntil", { time: formatTime(s.expiresAt, locale) })}</p>
        </section>
      )}
      {s && (outcome || s.answeredAt) && (
        <section className="h5-card" data-testid="survey-thanks">
          <Result
            status="success"
            title={t("surveyThanks")}
            subTitle={
              outcome
                ? outcome.secondRound
                  ? t("surveySecondRound")
                  : outcome.ticketStatus === "closed"
                    ? t("surveyClosed")
                    : undefined
                : t("surveyAnswered")
            }
          />
        </section>
      )}
      {s && !outcome && !s.answeredAt && (
        <section className="h5-card">
          <Form form={form} layout="vertical" requiredMark={false} onFinish={send} disabled={sending}>
            <Form.Item name="score" label={t("surveyScore")} rules={required}>
              <Rate data-testid="survey-score" />
            </Form.Item>
            <Form.Item name="resolved" label={t("surveyResolved")} rules={required}>
              <Radio.Group className="h5-choices" optionType="button">
                <Radio.Button value={true}>{t("surveyResolvedYes")}</Radio.Button>
                <Radio.Button value={false}>{t("surveyResolvedNo")}</Radio.Button>
              </Radio.Group>
            </Form.Item>
            {(["efficiency", "resolution", "attitude"] as const).map((name) => (
              <Form.Item
                key={name}
                name={name}
                label={t(
                  name === "efficiency"
                    ? "surveyEfficiency"
                    : name === "resolution"
                      ? "surveyResolution"
                      : "surveyAttitude",
                )}
                rules={required}
              >
                <Rate data-testid={`survey-${name}`} />
              </Form.Item>
            ))}
            <Form.Item name="text" label={t("surveyText")}>
              <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t("surveyTextPlaceholder")} />
            </Form.Item>
            {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
            <Button type="primary" htmlType="submit" block size="large" loading={sending}>
              {t("surveySubmit")}
            </Button>
          </Form>
        </section>
      )}
    </H5Frame>
  );
}
