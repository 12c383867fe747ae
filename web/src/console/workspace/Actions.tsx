import { App as AntApp, Button, Divider, Form, Input, Select, Space, Switch } from "antd";
import { useState } from "react";
import { api, type RequestBody } from "../../api/client.ts";
import { severityLabel, statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { movesOf, REASON_REQUIRED, STATUSES, type Status } from "../../shared/domain.ts";
import { every } from "../../shared/every.ts";
import type { PublicPack } from "../../shared/packs.ts";
import { can, type Session } from "../session.ts";
import { ActionModal } from "./ActionModal.tsx";
import { AssigneeField } from "./AssigneeField.tsx";
import type { Ticket } from "./types.ts";

type Classification = RequestBody<"post", "/api/v1/tickets/{ticketNo}/classification">;
const SEVERITIES = every<NonNullable<Classification["severity"]>>()(["serious", "general", "minor"]);

type Open = null | "assign" | "reclassify" | "merge" | "withdraw" | { to: Status };

const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);

/** The buttons a ticket's current status and the viewer's role allow, each with its form. */
export function Actions({
  ticket,
  session,
  pack,
  onDone,
}: {
  ticket: Ticket;
  session: Session;
  pack: PublicPack | undefined;
  onDone(): void;
}) {
  const { locale, t } = useLocale();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState<Open>(null);
  const [taking, setTaking] = useState(false);
  const ticketNo = ticket.ticketNo;
  const close = () => setOpen(null);
  const done = () => {
    message.success(t("done"));
    onDone();
  };

  const canWork = can(session, "tickets.work");
  const canAssign = can(session, "tickets.assign");
  if (!canWork) return null;

  const moves = isStatus(ticket.status)
    ? movesOf({ status: ticket.status, mergedInto: ticket.mergedInto })
    : [];
  const isOpen = !["resolved", "closed", "not_applicable"].includes(ticket.status);
  const mine = ticket.assignee?.username === session.username;
  const target = typeof open === "object" && open ? open.to : undefined;

  const take = async () => {
    setTaking(true);
    try {
      await api.post("/api/v1/tickets/{ticketNo}/take", { path: { ticketNo } });
      done();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setTaking(false);
    }
  };

  return (
    <>
      <Space wrap>
        {isOpen && !mine && (
          <Button type="primary" onClick={take} loading={taking}>
            {t("take")}
          </Button>
        )}
        {canAssign && isOpen && <Button onClick={() => setOpen("assign")}>{t("assign")}</Button>}
        <Button onClick={() => setOpen("reclassify")}>{t("reclassify")}</Button>
        {isOpen && <Button onClick={() => setOpen("merge")}>{t("merge")}</Button>}
        {ticket.canWithdraw && (
          <Button onClick={() => setOpen("withdraw")}>{t("withdrawForCustomer")}</Button>
        )}
        <Divider orientation="vertical" />
        <span style={{ color: "#8c8c8c" }}>{moves.length > 0 ? `${t("moveTo")}：` : t("noTransitions")}</span>
        {moves.map((to) => (
          <Button key={to} onClick={() => setOpen({ to })} data-testid={`move-${to}`}>
            {statusLabel(to, locale)}
          </Button>
        ))}
      </Space>

      <ActionModal<{ to: Status; reason?: string }>
        title={`${t("moveTo")}：${target ? statusLabel(target, locale) : ""}`}
        open={!!target}
        onClose={close}
        fields={["reason"]}
        onSubmit={async (v) => {
          await api.post("/api/v1/tickets/{ticketNo}/transitions", {
            path: { ticketNo },
            body: { to: target!, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
          });
          done();
        }}
      >
        {() => (
          <Form.Item
            name="reason"
            label={t("reason")}
            extra={target && REASON_REQUIRED.includes(target) ? t("reasonCustomerSees") : undefined}
            rules={[{ required: !!target && REASON_REQUIRED.includes(target), message: t("reasonRequired") }]}
          >
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} autoFocus />
          </Form.Item>
        )}
      </ActionModal>

      <ActionModal<{ username: string }>
        title={t("assign")}
        open={open === "assign"}
        onClose={close}
        fields={["username"]}
        onSubmit={async (v) => {
          await api.post("/api/v1/tickets/{ticketNo}/assign", {
            path: { ticketNo },
            body: { username: v.username },
          });
          done();
        }}
      >
        {() => <AssigneeField />}
      </ActionModal>

      <ActionModal<{
        category: string;
        subType?: string | null;
        severity: Classification["severity"];
        urgent: boolean;
        reason: string;
      }>
        title={t("reclassify")}
        open={open === "reclassify"}
        onClose={close}
        fields={["category", "subType", "severity", "urgent", "reason"]}
        initialValues={{
          category: ticket.category,
          subType: ticket.subType,
          severity: ticket.severity as Classification["severity"],
          urgent: ticket.urgent,
        }}
        onSubmit={async (v) => {
          await api.post("/api/v1/tickets/{ticketNo}/classification", {
            path: { ticketNo },
            body: {
              category: v.category,
              subType: v.subType ?? null,
              severity: v.severity,
              urgent: v.urgent,
              reason: v.reason.trim(),
            },
          });
          done();
        }}
      >
        {(form) => (
          <>
            <Form.Item name="category" label={t("category")} rules={[{ required: true }]}>
              <Select
                options={pack?.categories.map((c) => ({ value: c.code, label: c.labels[locale] }))}
                onChange={() => form.setFieldValue("subType", null)}
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.category !== b.category}>
              {() => (
                <Form.Item name="subType" label={t("subType")}>
                  <Select
                    allowClear
                    options={pack?.categories
                      .find((c) => c.code === form.getFieldValue("category"))
                      ?.subTypes.map((s) => ({ value: s.code, label: s.labels[locale] }))}
                  />
                </Form.Item>
              )}
            </Form.Item>
            <Form.Item name="severity" label={t("severity")}>
              <Select options={SEVERITIES.map((s) => ({ value: s, label: severityLabel(s, locale) }))} />
            </Form.Item>
            <Form.Item name="urgent" label={t("urgent")} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t("reason")}
              rules={[{ required: true, whitespace: true, message: t("reasonRequired") }]}
            >
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
            </Form.Item>
          </>
        )}
      </ActionModal>

      <ActionModal<{ reason: string }>
        title={t("withdrawForCustomer")}
        open={open === "withdraw"}
        onClose={close}
        fields={["reason"]}
        onSubmit={async (v) => {
          await api.post("/api/v1/tickets/{ticketNo}/withdraw", {
            path: { ticketNo },
            body: { reason: v.reason.trim() },
          });
          done();
        }}
      >
        {() => (
          <>
            <p style={{ color: "#8c8c8c" }}>{t("withdrawForCustomerHint")}</p>
            <Form.Item
              name="reason"
              label={t("reason")}
              extra={t("reasonCustomerSees")}
              rules={[{ required: true, whitespace: true, message: t("reasonRequired") }]}
            >
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={200} autoFocus />
            </Form.Item>
          </>
        )}
      </ActionModal>

      <ActionModal<{ into: string; reason?: string }>
        title={t("merge")}
        open={open === "merge"}
        onClose={close}
        fields={["into", "reason"]}
        onSubmit={async (v) => {
          await api.post("/api/v1/tickets/{ticketNo}/merge", {
            path: { ticketNo },
            body: {
              into: v.into.trim().toUpperCase(),
              ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
            },
          });
          done();
        }}
      >
        {() => (
          <>
            <p style={{ color: "#8c8c8c" }}>{t("mergeHint")}</p>
            <Form.Item
              name="into"
              label={t("mergeInto")}
              rules={[{ required: true, whitespace: true, message: t("mergeInto") }]}
            >
              <Input maxLength={24} />
            </Form.Item>
            <Form.Item name="reason" label={t("reason")}>
              <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
            </Form.Item>
          </>
        )}
      </ActionModal>
    </>
  );
}
