import { AlertOutlined } from "@ant-design/icons";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import { incidentWord } from "./words.ts";

/** The console menu's entry for incidents, for those who may see them. */
export const incidentsMenu = (session: Session, locale: Locale) =>
  can(session, "incidents.read")
    ? [
        {
          key: "/console/incidents",
          icon: <AlertOutlined />,
          label: <Link to="/console/incidents">{incidentWord("menu", locale)}</Link>,
        },
      ]
    : [];
