import { LineChartOutlined } from "@ant-design/icons";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import { reportWord } from "./words.ts";

/** The console menu's entry for reports, for those who may read them. */
export const reportsMenu = (session: Session, locale: Locale) =>
  can(session, "reports.read")
    ? [
        {
          key: "/console/reports",
          icon: <LineChartOutlined />,
          label: <Link to="/console/reports">{reportWord("menu", locale)}</Link>,
        },
      ]
    : [];
