import { AuditOutlined, ScheduleOutlined } from "@ant-design/icons";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";
import type { Words } from "./words.ts";

/** The menu entries of remedies: the supervisors' approvals inbox and the departments' execution board. */
export function remedyMenu(session: Session, w: Words) {
  return [
    ...(can(session, "remedies.approve")
      ? [
          {
            key: "/console/approvals",
            icon: <AuditOutlined />,
            label: <Link to="/console/approvals">{w("menuApprovals")}</Link>,
          },
        ]
      : []),
    ...(can(session, "execution.read")
      ? [
          {
            key: "/console/execution",
            icon: <ScheduleOutlined />,
            label: <Link to="/console/execution">{w("menuExecution")}</Link>,
          },
        ]
      : []),
  ];
}
