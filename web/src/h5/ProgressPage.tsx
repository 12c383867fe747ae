import { Alert, Button, Form, Input, Result, Skeleton, Steps, Tag, Timeline } from "antd";
import { useState } from "react";
import { ApiError, api } from "../api/client.ts";
import { customerStatusLabel, STATUS_COLOURS } from "../i18n/labels.ts";
import { useLocale } from "../i18n/locale.tsx";
import { formatTime } from "../shared/format.ts";
import { useProgressLive } from "../shared/live.ts";
import { Link, navigate } from "../shared/router.tsx";
import { useAsync } from "../shared/useAsync.ts";
import { rememberedPhone, rememberPhone } from "./Acknowledgement.tsx";
import { AddToRequest } from "./AddToRequest.tsx";
import { H5Frame } from "./H5App.tsx";
import { HelpLink } from "./HelpPage.tsx";
import { LinkedText } from "./LinkedText.tsx";
import { Messages } from "./Messages.tsx";
import { ResolvedActions } from "./ResolvedActions.tsx";
import { WithdrawAction } from "./WithdrawAction.tsx";

const TICKET_NO = /^[A-Z]{2}\d{8,}$/;

/** Resolved, closed or not applicable: nothing more will be done, and nobody is being assigned. */
export const isFinished = (status: string): boolean =>
  ["resolved", "closed", "not_applicable"].includes(status);

/** Where the ticket stands, in three steps a customer understands. */
function stepOf(status: string): number {
  if (status === "new") return 0;
  if (isFinished(status)) return 2;
  return 1;
}

/** Asks for what the link does not carry: the ticket number (from the bare page) and always the phone. */
function LookupForm({
  ticketNo,
  phone,
  notFound,
  onPhone,
}: {
  ticketNo?: string;
  /** The phone just tried: after "not found" the customer corrects it rather than typing it again. */
  phone?: string | null;
  notFound?: boolean;
  onPhone?(phone: string): void;
}) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ ticketNo: string; phone: string }>();
  return (
    <section className="h5-card">
      <h2>{t("progressLookup")}</h2>
      <p className="h5-time">{t("progressLookupHint")}</p>
      {notFound && <Alert type="error" showIcon title={t("progressNotFound")} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ ticketNo: ticketNo ?? "", phone: phone ?? "" }}
        onFinish={(v) => {
          const no = v.ticketNo.trim().toUpperCase();
          rememberPhone(no, v.phone.trim());
          if (no === ticketNo && onPhone) onPhone(v.phone.trim());
          else navigate(`/h5/progress/${no}`);
        }}
      >
        <Form.Item
          name="ticketNo"
          label={t("ticketNo")}
          rules={[{ required: true, pattern: TICKET_NO, message: t("progressNotFound") }]}
        >
          <Input autoCapitalize="characters" maxLength={24} />
        </Form.Item>
        <PhoneItem />
        <Button type="primary" htmlType="submit" block size="large">
          {t("lookup")}
        </Button>
      </Form>
      <p style={{ margin: "12px 0 0", textAlign: "center" }}>
        <Link to="/h5/mine">{t("myRequestsLink")}</Link>
      </p>
    </section>
  );
}

/** The customer's phone, as filed with the request: the key to their tickets on these pages. */
export function PhoneItem() {
  const { t } = useLocale();
  return (
    <Form.Item name="phone" label={t("phone")} rules={[{ required: true, message: t("phoneRequired") }]}>
      <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={20} />
    </Form.Item>
  );
}

export function ProgressLookup() {
  const { t } = useLocale();
  return (
    <H5Frame title={t("progressTitle")}>
      <LookupForm />
    </H5Frame>
  );
}

