import { ReloadOutlined } from "@ant-design/icons";
import { Button, Input, type InputRef, Select, Space } from "antd";
import { useEffect, useRef } from "react";
import { channelLabel, queueLabel, severityLabel, statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { every } from "../../shared/every.ts";
import type { PublicPack } from "../../shared/packs.ts";
import { type QueueState, STATUSES } from "./queue-query.ts";

// The options are the list route's own query enums (schema.d.ts); `every` fails the build if one is missed.
const SEVERITIES = every<NonNullable<QueueState["severity"]>>()(["serious", "general", "minor"]);
const CHANNELS = every<NonNullable<QueueState["channel"]>>()([
  "app",
  "web",
  "wechat",
  "phone",
  "email",
  "onsite",
  "merchant",
  "api",
]);
const QUEUES = every<NonNullable<QueueState["queue"]>>()([
  "customer_service",
  "rider_logistics",
  "merchant_verification",
  "supervisor",
  "manager",
]);

export function QueueFilters({
  state,
  packs,
  onChange,
  onRefresh,
}: {
  state: QueueState;
  packs: Map<string, PublicPack> | undefined;
  onChange(patch: Partial<QueueState>): void;
  onRefresh(): void;
}) {
  const { locale, t } = useLocale();
  const search = useRef<InputRef>(null);

  // "/" jumps to the search box, as in most back-office tools.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "TEXTAREA"].includes(target.tagName) && !target.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const pack = state.businessLine ? packs?.get(state.businessLine) : undefined;
  const width = { width: 150 };
  return (
    <Space wrap size={[8, 8]} style={{ marginBottom: 12 }}>
      <Input.Search
        ref={search}
        allowClear
        defaultValue={state.q}
        key={state.q ?? ""}
        placeholder={`${t("search")}  /`}
        aria-label={t("search")}
        style={{ width: 280 }}
        onSearch={(q) => onChange({ q: q.trim() || undefined })}
      />
      <Select
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        placeholder={t("filterStatus")}
        aria-label={t("filterStatus")}
        style={{ width: 200 }}
        value={state.status}
        onChange={(status: string[]) => onChange({ status })}
        options={STATUSES.map((s) => ({ value: s, label: statusLabel(s, locale) }))}
      />
      <Select
        allowClear
        placeholder={t("filterLine")}
        aria-label={t("filterLine")}
        style={width}
        value={state.businessLine}
        onChange={(businessLine?: string) => onChange({ businessLine, category: undefined })}
        options={[...(packs?.values() ?? [])].map((p) => ({
          value: p.businessLine,
          label: p.labels[locale],
        }))}
      />
      <Select
        allowClear
        disabled={!pack}
        placeholder={t("filterCategory")}
        aria-label={t("filterCategory")}
        style={width}
        value={state.category}
        onChange={(category?: string) => onChange({ category })}
        options={pack?.categories.map((c) => ({ value: c.code, label: c.labels[locale] }))}
      />
      <Select
        allowClear
        placeholder={t("filterSeverity")}
        aria-label={t("filterSeverity")}
        style={{ width: 120 }}
        value={state.severity}
        onChange={(severity?: QueueState["severity"]) => onChange({ severity })}
        options={SEVERITIES.map((s) => ({ value: s, label: severityLabel(s, locale) }))}
      />
      <Select
        allowClear
        placeholder={t("filterChannel")}
        aria-label={t("filterChannel")}
        style={{ width: 120 }}
        value={state.channel}
        onChange={(channel?: QueueState["channel"]) => onChange({ channel })}
        options={CHANNELS.map((c) => ({ value: c, label: channelLabel(c, locale) }))}
      />
      <Select
        allowClear
        placeholder={t("filterQueue")}
        aria-label={t("filterQueue")}
        style={width}
        value={state.queue}
        onChange={(queue?: QueueState["queue"]) => onChange({ queue })}
        options={QUEUES.map((q) => ({ value: q, label: queueLabel(q, locale) }))}
      />
      <Button
        onClick={() =>
          onChange({
            status: [],
            businessLine: undefined,
            category: undefined,
            severity: undefined,
            channel: undefined,
            queue: undefined,
            q: undefined,
          })
        }
      >
        {t("resetFilters")}
      </Button>
      <Button icon={<ReloadOutlined />} onClick={onRefresh} aria-label={t("refresh")} />
    </Space>
  );
}
