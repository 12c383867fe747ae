import { App, Button, Card, Descriptions, Drawer, Form, Input, Select, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";

type Mediation = Answer<"get", "/api/v1/mediations">["items"][number];

const WORDS = {
  menu: ["调解队列", "Mediation queue"],
  ticket: ["服务单", "Ticket"],
  merchant: ["商家", "Merchant"],
  source: ["来源", "Source"],
  merchant_dispute: ["商家异议", "Merchant dispute"],
  remedy_dispute: ["客户对方案有异议", "Customer disputes the remedy"],
  openedAt: ["发起时间", "Opened"],
  merchantSide: ["商家陈述", "Merchant's statement"],
  customerSide: ["客户陈述", "Customer's statement"],
  evidence: ["证据", "Evidence"],
  decide: ["裁定", "Decide"],
  liable: ["责任方", "Liable party"],
  reason: ["理由", "Reason"],
  merchant_p: ["商家", "Merchant"],
  platform: ["平台", "Platform"],
  customer: ["客户", "Customer"],
  rider: ["骑手", "Rider"],
  logistics: ["物流方", "Carrier"],
  nobody: ["无责任方", "Nobody"],
  decided: ["已裁定", "Decided"],
} as const;
const PARTIES = ["merchant", "platform", "customer", "rider", "logistics", "nobody"] as const;

/** The platform mediators' queue (调解): both sides' statements and evidence, and the liability decision. */
export function MediationsPage() {
  const { locale } = useLocale();
  const w = (k: keyof typeof WORDS) => WORDS[k][locale === "en" ? 1 : 0];
  const party = (p: string) => (p === "merchant" ? w("merchant_p") : w(p as keyof typeof WORDS));
  const { message } = App.useApp();
  const list = useAsync((signal) => api.get("/api/v1/mediations", { query: { status: "open" }, signal }), []);
  const [shown, setShown] = useState<Mediation | null>(null);

  const decide = async (values: { liable: (typeof PARTIES)[number]; reason: string }) => {
    if (!shown) return;
    try {
      await api.post("/api/v1/mediations/{id}/decision", { path: { id: shown.id }, body: values });
      message.success(w("decided"));
      setShown(null);
      list.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    }
  };
  const evidence = (ids: string[]) =>
    ids.length
      ? ids.map((id) => (
          <a key={id} href={`/api/v1/attachments/${id}/file`} target="_blank" rel="noreferrer">
            <Tag>{id.slice(0, 8)}</Tag>
          </a>
        ))
      : "—";

  return (
    <Card title={w("menu")} size="small">
      <Table<Mediation>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        onRow={(m) => ({ onClick: () => setShown(m), style: { cursor: "pointer" } })}
        columns={[
          { title: "ID", dataIndex: "id" },
          {
            title: w("ticket"),
            dataIndex: "ticketNo",
            render: (no: string) => <Link to={`/console/tickets/${no}`}>{no}</Link>,
          },
          { title: w("merchant"), dataIndex: "merchantId" },
          { title: w("source"), dataIndex: "source", render: (s: Mediation["source"]) => w(s) },
          {
            title: w("openedAt"),
            dataIndex: "openedAt",
            render: (at: string) => formatTime(at, locale, true),
          },
        ]}
      />
      <Drawer open={!!shown} width={560} title={shown?.id} onClose={() => setShown(null)} destroyOnHidden>
        {shown && (
          <>
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: "m", label: w("merchantSide"), children: shown.merchant.statement ?? "—" },
                { key: "me", label: w("evidence"), children: evidence(shown.merchant.evidence) },
                { key: "c", label: w("customerSide"), children: shown.customer.statement ?? "—" },
                { key: "ce", label: w("evidence"), children: evidence(shown.customer.evidence) },
              ]}
            />
            <Form layout="vertical" onFinish={decide} style={{ marginTop: 16 }}>
              <Form.Item name="liable" label={w("liable")} rules={[{ required: true }]}>
                <Select options={PARTIES.map((p) => ({ value: p, label: party(p) }))} />
              </Form.Item>
              <Form.Item name="reason" label={w("reason")} rules={[{ required: true }]}>
                <Input.TextArea autoSize={{ minRows: 2 }} />
              </Form.Item>
              <Button type="primary" htmlType="submit">
                {w("decide")}
              </Button>
            </Form>
          </>
        )}
      </Drawer>
    </Card>
  );
}

export const mediationMenuWord = (locale: string) => WORDS.menu[locale === "en" ? 1 : 0];
