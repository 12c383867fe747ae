import { BookOutlined } from "@ant-design/icons";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import type { KbWords } from "./words.ts";

/** The console menu's entry for the knowledge base, for every role the API lets read it. */
export const knowledgeMenu = (session: Session, w: KbWords) =>
  can(session, "knowledge.read")
    ? [
        {
          key: "/console/knowledge",
          icon: <BookOutlined />,
          label: <Link to="/console/knowledge">{w("menu")}</Link>,
        },
      ]
    : [];
