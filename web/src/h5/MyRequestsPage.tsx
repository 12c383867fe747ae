import { Alert, Button, Empty, Form, Input, Result, Skeleton, Space, Tag } from "antd";
import { useEffect, useState } from "react";
import { type Answer, ApiError, api } from "../api/client.ts";
import { customerStatusLabel, STATUS_COLOURS } from "../i18n/labels.ts";
import { useLocale } from "../i18n/locale.tsx";
import { formatTime } from "../shared/format.ts";
import { navigate } from "../shared/router.tsx";
import { useAsync } from "../shared/useAsync.ts";
import { rememberPhone } from "./Acknowledgement.tsx";
import { H5Frame } from "./H5App.tsx";
import { HelpLink } from "./HelpPage.tsx";
import { isFinished, PhoneItem } from "./ProgressPage.tsx";

type Request = Answer<"get", "/api/v1/customer/tickets">["items"][number];
interface SignIn {
  phone: string;
  token: string;
  expiresAt: string;
}

// The tab's own storage: a sign-in ends with the tab, as it does after 30 minutes on the server.
const KEY = "aftersale.mine";
const storedSignIn = (): SignIn | null => {
  const s = JSON.parse(window.sessionStorage.getItem(KEY) ?? "null") as SignIn | null;
  return s && Date.parse(s.expiresAt) > Date.now() ? s : null;
};

