import {
  AppstoreOutlined,
  BarChartOutlined,
  CalendarOutlined,
  DownOutlined,
  LogoutOutlined,
  NotificationOutlined,
  PhoneOutlined,
  ProfileOutlined,
  RiseOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  TranslationOutlined,
} from "@ant-design/icons";
import { Button, Dropdown, Layout, Menu, Space, Tag } from "antd";
import type { ReactNode } from "react";
import { roleLabel } from "../i18n/labels.ts";
import { useLocale } from "../i18n/locale.tsx";
import { Link, navigate, useLocation } from "../shared/router.tsx";
import { blacklistMenu } from "./abuse/menu.tsx";
import { chatMenu } from "./chat/menu.tsx";
import { incidentsMenu } from "./incidents/menu.tsx";
import { knowledgeMenu } from "./knowledge/menu.tsx";
import { useKbWords } from "./knowledge/words.ts";
import { merchantServiceMenu } from "./merchant/menu.tsx";
import { word } from "./notifications/words.ts";
import { onsiteMenu } from "./onsite/OnsiteReportPage.tsx";
import { remedyMenu } from "./remedies/menu.tsx";
import { useWords } from "./remedies/words.ts";
import { reportsMenu } from "./reports/menu.tsx";
import { can, logOut, useSession } from "./session.ts";
import { slaText } from "./sla/messages.ts";

/** The frame around every console page: a menu of what the role may open, who is logged in, language. */
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession()!;
  const { locale, setLocale, t } = useLocale();
  const { pathname } = useLocation();
  const w = useWords();
  const kb = useKbWords();

  const items = [
    {
      key: "/console/tickets",
      icon: <ProfileOutlined />,
      label: <Link to="/console/tickets">{t("menuQueue")}</Link>,
    },
    {
      key: "/console/overview",
      icon: <BarChartOutlined />,
      label: <Link to="/console/overview">{t("menuOverview")}</Link>,
    },
    ...remedyMenu(session, w),
    ...(can(session, "tickets.work")
      ? [
          {
            key: "/console/return-visits",
            icon: <PhoneOutlined />,
            label: <Link to="/console/return-visits">{t("menuReturnVisits")}</Link>,
          },
        ]
      : []),
    ...(can(session, "escalations.read")
      ? [
          {
            key: "/console/escalations",
            icon: <RiseOutlined />,
            label: <Link to="/console/escalations">{slaText(locale)("escalations")}</Link>,
          },
        ]
      : []),
    ...incidentsMenu(session, locale),
    ...blacklistMenu(session, locale),
    ...reportsMenu(session, locale),
    ...merchantServiceMenu(session, locale),
    ...onsiteMenu(session, locale),
    ...chatMenu(session, locale),
    ...knowledgeMenu(session, kb),
    ...(can(session, "notifications.manage")
      ? [
          {
            key: "/console/admin/notifications",
            icon: <NotificationOutlined />,
            label: <Link to="/console/admin/notifications">{word("menu", locale)}</Link>,
          },
        ]
      : []),
    ...(can(session, "users.manage")
      ? [
          {
            key: "admin",
            icon: <AppstoreOutlined />,
            label: t("menuAdmin"),
            children: [
              {
                key: "/console/admin/users",
                icon: <TeamOutlined />,
                label: <Link to="/console/admin/users">{t("menuUsers")}</Link>,
              },
              {
                key: "/console/admin/policies",
                icon: <SafetyCertificateOutlined />,
                label: <Link to="/console/admin/policies">{t("menuPolicies")}</Link>,
              },
              ...(can(session, "calendar.manage")
                ? [
                    {
                      key: "/console/admin/calendar",
                      icon: <CalendarOutlined />,
                      label: <Link to="/console/admin/calendar">{slaText(locale)("calendar")}</Link>,
                    },
                  ]
                : []),
            ],
          },
        ]
      : []),
  ];
  const selected = pathname.startsWith("/console/tickets")
    ? "/console/tickets"
    : pathname.startsWith("/console/knowledge")
      ? "/console/knowledge"
      : pathname;
  // Warehouse and finance users have no ticket queue: their menu starts at the execution board.
  const shown = can(session, "tickets.read")
    ? items
    : items.filter((i) => i.key !== "/console/tickets" && i.key !== "/console/overview");

  return (
    <Layout className="console-layout">
      {/* Wider in English, whose menu words are longer ("Merchant suggestions" was cut short). */}
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={locale === "en" ? 232 : 208} theme="dark">
        <div className="console-brand">
          <span className="console-brand-mark" aria-hidden>
            <svg width="16" height="16" viewBox="0 0 32 32" aria-hidden="true">
              <path d="M7 17l6 6 12-14" stroke="#fff" strokeWidth="4" fill="none" strokeLinecap="round" />
            </svg>
          </span>
          {t("appName")}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          defaultOpenKeys={["admin"]}
          items={shown}
          aria-label={t("console")}
        />
      </Layout.Sider>
      <Layout>
        <header className="console-header">
          <h1>{t("console")}</h1>
          <Space>
            <Button
              type="text"
              icon={<TranslationOutlined />}
              onClick={() => setLocale(locale === "en" ? "zh-CN" : "en")}
            >
              {t("switchLanguage")}
            </Button>
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [{ key: "logout", icon: <LogoutOutlined />, label: t("logout") }],
                onClick: async () => {
                  await logOut();
                  navigate("/console/login");
                },
              }}
            >
              <Button type="text" data-testid="user-menu">
                <Space size={6}>
                  {session.displayName}
                  <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                    {roleLabel(session.role, locale)}
                  </Tag>
                  <DownOutlined />
                </Space>
              </Button>
            </Dropdown>
          </Space>
        </header>
        <Layout.Content className="console-content">{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
