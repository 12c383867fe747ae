import { MessageOutlined } from "@ant-design/icons";
import type { Locale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import { chatWord } from "./words.ts";

/** The console menu's entry for the live chat workspace, for those who take chats. */
export const chatMenu = (session: Session, locale: Locale) =>
  can(session, "chat.work")
    ? [
        {
          key: "/console/chat",
          icon: <MessageOutlined />,
          label: <Link to="/console/chat">{chatWord("menu", locale)}</Link>,
        },
      ]
    : [];
