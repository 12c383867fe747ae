import { CameraOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Input, Select, type UploadFile } from "antd";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { EvidenceUpload, uploadedIds } from "../../h5/EvidenceUpload.tsx";
import type { Locale } from "../../i18n/locale.tsx";
import { useLocale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { can, type Session } from "../session.ts";

/**
 * 现场反馈: a rider at the door or a warehouse worker at the dock registers what they see for the order's
 * customer, from a phone: order number, what happened, photos. Laid out for one hand on a small screen.
 */
const WORDS = {
  menu: ["现场反馈", "On-site report"],
  title: ["登记现场问题", "Report a problem on site"],
  hint: [
    "以顾客的名义登记：顾客会收到受理通知，可凭手机号查询进度。",
    "Registered for the customer: they get the acknowledgement and follow it with their phone.",
  ],
  orderNo: ["订单号", "Order no."],
  description: ["看到的情况", "What you see"],
  photos: ["现场照片", "Photos"],
  expected: ["建议处理方式", "Suggested remedy"],
  submit: ["提交登记", "Register"],
  done: ["已登记，服务单号", "Registered as ticket"],
  r_refund: ["退款", "Refund"],
  r_remake: ["重做", "Remake"],
  r_exchange: ["换货/补发", "Exchange / resend"],
  r_return: ["退货", "Return"],
  r_compensation: ["补偿", "Compensation"],
  r_other: ["其他", "Other"],
} as const;
const word = (k: keyof typeof WORDS, locale: Locale) => WORDS[k][locale === "en" ? 1 : 0];
const REMEDIES = ["refund", "remake", "exchange", "return", "compensation", "other"] as const;

type Registered = Answer<"post", "/api/v1/onsite-reports">;
type Values = {
  orderNo: string;
  description: string;
  expectedResolution?: string;
  attachments?: UploadFile[];
};

export function OnsiteReportPage() {
  const { locale } = useLocale();
  const w = (k: keyof typeof WORDS) => word(k, locale);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [done, setDone] = useState<Registered[]>([]);
  // One key per report being filled in: a retry after a dropped signal answers the same ticket.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());

  const submit = async (v: Values) => {
    const ids = uploadedIds(v.attachments ?? []);
    try {
      const r = await api.post("/api/v1/onsite-reports", {
        body: {
          orderNo: v.orderNo.trim(),
          description: v.description,
          ...(v.expectedResolution ? { expectedResolution: v.expectedResolution as never } : {}),
          ...(ids.length ? { attachmentIds: ids } : {}),
        },
        headers: { "idempotency-key": attempt },
      });
      setDone((list) => [r, ...list]);
      setAttempt(crypto.randomUUID());
      form.resetFields();
    } catch (e) {
      const err = e as ApiError;
      form.setFields(
        err.details.map((d) => ({ name: d.field as keyof Values, errors: [d.message ?? err.message] })),
      );
      message.error(err.message);
    }
  };

  return (
    <div style={{ maxWidth: 480, margin: "0 auto" }} data-testid="onsite-report">
      <Card title={w("title")} size="small">
        <Alert type="info" showIcon title={w("hint")} style={{ marginBottom: 12 }} />
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="orderNo" label={w("orderNo")} rules={[{ required: true, max: 40 }]}>
            <Input inputMode="text" autoComplete="off" size="large" />
          </Form.Item>
          <Form.Item name="description" label={w("description")} rules={[{ required: true, max: 2000 }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} showCount />
          </Form.Item>
          <Form.Item
            name="attachments"
            label={w("photos")}
            valuePropName="files"
            getValueFromEvent={(list: UploadFile[]) => list}
          >
            <EvidenceUpload />
          </Form.Item>
          <Form.Item name="expectedResolution" label={w("expected")}>
            <Select allowClear options={REMEDIES.map((r) => ({ value: r, label: w(`r_${r}`) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large">
            {w("submit")}
          </Button>
        </Form>
      </Card>
      {done.map((r) => (
        <Alert
          key={r.ticketNo}
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          message={`${w("done")} ${r.ticketNo}`}
          description={r.acknowledgement.text}
        />
      ))}
    </div>
  );
}

export const onsiteMenu = (session: Session, locale: Locale) =>
  can(session, "onsite.report")
    ? [
        {
          key: "/console/onsite",
          icon: <CameraOutlined />,
          label: <Link to="/console/onsite">{word("menu", locale)}</Link>,
        },
      ]
    : [];
