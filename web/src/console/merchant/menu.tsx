import { AuditOutlined, BulbOutlined, ShopOutlined } from "@ant-design/icons";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { mediationMenuWord } from "../mediation/MediationsPage.tsx";
import { requestWord } from "../merchant-requests/words.ts";
import { can, type Session } from "../session.ts";
import { merchantWord } from "./words.ts";

/** Menu entries of merchant service: a merchant's suggestions and requests; the staff's board, desk and mediations. */
export const merchantServiceMenu = (session: Session, locale: Locale) => [
  ...(can(session, "merchant.suggest") || can(session, "suggestions.manage")
    ? [
        {
          key: "/console/suggestions",
          icon: <BulbOutlined />,
          label: (
            <Link to="/console/suggestions">
              {merchantWord(can(session, "merchant.suggest") ? "suggestionsMenu" : "boardMenu", locale)}
            </Link>
          ),
        },
      ]
    : []),
  ...(can(session, "merchant.requests") || can(session, "merchant_requests.work")
    ? [
        {
          key: "/console/merchant-requests",
          icon: <ShopOutlined />,
          label: (
            <Link to="/console/merchant-requests">
              {requestWord(can(session, "merchant.requests") ? "myMenu" : "deskMenu", locale)}
            </Link>
          ),
        },
      ]
    : []),
  ...(can(session, "mediations.read")
    ? [
        {
          key: "/console/mediations",
          icon: <AuditOutlined />,
          label: <Link to="/console/mediations">{mediationMenuWord(locale)}</Link>,
        },
      ]
    : []),
];
