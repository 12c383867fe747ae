import { App, Button, Card, DatePicker, Drawer, Form, Input, Select, Space, Table, Tag } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { type AbuseWord, abuseWord } from "./words.ts";

type Listing = Answer<"get", "/api/v1/blacklist">["items"][number];
type Status = Listing["status"];
const COLOURS: Record<Status, string> = { active: "red", lifted: "green", expired: "default" };

/** Blacklist administration: who is listed and why, listing a customer, deciding appeals, lifting. */
export function BlacklistPage() {
  const { locale } = useLocale();
  const w = (k: AbuseWord) => abuseWord(k, locale);
  const { message } = App.useApp();
  const [status, setStatus] = useState<Status | undefined>("active");
  const list = useAsync(
    (signal) => api.get("/api/v1/blacklist", { query: status ? { status } : {}, signal }),
    [status],
  );
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<Listing | null>(null);

  const run = async (action: () => Promise<unknown>, done: AbuseWord) => {
    try {
      await action();
      message.success(w(done));
      setShown(null);
      setAdding(false);
      list.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    }
  };
  const add = (v: { phone: string; reason: string; evidence?: string; expiresAt: Dayjs }) =>
    run(
      () =>
        api.post("/api/v1/blacklist", {
          body: {
            phone: v.phone,
            reason: v.reason,
            expiresAt: v.expiresAt.toDate().toISOString(),
            evidence: {
              ticketNos: (v.evidence ?? "").split(/[,，\s]+/).filter(Boolean),
            },
          },
        }),
      "added",
    );

  return (
    <Card
      title={w("menu")}
      size="small"
      extra={
        <Space>
          <Select<Status | undefined>
            allowClear
            style={{ width: 120 }}
            value={status}
            onChange={setStatus}
            options={(["active", "lifted", "expired"] as const).map((s) => ({ value: s, label: w(s) }))}
          />
          <Button type="primary" onClick={() => setAdding(true)}>
            {w("add")}
          </Button>
        </Space>
      }
    >
      <Table<Listing>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        onRow={(l) => ({ onClick: () => setShown(l), style: { cursor: "pointer" } })}
        columns={[
          { title: w("phone"), dataIndex: "phone" },
          { title: w("reason"), dataIndex: "reason", ellipsis: true },
          {
            title: w("status"),
            dataIndex: "status",
            render: (s: Status) => <Tag color={COLOURS[s]}>{w(s)}</Tag>,
          },
          {
            title: w("expiresAt"),
            dataIndex: "expiresAt",
            render: (at: string) => formatTime(at, locale, true),
          },
          { title: w("createdBy"), dataIndex: "createdBy" },
          {
            title: w("appeals"),
            dataIndex: "appeals",
            render: (a: Listing["appeals"]) => {
              const pending = a.filter((x) => x.status === "pending").length;
              return pending ? <Tag color="orange">{`${w("pending")} ${pending}`}</Tag> : a.length || "—";
            },
          },
        ]}
      />
      <Drawer open={adding} width={480} title={w("add")} onClose={() => setAdding(false)} destroyOnHidden>
        <Form layout="vertical" onFinish={add}>
          <Form.Item name="phone" label={w("phone")} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="reason" label={w("reason")} rules={[{ required: true, min: 4 }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item name="evidence" label={w("evidence")}>
            <Input />
          </Form.Item>
          <Form.Item name="expiresAt" label={w("expiresAt")} rules={[{ required: true }]}>
            <DatePicker showTime />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {w("add")}
          </Button>
        </Form>
      </Drawer>
      <Drawer open={!!shown} width={560} title={shown?.phone} onClose={() => setShown(null)} destroyOnHidden>
        {shown && (
          <ListingDetail
            listing={shown}
            w={w}
            locale={locale}
            decide={(appealId, decision, note) =>
              run(
                () =>
                  api.post("/api/v1/blacklist/appeals/{id}/decision", {
                    path: { id: appealId },
                    body: { decision, note },
                  }),
                "decided",
              )
            }
            lift={(reason) =>
              run(
                () => api.post("/api/v1/blacklist/{id}/lift", { path: { id: shown.id }, body: { reason } }),
                "lifted",
              )
            }
          />
        )}
      </Drawer>
    </Card>
  );
}

function ListingDetail({
  listing,
  w,
  locale,
  decide,
  lift,
}: {
  listing: Listing;
  w: (k: AbuseWord) => string;
  locale: "zh-CN" | "en";
  decide: (appealId: string, decision: "lift" | "uphold", note: string) => void;
  lift: (reason: string) => void;
}) {
  const [note, setNote] = useState("");
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <div>
        <Tag color={COLOURS[listing.status]}>{w(listing.status)}</Tag> {listing.reason}
      </div>
      <div>
        {listing.evidence.ticketNos.map((no) => (
          <Link key={no} to={`/console/tickets/${no}`}>
            <Tag>{no}</Tag>
          </Link>
        ))}
      </div>
      <Input.TextArea
        placeholder={w("note")}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        autoSize={{ minRows: 2 }}
      />
      {listing.appeals.map((a) => (
        <Card key={a.id} size="small" title={`${w("appeals")} · ${formatTime(a.submittedAt, locale, true)}`}>
          <p>{a.statement}</p>
          {a.status === "pending" ? (
            <Space>
              <Button type="primary" disabled={!note.trim()} onClick={() => decide(a.id, "lift", note)}>
                {w("lift")}
              </Button>
              <Button disabled={!note.trim()} onClick={() => decide(a.id, "uphold", note)}>
                {w("uphold")}
              </Button>
            </Space>
          ) : (
            <Tag>{`${w(a.status)} · ${a.decidedBy ?? ""} · ${a.note ?? ""}`}</Tag>
          )}
        </Card>
      ))}
      {listing.status === "active" && (
        <Button danger disabled={!note.trim()} onClick={() => lift(note)}>
          {w("liftListing")}
        </Button>
      )}
    </Space>
  );
}
