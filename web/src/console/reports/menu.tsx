import { AuditOutlined, HeatMapOutlined, LineChartOutlined } from "@ant-design/icons";
import type { ReactNode } from "react";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import { reportWord } from "./words.ts";

/** The console menu's entries for reports, analytics and QA sampling, for those who may open them. */
export const reportsMenu = (session: Session, locale: Locale) => {
  const entry = (key: string, icon: ReactNode, label: string) => ({
    key,
    icon,
    label: <Link to={key}>{label}</Link>,
  });
  return [
    ...(can(session, "reports.read")
      ? [entry("/console/reports", <LineChartOutlined />, reportWord("menu", locale))]
      : []),
    ...(can(session, "reports.analytics") || can(session, "reports.riders")
      ? [
          entry(
            "/console/reports/analytics",
            <HeatMapOutlined />,
            // A rider account sees only its own scorecard there: the entry says so.
            reportWord(can(session, "reports.analytics") ? "analytics" : "riders", locale),
          ),
        ]
      : []),
    ...(can(session, "qa.sample")
      ? [entry("/console/reports/qa", <AuditOutlined />, reportWord("qa", locale))]
      : []),
  ];
};
