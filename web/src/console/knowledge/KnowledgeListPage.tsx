import { PlusOutlined } from "@ant-design/icons";
import { Alert, Card, Empty, Input, Segmented, Select, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import type { BusinessLine } from "../../shared/packs.ts";
import { useLineNames } from "../../shared/packs.ts";
import { Link, LinkButton, navigate } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { KIND_COLOURS, KINDS, type Kind, useKbWords } from "./words.ts";

type Item = Answer<"get", "/api/v1/knowledge/entries">["items"][number];

/**
 * Every entry of the knowledge base by kind and business line; typing a query switches from the plain
 * list (archived entries included) to the same ranked search the bot and the customers use.
 */
export function KnowledgeListPage({ refused = false }: { refused?: boolean }) {
  const { locale } = useLocale();
  const w = useKbWords();
  const session = useSession();
  const lines = useLineNames(locale, w("everyLine"));
  const [kind, setKind] = useState<Kind | "all">("all");
  const [line, setLine] = useState<BusinessLine>();
  const [q, setQ] = useState("");
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const filter = { kind: kind === "all" ? undefined : kind, businessLine: line };
  const list = useAsync(
    async (signal) =>
      q
        ? api
            .get("/api/v1/knowledge/search", { query: { ...filter, q, limit: 50 }, signal })
            .then((r) => ({ items: r.items as Item[], total: r.items.length }))
        : api.get("/api/v1/knowledge/entries", {
            query: { ...filter, limit: page.pageSize, offset: (page.current - 1) * page.pageSize },
            signal,
          }),
    [kind, line, q, page.current, page.pageSize],
  );
  const filtered = (change: () => void) => {
    change();
    setPage((p) => ({ ...p, current: 1 }));
  };

  return (
    <Card
      title={w("title")}
      extra={
        can(session, "knowledge.edit") && (
          <LinkButton to="/console/knowledge/new" type="primary" icon={<PlusOutlined />}>
            {w("create")}
          </LinkButton>
        )
      }
    >
      {refused && <Alert type="warning" showIcon title={w("readOnly")} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Kind | "all">
          value={kind}
          onChange={(v) => filtered(() => setKind(v))}
          options={[{ value: "all", label: w("all") }, ...KINDS.map((k) => ({ value: k, label: w(k) }))]}
        />
        <Select<BusinessLine>
          allowClear
          placeholder={w("allLines")}
          aria-label={w("lines")}
          style={{ width: 180 }}
          value={line}
          onChange={(v) => filtered(() => setLine(v))}
          options={lines.options as { value: BusinessLine; label: string }[]}
        />
        <Input.Search
          allowClear
          placeholder={w("searchPlaceholder")}
          aria-label={w("searchPlaceholder")}
          style={{ width: 280 }}
          onSearch={(v) => filtered(() => setQ(v.trim()))}
        />
      </Space>
      {list.error && <Alert type="error" showIcon title={list.error.message} style={{ marginBottom: 12 }} />}
      <Table<Item>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={w("empty")} /> }}
        rowClassName={() => "queue-row"}
        onRow={(row) => ({ onClick: () => navigate(`/console/knowledge/${row.id}`) })}
        pagination={
          q
            ? false
            : {
                ...page,
                total: list.data?.total ?? 0,
                onChange: (current, pageSize) => setPage({ current, pageSize }),
              }
        }
        columns={[
          {
            title: w("entryTitle"),
            dataIndex: "title",
            render: (title: string, row) => (
              <Link to={`/console/knowledge/${row.id}`} onClick={(e) => e.stopPropagation()}>
                {title}
              </Link>
            ),
          },
          {
            title: w("kind"),
            dataIndex: "kind",
            render: (k: Kind) => <Tag color={KIND_COLOURS[k]}>{w(k)}</Tag>,
          },
          {
            title: w("lines"),
            dataIndex: "businessLines",
            render: (ls: string[]) => ls.map((l) => <Tag key={l}>{lines.name(l)}</Tag>),
          },
          {
            title: w("status"),
            dataIndex: "status",
            render: (s: string) => (
              <Tag color={s === "published" ? "success" : "default"}>
                {w(s === "published" ? "published" : "archived")}
              </Tag>
            ),
          },
          { title: w("version"), dataIndex: "version", width: 70 },
          { title: w("updatedAt"), dataIndex: "updatedAt", render: (at: string) => formatTime(at, locale) },
        ]}
      />
    </Card>
  );
}
