import { Button, Result } from "antd";
import type { ReactNode } from "react";
import { useLocale } from "../i18n/locale.tsx";
import { match, useLocation } from "../shared/router.tsx";
import { DisclosurePage } from "./DisclosurePage.tsx";
import { HelpPage } from "./HelpPage.tsx";
import { MyRequestsPage } from "./MyRequestsPage.tsx";
import { ProgressLookup, ProgressPage } from "./ProgressPage.tsx";
import { RequestForm } from "./RequestForm.tsx";
import { SurveyPage } from "./SurveyPage.tsx";
import "./h5.css";

/** The customer's pages, opened from the app, a WeChat menu or an SMS link: phone-sized first. */
export function H5Frame({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
}) {
  const { locale, setLocale, t } = useLocale();
  return (
    <div className="h5">
      <header className="h5-header">
        <div>
          <h1>{title}</h1>
          {subtitle && <p>{subtitle}</p>}
        </div>
        <Button
          type="text"
          size="small"
          lang={locale === "en" ? "zh-CN" : "en"}
          onClick={() => setLocale(locale === "en" ? "zh-CN" : "en")}
        >
          {t("switchLanguage")}
        </Button>
      </header>
      <main className="h5-main">{children}</main>
    </div>
  );
}

export default function H5App() {
  const { pathname } = useLocation();
  const { t } = useLocale();
  if (pathname === "/h5" || pathname === "/h5/" || pathname === "/h5/new") return <RequestForm />;
  if (pathname === "/h5/progress") return <ProgressLookup />;
  if (pathname === "/h5/help") return <HelpPage />;
  if (pathname === "/h5/mine") return <MyRequestsPage />;
  if (pathname === "/h5/disclosure") return <DisclosurePage />;
  const progress = match("/h5/progress/:ticketNo", pathname);
  if (progress) return <ProgressPage key={progress.ticketNo} ticketNo={progress.ticketNo!} />;
  const survey = match("/h5/survey/:token", pathname);
  if (survey) return <SurveyPage key={survey.token} token={survey.token!} />;
  return (
    <H5Frame title={t("appName")}>
      <div className="h5-card">
        <Result
          status="404"
          title={t("notFoundPage")}
          extra={
            <Button type="primary" href="/h5/new">
              {t("backHome")}
            </Button>
          }
        />
      </div>
    </H5Frame>
  );
}
