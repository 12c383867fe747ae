import { Button, Result } from "antd";
import type { ReactNode } from "react";
import { useLocale } from "../i18n/locale.tsx";
import { match, Redirect, useLocation } from "../shared/router.tsx";
import { BlacklistPage } from "./abuse/BlacklistPage.tsx";
import { CalendarPage } from "./admin/CalendarPage.tsx";
import { PoliciesPage } from "./admin/PoliciesPage.tsx";
import { UsersPage } from "./admin/UsersPage.tsx";
import { ChatWorkspace } from "./chat/ChatWorkspace.tsx";
import { ExecutionBoard } from "./execution/ExecutionBoard.tsx";
import { IncidentsRoute } from "./incidents/IncidentsRoute.tsx";
import { KnowledgeRoute } from "./knowledge/KnowledgeRoute.tsx";
import { LoginPage } from "./LoginPage.tsx";
import { MediationsPage } from "./mediation/MediationsPage.tsx";
import { MySuggestionsPage } from "./merchant/MySuggestionsPage.tsx";
import { SuggestionBoard } from "./merchant/SuggestionBoard.tsx";
import { MyRequestsPage } from "./merchant-requests/MyRequestsPage.tsx";
import { RequestDesk } from "./merchant-requests/RequestDesk.tsx";
import { NotificationsAdminPage } from "./notifications/NotificationsAdminPage.tsx";
import { OnsiteReportPage } from "./onsite/OnsiteReportPage.tsx";
import { OverviewPage } from "./overview/OverviewPage.tsx";
import { QueuePage } from "./queue/QueuePage.tsx";
import { ApprovalsPage } from "./remedies/ApprovalsPage.tsx";
import { OrderLedgerPage } from "./remedies/OrderLedgerPage.tsx";
import { AnalyticsPage } from "./reports/AnalyticsPage.tsx";
import { QaPage } from "./reports/QaPage.tsx";
import { ReportsPage } from "./reports/ReportsPage.tsx";
import { ReturnVisitsPage } from "./return-visits/ReturnVisitsPage.tsx";
import { Shell } from "./Shell.tsx";
import { can, useSession } from "./session.ts";
import { EscalationsPage } from "./sla/EscalationsPage.tsx";
import { WorkspacePage } from "./workspace/WorkspacePage.tsx";
import "./console.css";

/** The staff console: a login, then the pages the role's permissions open. */
export default function ConsoleApp() {
  const { pathname, href } = useLocation();
  const session = useSession();
  const { t } = useLocale();

  // Departments (warehouse, finance) work their execution orders, not the ticket queue.
  const home = can(session, "tickets.read") ? "/console/tickets" : "/console/execution";
  if (pathname === "/console/login") return session ? <Redirect to={home} /> : <LoginPage />;
  if (!session) return <Redirect to={`/console/login?next=${encodeURIComponent(href)}`} />;
  if (pathname === "/console" || pathname === "/console/") return <Redirect to={home} />;
  if (pathname === "/console/tickets" && home !== "/console/tickets") return <Redirect to={home} />;

  const ticket = match("/console/tickets/:ticketNo", pathname);
  const orderLedger = match("/console/orders/:orderNo/ledger", pathname);
  let page: ReactNode;
  if (pathname === "/console/tickets" && can(session, "tickets.read")) page = <QueuePage />;
  else if (ticket && can(session, "tickets.read"))
    page = <WorkspacePage key={ticket.ticketNo} ticketNo={ticket.ticketNo!} />;
  else if (pathname === "/console/overview" && can(session, "tickets.read")) page = <OverviewPage />;
  else if (pathname === "/console/reports" && can(session, "reports.read")) page = <ReportsPage />;
  else if (
    pathname === "/console/reports/analytics" &&
    (can(session, "reports.analytics") || can(session, "reports.riders"))
  )
    page = <AnalyticsPage />;
  else if (pathname === "/console/reports/qa" && can(session, "qa.sample")) page = <QaPage />;
  else if (pathname === "/console/approvals" && can(session, "remedies.approve")) page = <ApprovalsPage />;
  else if (pathname === "/console/execution" && can(session, "execution.read")) page = <ExecutionBoard />;
  else if (orderLedger && can(session, "ledger.read"))
    page = <OrderLedgerPage key={orderLedger.orderNo} orderNo={orderLedger.orderNo!} />;
  else if (pathname === "/console/return-visits" && can(session, "tickets.work")) page = <ReturnVisitsPage />;
  else if (pathname === "/console/admin/notifications" && can(session, "notifications.manage"))
    page = <NotificationsAdminPage />;
  else if (pathname === "/console/admin/users" && can(session, "users.manage")) page = <UsersPage />;
  else if (pathname === "/console/admin/policies" && can(session, "users.manage")) page = <PoliciesPage />;
  else if (pathname === "/console/escalations" && can(session, "escalations.read"))
    page = <EscalationsPage />;
  else if (pathname === "/console/admin/calendar" && can(session, "calendar.manage")) page = <CalendarPage />;
  else if (pathname.startsWith("/console/incidents") && can(session, "incidents.read"))
    page = <IncidentsRoute pathname={pathname} />;
  else if (pathname.startsWith("/console/knowledge") && can(session, "knowledge.read"))
    page = <KnowledgeRoute pathname={pathname} />;
  else if (pathname === "/console/suggestions" && can(session, "merchant.suggest"))
    page = <MySuggestionsPage />;
  else if (pathname === "/console/suggestions" && can(session, "suggestions.manage"))
    page = <SuggestionBoard />;
  else if (pathname === "/console/mediations" && can(session, "mediations.read")) page = <MediationsPage />;
  else if (pathname === "/console/blacklist" && can(session, "blacklist.manage")) page = <BlacklistPage />;
  else if (pathname === "/console/onsite" && can(session, "onsite.report")) page = <OnsiteReportPage />;
  else if (pathname === "/console/chat" && can(session, "chat.work")) page = <ChatWorkspace />;
  else if (pathname === "/console/merchant-requests" && can(session, "merchant.requests"))
    page = <MyRequestsPage />;
  else if (pathname === "/console/merchant-requests" && can(session, "merchant_requests.work"))
    page = <RequestDesk />;
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
