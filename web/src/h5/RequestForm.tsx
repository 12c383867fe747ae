import { CheckCircleFilled } from "@ant-design/icons";
import { Alert, Button, Form, Input, Radio, Switch, type UploadFile } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { type Answer, ApiError, api } from "../api/client.ts";
import { resolutionLabel } from "../i18n/labels.ts";
import { useLocale } from "../i18n/locale.tsx";
import { charCount } from "../shared/format.ts";
import { useLocation } from "../shared/router.tsx";
import { Acknowledgement, rememberPhone } from "./Acknowledgement.tsx";
import { EvidenceUpload } from "./EvidenceUpload.tsx";
import { H5Frame } from "./H5App.tsx";
import { HelpLink } from "./HelpPage.tsx";
import {
  channelFromUrl,
  type FormValues,
  formFieldOf,
  intakeBody,
  newIdempotencyKey,
} from "./ticket-body.ts";

type OrderPack = Answer<"get", "/api/v1/policy-packs/for-order">;
type Ack = Answer<"post", "/api/v1/tickets">;

const PHONE = /^1\d{10}$/;

export function RequestForm() {
  const { locale, t } = useLocale();
  const { search } = useLocation();
  const channel = channelFromUrl(search);
  const [form] = Form.useForm<FormValues & { attachments: UploadFile[] }>();
  const [order, setOrder] = useState<OrderPack>();
  const [checking, setChecking] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [ack, setAck] = useState<Ack>();
  const [showForeignObject, setShowForeignObject] = useState(false);
  const idempotencyKey = useRef(newIdempotencyKey());
  const checked = useRef("");

  const category = Form.useWatch("category", form);
  const subType = Form.useWatch("subType", form);
  const description = Form.useWatch("description", form) ?? "";

  const pack = order?.pack;
  const min = pack?.descriptionMinLength[channel];
  const categoryDef = pack?.categories.find((c) => c.code === category);
  const needsForeignObject =
    showForeignObject ||
    !!categoryDef?.subTypes.find((s) => s.code === subType)?.requiresForeignObjectEvidence;

  /** Which pack applies is known once the order is: ask when both phone and order number look complete. */
  const checkOrder = async () => {
    const { phone = "", orderNo = "" } = form.getFieldsValue(["phone", "orderNo"]);
    const key = `${phone.trim()}|${orderNo.trim()}`;
    if (key === checked.current || !PHONE.test(phone.trim()) || !orderNo.trim()) return;
    checked.current = key;
    setChecking(true);
    try {
      const found = await api.get("/api/v1/policy-packs/for-order", {
        query: { phone: phone.trim(), orderNo: orderNo.trim() },
      });
      setOrder(found);
      form.setFields([{ name: "orderNo", errors: [] }]);
    } catch (e) {
      setOrder(undefined);
      if (e instanceof ApiError)
        form.setFields([{ name: "orderNo", errors: [e.field("orderNo") ?? e.message] }]);
    } finally {
      setChecking(false);
    }
  };

  const submit = async () => {
    const values = form.getFieldsValue(true) as FormValues & { attachments: UploadFile[] };
    setProblem(undefined);
    if (values.attachments?.some((f) => f.status === "uploading")) {
      setProblem(t("uploadsPending"));
      return;
    }
    setSubmitting(true);
    try {
      const result = await api.post("/api/v1/tickets", {
        body: intakeBody(values, channel, values.attachments ?? []),
        headers: { "idempotency-key": idempotencyKey.current },
      });
      rememberPhone(result.ticketNo, values.phone?.trim() ?? "");
      setAck(result);
      window.scrollTo({ top: 0 });
    } catch (e) {
      showErrors(e);
    } finally {
      setSubmitting(false);
    }
  };

  /** Every field the API named gets its message in place; anything else is said above the button. */
  const showErrors = (e: unknown) => {
    if (!(e instanceof ApiError)) throw e;
    const byField = new Map<string, string[]>();
    const general: string[] = [];
    for (const d of e.details) {
      if (d.field?.startsWith("foreignObject") || d.code === "FOREIGN_OBJECT_EVIDENCE_REQUIRED")
        setShowForeignObject(true);
      const path = d.field ? formFieldOf(d.field) : null;
      if (!path) {
        general.push(d.message ?? "");
        continue;
      }
      const key = path.join(".");
      byField.set(key, [...(byField.get(key) ?? []), d.message ?? ""]);
    }
    form.setFields(
      [...byField].map(([key, errors]) => ({ name: key.split("."), errors })) as Parameters<
        typeof form.setFields
      >[0],
    );
    setProblem(e.details.length ? [t("formHasErrors"), ...general].join(" ") : e.message);
    const first = [...byField.keys()][0];
    if (first) form.scrollToField(first.split("."), { block: "center", focus: true });
  };

  // A link from the app carries the order: recognise it straight away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the values the link brought.
  useEffect(() => {
    void checkOrder();
  }, []);

  const resolutions = useMemo(
    () => (pack?.expectedResolutions ?? []).map((r) => ({ value: r, label: resolutionLabel(r, locale) })),
    [pack, locale],
  );

  if (ack) return <Acknowledgement ack={ack} />;

  const count = charCount(description);
  return (
    <H5Frame title={t("h5Title")} subtitle={t("h5Subtitle")}>
      <HelpLink search={search} />
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={submit}
        initialValues={{
          phone: search.get("phone") ?? "",
          orderNo: search.get("orderNo") ?? "",
          attachments: [],
          urgent: false,
        }}
        onValuesChange={(changed) => {
          // A message from the API is about the value it saw; once the value changes it no longer holds.
          form.setFields(
            Object.entries(changed).flatMap(([name, value]): { name: string[]; errors: string[] }[] =>
              name === "foreignObject"
                ? Object.keys(value ?? {}).map((k) => ({ name: ["foreignObject", k], errors: [] }))
                : [{ name: [name], errors: [] }],
            ) as Parameters<typeof form.setFields>[0],
          );
          if ("phone" in changed || "orderNo" in changed) {
            if (order) setOrder(undefined);
            checked.current = "";
          }
          if ("category" in changed) form.setFieldValue("subType", undefined);
        }}
        scrollToFirstError
      >
        <section className="h5-card" aria-labelledby="order-heading">
          <h2 id="order-heading">{t("orderSection")}</h2>
          <Form.Item name="phone" label={t("phone")}>
            <Input
              type="tel"
              inputMode="numeric"
              autoComplete="tel"
              maxLength={20}
              placeholder={t("phonePlaceholder")}
              onBlur={checkOrder}
            />
          </Form.Item>
          <Form.Item
            name="orderNo"
            label={t("orderNo")}
            extra={
              checking
                ? t("orderChecking")
                : order && (
                    <span style={{ color: "#389e0d" }}>
                      <CheckCircleFilled /> {t("orderFound", { line: order.pack.labels[locale] })}
                    </span>
                  )
            }
          >
            <Input maxLength={64} placeholder={t("orderNoPlaceholder")} onBlur={checkOrder} />
          </Form.Item>
          <Form.Item name="name" label={t("name")}>
            <Input maxLength={50} autoComplete="name" placeholder={t("namePlaceholder")} />
          </Form.Item>
        </section>

        <section className="h5-card" aria-labelledby="problem-heading">
          <h2 id="problem-heading">{t("problemSection")}</h2>
          <Form.Item
            name="category"
            label={t("category")}
            extra={pack ? t("categoryHint") : t("categoryNeedsOrder")}
          >
            <Radio.Group
              className="h5-choices"
              optionType="button"
              disabled={!pack}
              options={[
                { value: "", label: t("notSure") },
                ...(pack?.categories ?? []).map((c) => ({ value: c.code, label: c.labels[locale] })),
              ]}
            />
          </Form.Item>
          {categoryDef && (
            <Form.Item name="subType" label={t("subType")}>
              <Radio.Group
                className="h5-choices"
                optionType="button"
                options={categoryDef.subTypes.map((s) => ({ value: s.code, label: s.labels[locale] }))}
              />
            </Form.Item>
          )}
          {resolutions.length > 0 && (
            <Form.Item name="expectedResolution" label={t("expectedResolution")}>
              <Radio.Group className="h5-choices" optionType="button" options={resolutions} />
            </Form.Item>
          )}
          <Form.Item
            name="description"
            label={t("description")}
            extra={
              <div className={`h5-count${min && count < min ? " short" : ""}`} aria-live="polite">
                {min ? t("charCountMin", { count, min }) : t("charCount", { count })}
              </div>
            }
          >
            <Input.TextArea
              autoSize={{ minRows: 5, maxRows: 12 }}
              maxLength={2000}
              placeholder={t("descriptionPlaceholder")}
            />
          </Form.Item>
          <Form.Item name="occurredAt" label={t("occurredAt")}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item name="urgent" label={t("urgent")} valuePropName="checked" extra={t("urgentHint")}>
            <Switch />
          </Form.Item>
        </section>

        <section className="h5-card" aria-labelledby="evidence-heading">
          <h2 id="evidence-heading">{t("evidence")}</h2>
          <Form.Item
            name="attachments"
            valuePropName="files"
            getValueFromEvent={(list: UploadFile[]) => list}
            extra={t("evidenceHint")}
          >
            <EvidenceUpload />
          </Form.Item>
          {needsForeignObject && (
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend style={{ fontWeight: 600, marginBottom: 8 }}>{t("foreignObject")}</legend>
              <p className="h5-time">{t("foreignObjectHint")}</p>
              <Form.Item name={["foreignObject", "colour"]} label={t("colour")}>
                <Input placeholder={t("colourPlaceholder")} maxLength={50} />
              </Form.Item>
              <Form.Item name={["foreignObject", "shape"]} label={t("shape")}>
                <Input placeholder={t("shapePlaceholder")} maxLength={50} />
              </Form.Item>
              <Form.Item name={["foreignObject", "size"]} label={t("size")}>
                <Input placeholder={t("sizePlaceholder")} maxLength={50} />
              </Form.Item>
            </fieldset>
          )}
        </section>

        <div className="h5-submit">
          {problem && (
            <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} role="alert" />
          )}
          <Button type="primary" htmlType="submit" size="large" block loading={submitting}>
            {submitting ? t("submitting") : t("submit")}
          </Button>
        </div>
      </Form>
    </H5Frame>
  );
}
