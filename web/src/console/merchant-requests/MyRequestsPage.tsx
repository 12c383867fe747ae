import { Button, Card, DatePicker, Drawer, Form, Input, Rate, Select, Space } from "antd";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { useFiling } from "../../shared/useFiling.ts";
import { RequestTable, RequestView } from "./RequestView.tsx";
import { useRequestActions } from "./useRequestActions.ts";
import { requestWord, requestWordKeys } from "./words.ts";

type Filing = {
  subject: string;
  body: string;
  category?: string;
  orderNo?: string;
  occurredAt?: { toISOString(): string };
};

/** 我的工单: a merchant asks merchant service, follows the answer, and rates it or reopens it. */
export function MyRequestsPage() {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const list = useAsync((signal) => api.get("/api/v1/merchant/requests", { signal }), []);
  const [openNo, setOpenNo] = useState<string | null>(null);
  const { form, file } = useFiling(
    (v: Filing) =>
      api.post("/api/v1/merchant/requests", {
        body: {
          subject: v.subject,
          body: v.body,
          ...(v.category ? { category: v.category as never } : {}),
          ...(v.orderNo ? { orderNo: v.orderNo } : {}),
          ...(v.occurredAt ? { occurredAt: v.occurredAt.toISOString() } : {}),
        },
      }),
    w("filed"),
    list,
  );

  return (
    <div>
      <Card title={w("fileTitle")} size="small" style={{ marginBottom: 16 }}>
        <Form form={form} layout="vertical" onFinish={file} style={{ maxWidth: 640 }}>
          <Form.Item name="subject" label={w("subject")} rules={[{ required: true, min: 2, max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="body" label={w("body")} rules={[{ required: true, min: 2, max: 4000 }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={4000} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="category" label={w("category")} extra={w("categoryAuto")}>
              <Select
                allowClear
                style={{ width: 220 }}
                options={requestWordKeys("c_").map((c) => ({ value: c, label: w(`c_${c}`) }))}
              />
            </Form.Item>
            <Form.Item name="orderNo" label={w("orderNo")}>
              <Input maxLength={40} />
            </Form.Item>
            <Form.Item name="occurredAt" label={w("occurredAt")}>
              <DatePicker showTime />
            </Form.Item>
          </Space>
          <div>
            <Button type="primary" htmlType="submit">
              {w("submit")}
            </Button>
          </div>
        </Form>
      </Card>
      <Card title={w("myMenu")} size="small">
        <RequestTable items={list.data?.items} loading={list.loading} staff={false} onOpen={setOpenNo} />
      </Card>
      {openNo && (
        <MyRequestDrawer
          requestNo={openNo}
          onClose={() => {
            setOpenNo(null);
            list.reload(true);
          }}
        />
      )}
    </div>
  );
}

function MyRequestDrawer({ requestNo, onClose }: { requestNo: string; onClose: () => void }) {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const detail = useAsync(
    (signal) => api.get("/api/v1/merchant/requests/{requestNo}", { path: { requestNo }, signal }),
    [requestNo],
  );
  const { text, setText, act } = useRequestActions(detail);
  const [rating, setRating] = useState(5);
  const status = detail.data?.request.status;
  return (
    <Drawer open width={720} title={requestNo} onClose={onClose}>
      {detail.data && <RequestView detail={detail.data} />}
      {status && status !== "closed" && (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={status === "resolved" ? w("reason") : w("message")}
            maxLength={2000}
          />
          {status === "resolved" ? (
            <Space wrap>
              <Rate value={rating} onChange={setRating} />
              <Button
                type="primary"
                onClick={() =>
                  act(() =>
                    api.post("/api/v1/merchant/requests/{requestNo}/feedback", {
                      path: { requestNo },
                      body: { satisfied: true, rating, ...(text ? { comment: text } : {}) },
                    }),
                  )
                }
              >
                {w("satisfied")}
              </Button>
              <Button
                danger
                disabled={text.trim().length < 2}
                onClick={() =>
                  act(() =>
                    api.post("/api/v1/merchant/requests/{requestNo}/feedback", {
                      path: { requestNo },
                      body: { satisfied: false, reason: text },
                    }),
                  )
                }
              >
                {w("notSatisfied")}
              </Button>
            </Space>
          ) : (
            <Button
              type="primary"
              disabled={!text.trim()}
              onClick={() =>
                act(() =>
                  api.post("/api/v1/merchant/requests/{requestNo}/messages", {
                    path: { requestNo },
                    body: { body: text },
                  }),
                )
              }
            >
              {w("send")}
            </Button>
          )}
        </Space>
      )}
    </Drawer>
  );
}