export function ProgressPage({ ticketNo }: { ticketNo: string }) {
  const { locale, t } = useLocale();
  const [phone, setPhone] = useState(() => rememberedPhone(ticketNo));
  const progress = useAsync(
    (signal) =>
      phone
        ? api.get("/api/v1/tickets/{ticketNo}/progress", {
            path: { ticketNo },
            query: { phone },
            signal,
          })
        : Promise.resolve(undefined),
    [ticketNo, phone, locale],
  );
  const notFound = progress.error instanceof ApiError && progress.error.status === 404;
  const live = useProgressLive(ticketNo, notFound ? null : phone, () => progress.reload(true));

  if (!phone || notFound)
    return (
      <H5Frame title={t("progressTitle")}>
        <LookupForm ticketNo={ticketNo} phone={phone} notFound={notFound} onPhone={setPhone} />
      </H5Frame>
    );

  const p = progress.data;
  return (
    <H5Frame title={t("progressTitle")} subtitle={`${t("ticketNo")} ${ticketNo}`}>
      {progress.error && !p && (
        <section className="h5-card">
          <Result
            status="warning"
            title={progress.error.message}
            extra={<Button onClick={() => progress.reload()}>{t("retry")}</Button>}
          />
        </section>
      )}
      {!p && !progress.error && (
        <section className="h5-card">
          <Skeleton active />
        </section>
      )}
      {p && (
        <>
          <section className="h5-card" aria-labelledby="status-heading">
            <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
              <h2 id="status-heading" style={{ margin: 0 }}>
                {t("status")}
              </h2>
              <span className={`h5-live${live ? "" : " offline"}`} role="status">
                {live ? t("live") : t("liveOffline")}
              </span>
            </div>
            <Tag
              color={STATUS_COLOURS[p.status]}
              style={{ fontSize: 15, padding: "4px 10px", margin: "12px 0" }}
            >
              <span data-testid="progress-status">{customerStatusLabel(p.status, locale)}</span>
            </Tag>
            <Steps
              size="small"
              responsive={false}
              orientation="horizontal"
              titlePlacement="vertical"
              current={stepOf(p.status)}
              items={[
                { title: customerStatusLabel("new", locale).split(/[，,]/)[0] },
                { title: customerStatusLabel("in_progress", locale) },
                // The end as it came: withdrawn, merged or not eligible is "closed", not "resolved".
                { title: customerStatusLabel(isFinished(p.status) ? p.status : "resolved", locale) },
              ]}
              style={{ margin: "8px 0 16px" }}
            />
            <dl className="h5-facts">
              <dt>{t("handler")}</dt>
              <dd>{p.handler?.displayName ?? (isFinished(p.status) ? "—" : t("handlerPending"))}</dd>
              <dt>{isFinished(p.status) ? t("completedAt") : t("expectedCompletion")}</dt>
              <dd>{formatTime(p.expectedCompletionAt, locale)}</dd>
            </dl>
          </section>
          {/* Open requests only: a resolved one has its own answers (ResolvedActions). */}
          {!isFinished(p.status) && (
            <AddToRequest
              ticketNo={ticketNo}
              phone={phone}
              status={p.status}
              onSent={() => progress.reload(true)}
            />
          )}
          <WithdrawAction
            ticketNo={ticketNo}
            phone={phone}
            offered={p.canWithdraw}
            onChanged={() => progress.reload(true)}
          />
          <ResolvedActions
            ticketNo={ticketNo}
            phone={phone}
            status={p.status}
            timeline={p.timeline}
            onChanged={() => progress.reload(true)}
          />
          <section className="h5-card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{t("timeline")}</h2>
            <div data-testid="progress-timeline">
              <Timeline
                items={[...p.timeline].reverse().map((e, i) => ({
                  key: `${e.at}-${i}`,
                  color: e.type === "reply" ? "blue" : e.type === "status_changed" ? "green" : "gray",
                  content: (
                    <>
                      <div className={e.type === "reply" ? "h5-reply" : undefined}>
                        <LinkedText text={e.text} />
                      </div>
                      <div className="h5-time">{formatTime(e.at, locale)}</div>
                    </>
                  ),
                }))}
              />
            </div>
          </section>
          <Messages ticketNo={ticketNo} phone={phone} version={p.timeline.length} />
        </>
      )}
      <HelpLink />
    </H5Frame>
  );
}
