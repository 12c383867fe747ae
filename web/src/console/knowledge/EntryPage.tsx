import { ArrowLeftOutlined, EditOutlined } from "@ant-design/icons";
import { Alert, App as AntApp, Button, Card, Col, Descriptions, Result, Row, Skeleton, Tag } from "antd";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useLineNames } from "../../shared/packs.ts";
import { LinkButton } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { type Entry, EntryForm, entryBody, valuesOf } from "./EntryForm.tsx";
import { VersionHistory } from "./VersionHistory.tsx";
import { KIND_COLOURS, useKbWords } from "./words.ts";

/** The kind's own fields (a guide's storage and shelf life, a case's handling…) shown as they are. */
const EXTRA_SKIP = new Set(["intent", "variants", "variables", "keywords"]);

/** One entry: read it, edit it into a new version (editors only), and see every version before it. */
export function EntryPage({ id }: { id: string }) {
  const { locale } = useLocale();
  const w = useKbWords();
  const session = useSession();
  const { message } = AntApp.useApp();
  const lines = useLineNames(locale, w("everyLine"));
  const [editing, setEditing] = useState(false);
  const entry = useAsync(
    (signal) => api.get("/api/v1/knowledge/entries/{id}", { path: { id }, signal }),
    [id],
  );
  const versions = useAsync(
    (signal) => api.get("/api/v1/knowledge/entries/{id}/versions", { path: { id }, signal }),
    [id],
  );
  const e = entry.data;
  const back = (
    <LinkButton to="/console/knowledge" type="text" icon={<ArrowLeftOutlined />}>
      {w("back")}
    </LinkButton>
  );
  if (entry.error && !e)
    return (
      <Card>
        <Result
          status={entry.error.status === 404 ? "404" : "warning"}
          title={entry.error.message}
          extra={back}
        />
      </Card>
    );
  if (!e)
    return (
      <Card>
        <Skeleton active />
      </Card>
    );

  const save = async (values: Parameters<typeof entryBody>[0]) => {
    const saved: Entry = await api.put("/api/v1/knowledge/entries/{id}", {
      path: { id },
      body: { ...entryBody(values, e.data), expectedVersion: e.version },
    });
    message.success(w("saved", { version: saved.version }));
    setEditing(false);
    entry.reload(true);
    versions.reload(true);
  };
  const extra = Object.entries(e.data).filter(([k, v]) => !EXTRA_SKIP.has(k) && typeof v === "string");
  return (
    <Row gutter={16}>
      <Col xs={24} xl={15}>
        <Card
          title={
            <>
              <Tag color={KIND_COLOURS[e.kind]}>{w(e.kind)}</Tag>
              {e.title}
            </>
          }
          extra={
            <>
              {back}
              {can(session, "knowledge.edit") && !editing && (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                  {w("edit")}
                </Button>
              )}
            </>
          }
          style={{ marginBottom: 16 }}
        >
          {!can(session, "knowledge.edit") && (
            <Alert type="info" showIcon title={w("readOnly")} style={{ marginBottom: 12 }} />
          )}
          {editing ? (
            <EntryForm
              key={e.version}
              initial={valuesOf(e)}
              isNew={false}
              onSubmit={save}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: "id", label: w("id"), children: e.id },
                {
                  key: "lines",
                  label: w("lines"),
                  children: e.businessLines.map((l) => <Tag key={l}>{lines.name(l)}</Tag>),
                },
                ...(e.kind === "faq"
                  ? [
                      { key: "intent", label: w("intent"), children: String(e.data.intent ?? "") },
                      {
                        key: "variants",
                        label: w("variantsView"),
                        children: ((e.data.variants as string[] | undefined) ?? []).map((v) => (
                          <Tag key={v}>{v}</Tag>
                        )),
                      },
                    ]
                  : []),
                {
                  key: "body",
                  label: e.kind === "faq" ? w("faqBody") : w("body"),
                  children: (
                    <div style={{ whiteSpace: "pre-wrap" }} data-testid="kb-body">
                      {e.body}
                    </div>
                  ),
                },
                ...(e.kind === "macro"
                  ? [
                      {
                        key: "vars",
                        label: w("variables"),
                        children: ((e.data.variables as string[] | undefined) ?? []).map((v) => (
                          <Tag key={v}>{v}</Tag>
                        )),
                      },
                    ]
                  : []),
                ...extra.map(([k, v]) => ({ key: k, label: k, children: String(v) })),
                { key: "tags", label: w("tags"), children: e.tags.map((t) => <Tag key={t}>{t}</Tag>) },
                {
                  key: "status",
                  label: w("status"),
                  children: `${w(e.status === "archived" ? "archived" : "published")} · ${w("version")} ${e.version} · ${formatTime(e.updatedAt, locale)}`,
                },
              ]}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        {versions.data && <VersionHistory versions={versions.data.items} />}
      </Col>
    </Row>
  );
}
