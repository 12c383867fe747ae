import { CheckOutlined } from "@ant-design/icons";
import { Alert, Card, Input, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api, type QueryParams } from "../../api/client.ts";
import { permissionLabel, roleLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";

type User = Answer<"get", "/api/v1/users">["items"][number];
type Role = NonNullable<NonNullable<QueryParams<"get", "/api/v1/users">>["role"]>;

/** Who can log in and what each role may do; creating and editing users comes with a later issue. */
export function UsersPage() {
  const { locale, t } = useLocale();
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const [q, setQ] = useState<string>();
  const [role, setRole] = useState<Role>();
  const users = useAsync(
    (signal) =>
      api.get("/api/v1/users", {
        query: { q, role, limit: page.pageSize, offset: (page.current - 1) * page.pageSize },
        signal,
      }),
    [q, role, page.current, page.pageSize],
  );
  const roles = useAsync((signal) => api.get("/api/v1/roles", { signal }), []);
  const permissions = [...new Set(roles.data?.items.flatMap((r) => r.permissions) ?? [])];

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card title={t("users")}>
        <Space style={{ marginBottom: 12 }} wrap>
          <Input.Search
            allowClear
            placeholder={`${t("username")} / ${t("displayName")}`}
            aria-label={t("username")}
            onSearch={(v) => {
              setQ(v.trim() || undefined);
              setPage((p) => ({ ...p, current: 1 }));
            }}
            style={{ width: 240 }}
          />
          <Select<Role>
            allowClear
            placeholder={t("role")}
            aria-label={t("role")}
            style={{ width: 160 }}
            value={role}
            onChange={(r) => {
              setRole(r);
              setPage((p) => ({ ...p, current: 1 }));
            }}
            options={roles.data?.items.map((r) => ({ value: r.role, label: roleLabel(r.role, locale) }))}
          />
        </Space>
        {users.error && (
          <Alert type="error" showIcon title={users.error.message} style={{ marginBottom: 12 }} />
        )}
        <Table<User>
          rowKey="id"
          size="middle"
          loading={users.loading}
          dataSource={users.data?.items ?? []}
          pagination={{
            ...page,
            total: users.data?.total ?? 0,
            showTotal: (total) => t("totalItems", { total }),
            onChange: (current, pageSize) => setPage({ current, pageSize }),
          }}
          columns={[
            { title: t("username"), dataIndex: "username" },
            { title: t("displayName"), dataIndex: "displayName" },
            {
              title: t("role"),
              dataIndex: "role",
              render: (r: string) => <Tag color="blue">{roleLabel(r, locale)}</Tag>,
            },
            {
              title: t("merchantIds"),
              key: "scope",
              render: (_, u) => [...u.merchantIds, ...(u.riderId ? [u.riderId] : [])].join(", ") || "—",
            },
            {
              title: t("active"),
              dataIndex: "active",
              render: (a: boolean) =>
                a ? <Tag color="green">{t("activeYes")}</Tag> : <Tag>{t("activeNo")}</Tag>,
            },
            {
              title: t("createdAt"),
              dataIndex: "createdAt",
              render: (at: string) => formatTime(at, locale, true),
            },
          ]}
        />
      </Card>
      <Card title={t("roles")}>
        <Table
          rowKey="permission"
          size="small"
          loading={roles.loading}
          pagination={false}
          scroll={{ x: 800 }}
          dataSource={permissions.map((p) => ({ permission: p }))}
          columns={[
            {
              title: t("permission"),
              dataIndex: "permission",
              fixed: "left",
              render: (p: string) => (
                <span>
                  {permissionLabel(p, locale)} <code style={{ color: "#8c8c8c", fontSize: 12 }}>{p}</code>
                </span>
              ),
            },
            ...(roles.data?.items ?? []).map((r) => ({
              title: roleLabel(r.role, locale),
              key: r.role,
              align: "center" as const,
              render: (_: unknown, row: { permission: string }) =>
                r.permissions.includes(row.permission) ? (
                  <CheckOutlined style={{ color: "#52c41a" }} aria-label="✓" />
                ) : (
                  <span style={{ color: "#d9d9d9" }}>—</span>
                ),
            })),
          ]}
        />
      </Card>
    </Space>
  );
}
