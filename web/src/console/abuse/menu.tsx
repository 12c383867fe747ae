import { StopOutlined } from "@ant-design/icons";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import { abuseWord } from "./words.ts";

/** The console menu's entry for the blacklist, for supervisors and admins. */
export const blacklistMenu = (session: Session, locale: Locale) =>
  can(session, "blacklist.manage")
    ? [
        {
          key: "/console/blacklist",
          icon: <StopOutlined />,
          label: <Link to="/console/blacklist">{abuseWord("menu", locale)}</Link>,
        },
      ]
    : [];
