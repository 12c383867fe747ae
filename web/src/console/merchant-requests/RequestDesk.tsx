import { Button, Card, Checkbox, Drawer, Input, Select, Space, Switch, Tabs } from "antd";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { merchantWord } from "../merchant/words.ts";
import { can, useSession } from "../session.ts";
import { OrderAssist } from "./OrderAssist.tsx";
import { RequestTable, RequestView } from "./RequestView.tsx";
import { ServiceFigures } from "./ServiceFigures.tsx";
import { useRequestActions } from "./useRequestActions.ts";
import { requestWord, requestWordKeys } from "./words.ts";

const DEPARTMENTS = [
  "operations",
  "logistics",
  "finance",
  "marketing",
  "product",
  "merchant_service",
] as const;

/** 商家工单: the merchant-service team's queue, one request at a time in a drawer, and the team's figures. */
export function RequestDesk() {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const session = useSession();
  const [status, setStatus] = useState<string | undefined>();
  const [escalated, setEscalated] = useState(false);
  const [openNo, setOpenNo] = useState<string | null>(null);
  const list = useAsync(
    (signal) =>
      api.get("/api/v1/merchant-requests", {
        query: { ...(status ? { status: status as never } : {}), ...(escalated ? { escalated: true } : {}) },
        signal,
      }),
    [status, escalated],
  );
  const queue = (
    <Card size="small">
      <Space style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={w("status")}
          style={{ width: 180 }}
          value={status}
          onChange={setStatus}
          options={requestWordKeys("st_").map((s) => ({ value: s, label: w(`st_${s}`) }))}
        />
        <Switch checked={escalated} onChange={setEscalated} /> {w("escalatedOnly")}
      </Space>
      <RequestTable items={list.data?.items} loading={list.loading} staff={true} onOpen={setOpenNo} />
      {openNo && (
        <DeskDrawer
          requestNo={openNo}
          onClose={() => {
            setOpenNo(null);
            list.reload(true);
          }}
        />
      )}
    </Card>
  );
  if (!can(session, "merchant_requests.metrics")) return queue;
  return (
    <Tabs
      items={[
        { key: "queue", label: w("deskMenu"), children: queue },
        { key: "figures", label: w("metrics"), children: <ServiceFigures /> },
      ]}
    />
  );
}

function DeskDrawer({ requestNo, onClose }: { requestNo: string; onClose: () => void }) {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const detail = useAsync(
    (signal) => api.get("/api/v1/merchant-requests/{requestNo}", { path: { requestNo }, signal }),
    [requestNo],
  );
  const { text, setText, act } = useRequestActions(detail);
  const [internal, setInternal] = useState(false);
  const [department, setDepartment] = useState<(typeof DEPARTMENTS)[number]>("operations");
  const path = { requestNo };
  const r = detail.data?.request;
  const open = r && r.status !== "closed" && r.status !== "resolved";
  return (
    <Drawer open width={760} title={requestNo} onClose={onClose}>
      {detail.data && <RequestView detail={detail.data} />}
      {r?.orderNo && <OrderAssist orderNo={r.orderNo} />}
      {open && (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} />
          <Checkbox checked={internal} onChange={(e) => setInternal(e.target.checked)}>
            {w("internal")}
          </Checkbox>
          <Space wrap>
            <Button
              onClick={() => act(() => api.post("/api/v1/merchant-requests/{requestNo}/take", { path }))}
            >
              {w("take")}
            </Button>
            <Button
              type="primary"
              disabled={!text.trim()}
              onClick={() =>
                act(() =>
                  api.post("/api/v1/merchant-requests/{requestNo}/messages", {
                    path,
                    body: { body: text, internal },
                  }),
                )
              }
            >
              {w("send")}
            </Button>
            <Select
              value={department}
              onChange={setDepartment}
              style={{ width: 140 }}
              options={DEPARTMENTS.map((d) => ({ value: d, label: merchantWord(`d_${d}`, locale) }))}
            />
            <Button
              onClick={() =>
                act(() =>
                  api.post("/api/v1/merchant-requests/{requestNo}/route", {
                    path,
                    body: { department, ...(text ? { note: text } : {}) },
                  }),
                )
              }
            >
              {w("route")}
            </Button>
            <Button
              onClick={() =>
                act(() =>
                  api.post("/api/v1/merchant-requests/{requestNo}/transitions", {
                    path,
                    body: { to: "awaiting_merchant" },
                  }),
                )
              }
            >
              {w("awaitMerchant")}
            </Button>
            <Button
              type="primary"
              ghost
              disabled={!text.trim()}
              title={w("result")}
              onClick={() =>
                act(() =>
                  api.post("/api/v1/merchant-requests/{requestNo}/transitions", {
                    path,
                    body: { to: "resolved", note: text },
                  }),
                )
              }
            >
              {w("resolve")}
            </Button>
          </Space>
        </Space>
      )}
    </Drawer>
  );
}
