import { Button, Result } from "antd";
import type { ReactNode } from "react";
import { useLocale } from "../i18n/locale.tsx";
import { match, Redirect, useLocation } from "../shared/router.tsx";
import { PoliciesPage } from "./admin/PoliciesPage.tsx";
import { UsersPage } from "./admin/UsersPage.tsx";
import { LoginPage } from "./LoginPage.tsx";
import { OverviewPage } from "./overview/OverviewPage.tsx";
import { QueuePage } from "./queue/QueuePage.tsx";
import { Shell } from "./Shell.tsx";
import { can, useSession } from "./session.ts";
import { WorkspacePage } from "./workspace/WorkspacePage.tsx";
import "./console.css";

/** The staff console: a login, then the pages the role's permissions open. */
export default function ConsoleApp() {
  const { pathname, href } = useLocation();
  const session = useSession();
  const { t } = useLocale();

  if (pathname === "/console/login") return session ? <Redirect to="/console/tickets" /> : <LoginPage />;
  if (!session) return <Redirect to={`/console/login?next=${encodeURIComponent(href)}`} />;
  if (pathname === "/console" || pathname === "/console/") return <Redirect to="/console/tickets" />;

  const ticket = match("/console/tickets/:ticketNo", pathname);
  let page: ReactNode;
  if (pathname === "/console/tickets" && can(session, "tickets.read")) page = <QueuePage />;
  else if (ticket && can(session, "tickets.read"))
    page = <WorkspacePage key={ticket.ticketNo} ticketNo={ticket.ticketNo!} />;
  else if (pathname === "/console/overview" && can(session, "tickets.read")) page = <OverviewPage />;
  else if (pathname === "/console/admin/users" && can(session, "users.manage")) page = <UsersPage />;
  else if (pathname === "/console/admin/policies" && can(session, "users.manage")) page = <PoliciesPage />;
  else
    page = (
      <Result
        status="404"
        title={t("notFoundPage")}
        extra={
          <Button type="primary" href="/console/tickets">
            {t("backHome")}
          </Button>
        }
      />
    );
  return <Shell>{page}</Shell>;
}