/** Phone, then the code from the SMS: the customer proves the number is theirs. */
function CodeForm({ onSignedIn, expired }: { onSignedIn(s: SignIn): void; expired: boolean }) {
  const { t } = useLocale();
  const [form] = Form.useForm<{ phone: string; code: string }>();
  const [sentTo, setSentTo] = useState<string>();
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (wait <= 0) return;
    const timer = window.setTimeout(() => setWait(wait - 1), 1000);
    return () => window.clearTimeout(timer);
  }, [wait]);

  /** Puts the API's field messages under their fields, and anything else above the form. */
  const show = (e: unknown) => {
    if (e instanceof ApiError && e.details.length) {
      form.setFields(
        e.details.map((d) => ({ name: d.field as "phone" | "code", errors: [d.message ?? e.message] })),
      );
    } else setError(e instanceof Error ? e.message : String(e));
  };

  const sendCode = async () => {
    setError(undefined);
    // An empty phone is shown under its field by the form; nothing to send.
    const phone = await form.validateFields(["phone"]).then(
      (v) => v.phone,
      () => null,
    );
    if (!phone) return;
    setBusy(true);
    try {
      const sent = await api.post("/api/v1/customer/codes", { body: { phone: phone.trim() } });
      setSentTo(sent.sentTo);
      setWait(sent.resendAfterSeconds);
    } catch (e) {
      // Asked too soon (a reload forgot the last code): the button counts down to when asking works.
      if (e instanceof ApiError && e.retryAfterSeconds) setWait(e.retryAfterSeconds);
      show(e);
    } finally {
      setBusy(false);
    }
  };

  const signIn = async (v: { phone: string; code: string }) => {
    setError(undefined);
    setBusy(true);
    try {
      const s = await api.post("/api/v1/customer/sessions", {
        body: { phone: v.phone.trim(), code: v.code.trim() },
      });
      onSignedIn({ phone: v.phone.trim(), ...s });
    } catch (e) {
      show(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="h5-card">
      <h2>{t("myRequests")}</h2>
      <p className="h5-time">{t("myRequestsHint")}</p>
      {expired && (
        <Alert type="warning" showIcon title={t("myRequestsExpired")} style={{ marginBottom: 12 }} />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark={false} onFinish={signIn}>
        <PhoneItem />
        <Button block onClick={sendCode} loading={busy && !sentTo} disabled={wait > 0}>
          {wait > 0 ? t("resendIn", { s: wait }) : t("sendCode")}
        </Button>
        {sentTo && (
          <p className="h5-time" role="status" style={{ margin: "8px 0 0" }}>
            {t("codeSentTo", { phone: sentTo })}
          </p>
        )}
        <Form.Item
          name="code"
          label={t("smsCode")}
          style={{ marginTop: 16 }}
          rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t("codeRequired") }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={busy && !!sentTo}>
          {t("viewMyRequests")}
        </Button>
      </Form>
    </section>
  );
}

function RequestCard({ r, phone }: { r: Request; phone: string }) {
  const { locale, t } = useLocale();
  const open = () => {
    // The progress page asks for the phone; the customer has just proved it.
    rememberPhone(r.ticketNo, phone);
    navigate(`/h5/progress/${r.ticketNo}`);
  };
  return (
    <li className="h5-card">
      <button
        type="button"
        className="h5-request"
        onClick={open}
        aria-label={`${t("ticketNo")} ${r.ticketNo}`}
      >
        <Space wrap size={4}>
          <strong>{r.categoryLabel}</strong>
          <Tag color={STATUS_COLOURS[r.status]}>{customerStatusLabel(r.status, locale)}</Tag>
          {r.waitingForYou && <Tag color="orange">{t("waitingForYou")}</Tag>}
        </Space>
        <p style={{ margin: "8px 0" }}>{r.summary}</p>
        <div className="h5-time">
          {t("ticketNo")} {r.ticketNo} · {t("filedAt")} {formatTime(r.createdAt, locale)}
        </div>
        {r.mergedInto ? (
          <div className="h5-time">{t("mergedIntoTicket", { ticketNo: r.mergedInto })}</div>
        ) : (
          r.expectedCompletionAt && (
            <div className="h5-time">
              {isFinished(r.status) ? t("completedAt") : t("expectedCompletion")}{" "}
              {formatTime(r.expectedCompletionAt, locale)}
            </div>
          )
        )}
      </button>
    </li>
  );
}

function RequestList({ signIn, onSignedOut }: { signIn: SignIn; onSignedOut(expired: boolean): void }) {
  const { locale, t } = useLocale();
  const headers = { authorization: `Bearer ${signIn.token}` };
  const list = useAsync(
    (signal) => api.get("/api/v1/customer/tickets", { headers, signal }),
    [signIn.token, locale],
  );
  useEffect(() => {
    if (list.error?.status === 401) onSignedOut(true);
  }, [list.error, onSignedOut]);
  const signOut = () => {
    api.delete("/api/v1/customer/sessions/current", { headers }).catch(() => {});
    onSignedOut(false);
  };
  return (
    <>
      <section
        className="h5-card"
        style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}
      >
        <span>{list.data?.phone ?? ""}</span>
        <Button size="small" onClick={signOut}>
          {t("logout")}
        </Button>
      </section>
      {list.loading && !list.data && (
        <section className="h5-card">
          <Skeleton active />
        </section>
      )}
      {list.error && list.error.status !== 401 && (
        <section className="h5-card">
          <Result
            status="warning"
            title={list.error.message}
            extra={<Button onClick={() => list.reload()}>{t("retry")}</Button>}
          />
        </section>
      )}
      {list.data && list.data.items.length === 0 && (
        <section className="h5-card">
          <Empty description={t("myRequestsEmpty")} />
        </section>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="h5-requests" aria-label={t("myRequests")}>
          {list.data.items.map((r) => (
            <RequestCard key={r.ticketNo} r={r} phone={signIn.phone} />
          ))}
        </ul>
      )}
    </>
  );
}

/** "My requests" (/h5/mine): every request filed with the customer's phone, after a code by SMS. */
export function MyRequestsPage() {
  const { t } = useLocale();
  const [signIn, setSignIn] = useState(storedSignIn);
  const [expired, setExpired] = useState(false);
  const signedIn = (s: SignIn) => {
    window.sessionStorage.setItem(KEY, JSON.stringify(s));
    setExpired(false);
    setSignIn(s);
  };
  const signedOut = (wasExpired: boolean) => {
    window.sessionStorage.removeItem(KEY);
    setExpired(wasExpired);
    setSignIn(null);
  };
  return (
    <H5Frame title={t("myRequests")}>
      {signIn ? (
        <RequestList signIn={signIn} onSignedOut={signedOut} />
      ) : (
        <CodeForm onSignedIn={signedIn} expired={expired} />
      )}
      <HelpLink />
    </H5Frame>
  );
}
