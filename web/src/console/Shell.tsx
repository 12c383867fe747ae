import {
  AppstoreOutlined,
  BarChartOutlined,
  DownOutlined,
  LogoutOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  TranslationOutlined,
} from "@ant-design/icons";
import { Button, Dropdown, Layout, Menu, Space, Tag } from "antd";
import type { ReactNode } from "react";
import { roleLabel } from "../i18n/labels.ts";
import { useLocale } from "../i18n/locale.tsx";
import { Link, navigate, useLocation } from "../shared/router.tsx";
import { can, logOut, useSession } from "./session.ts";

/** The frame around every console page: a menu of what the role may open, who is logged in, language. */
export function Shell({ children }: { children: ReactNode }) {
  const session = useSession()!;
  const { locale, setLocale, t } = useLocale();
  const { pathname } = useLocation();

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
            ],
          },
        ]
      : []),
  ];
  const selected = pathname.startsWith("/console/tickets") ? "/console/tickets" : pathname;

  return (
    <Layout className="console-layout">
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={208} theme="dark">
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
          items={items}
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
