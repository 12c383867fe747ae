import { Alert, Button, Card, Form, Input } from "antd";
import { useState } from "react";
import { ApiError } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { navigate, useLocation } from "../shared/router.tsx";
import { logIn, takeExpiredNotice } from "./session.ts";

export function LoginPage() {
  const { locale, setLocale, t } = useLocale();
  const { search } = useLocation();
  const [error, setError] = useState<string | undefined>(() =>
    takeExpiredNotice() ? t("sessionExpired") : undefined,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await logIn(values.username.trim(), values.password);
      const next = search.get("next");
      // Only a path of this console: a crafted `next` must not send anyone elsewhere.
      navigate(next?.startsWith("/console/") ? next : "/console/tickets", { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <main className="console-login">
      <Card
        title={
          <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
            <span>{t("loginTitle")}</span>
            <Button size="small" type="text" onClick={() => setLocale(locale === "en" ? "zh-CN" : "en")}>
              {t("switchLanguage")}
            </Button>
          </div>
        }
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" requiredMark={false} onFinish={submit}>
          <Form.Item
            name="username"
            label={t("username")}
            rules={[{ required: true, message: t("username") }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("password")}
            rules={[{ required: true, message: t("password") }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("login")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
