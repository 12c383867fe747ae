import { Alert, Card, Descriptions, Segmented, Skeleton, Space, Table, Tag } from "antd";
import { useState } from "react";
import { type Answer, api } from "../../api/client.ts";
import { payerLabel, remedyLabel, resolutionLabel, severityLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatFen } from "../../shared/format.ts";
import { type BusinessLine, usePackList } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";

type Pack = Answer<"get", "/api/v1/policy-packs/{businessLine}/full">;

/** The active pack of a line with all its numbers, read-only: what the platform promises and decides. */
export function PoliciesPage() {
  const { locale, t } = useLocale();
  const lines = usePackList();
  const [line, setLine] = useState<BusinessLine>("food_delivery");
  const pack = useAsync(
    (signal) => api.get("/api/v1/policy-packs/{businessLine}/full", { path: { businessLine: line }, signal }),
    [line],
  );
  const p = pack.data;
  return (
    <Card
      title={
        <Segmented<BusinessLine>
          value={line}
          onChange={setLine}
          options={(lines.data?.items ?? []).map((l) => ({ value: l.businessLine, label: l.labels[locale] }))}
        />
      }
      extra={p && <Tag color="blue">{`${t("policyVersion")} ${p.version}`}</Tag>}
    >
      {pack.error && <Alert type="error" showIcon title={pack.error.message} />}
      {!p && !pack.error && <Skeleton active />}
      {p && <PackView pack={p} />}
    </Card>
  );
}

function PackView({ pack: p }: { pack: Pack }) {
  const { locale, t } = useLocale();
  const sla = p.sla;
  const s = p.serviceHours;
  return (
    <Space orientation="vertical" size={20} style={{ width: "100%" }}>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: "hours",
            label: t("serviceHours"),
            children: t("serviceHoursValue", {
              wo: s.workdays.open,
              wc: s.workdays.close,
              ho: s.holidays.open,
              hc: s.holidays.close,
            }),
          },
          {
            key: "min",
            label: t("descriptionMin"),
            children: Object.entries(p.descriptionMinLength)
              .map(([c, n]) => `${c}: ${n}`)
              .join(" · "),
          },
          {
            key: "first",
            label: `${t("firstResponse")} — ${t("slaTargets")}`,
            children: `${t("slaDefault")} ${sla.firstResponseMinutes.default} · ${t("slaSerious")} ${sla.firstResponseMinutes.serious} · ${t("slaUrgent")} ${sla.firstResponseMinutes.urgent}`,
          },
          {
            key: "resolution",
            label: `${t("resolution")} — ${t("slaTargets")}`,
            children: `${t("slaDefault")} ${sla.resolutionMinutes.default} · ${t("slaSerious")} ${sla.resolutionMinutes.serious} · ${t("slaUrgent")} ${sla.resolutionMinutes.urgent}`,
          },
          {
            key: "expected",
            label: t("expectedResolution"),
            children: p.expectedResolutions.map((r) => resolutionLabel(r, locale)).join("、"),
          },
          {
            key: "thresholds",
            label: t("thresholds"),
            children: (
              <>
                <div>
                  {t("repeatComplainant", {
                    days: p.thresholds.repeatComplainant.windowDays,
                    n: p.thresholds.repeatComplainant.minPrevious,
                  })}
                </div>
                <div>
                  {t("batchIncident", {
                    hours: p.thresholds.batchIncident.windowHours,
                    n: p.thresholds.batchIncident.count,
                  })}
                </div>
              </>
            ),
          },
          {
            key: "followUp",
            label: t("followUp"),
            children: `${t("surveyWithin", { hours: p.followUp.surveyWithinHours })}；${t("returnVisit", {
              min: p.followUp.returnVisitDays.min,
              max: p.followUp.returnVisitDays.max,
            })}`,
          },
          {
            key: "retention",
            label: t("retentionLabel"),
            children: t("retention", { months: p.retention.months }),
          },
        ]}
      />
      <Table
        title={() => <strong>{t("categories")}</strong>}
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={p.categories}
        columns={[
          {
            title: t("category"),
            dataIndex: "code",
            render: (code: string, c) => (
              <span>
                {c.labels[locale]} <code style={{ color: "#8c8c8c" }}>{code}</code>
              </span>
            ),
          },
          {
            title: t("subType"),
            key: "subTypes",
            render: (_, c) =>
              c.subTypes.map((st) => (
                <Tag
                  key={st.code}
                  color={st.severity === "serious" ? "red" : st.severity === "minor" ? "default" : "blue"}
                >
                  {st.labels[locale]}
                  {st.severity ? ` · ${severityLabel(st.severity, locale)}` : ""}
                </Tag>
              )),
          },
          {
            title: t("keywords"),
            key: "keywords",
            render: (_, c) => <span style={{ color: "#595959" }}>{c.keywords.join("、")}</span>,
          },
        ]}
      />
      <Table
        title={() => <strong>{t("remedies")}</strong>}
        size="small"
        rowKey={(r) => `${r.category}-${r.subTypes?.join(",")}-${r.severity}`}
        pagination={false}
        dataSource={p.remedies}
        columns={[
          {
            title: t("category"),
            key: "category",
            render: (_, r) => {
              const category = p.categories.find((c) => c.code === r.category);
              const subs = (r.subTypes ?? []).map(
                (code) => category?.subTypes.find((st) => st.code === code)?.labels[locale] ?? code,
              );
              return `${category?.labels[locale] ?? r.category}${subs.length ? ` / ${subs.join("、")}` : ""}${
                r.severity ? ` · ${severityLabel(r.severity, locale)}` : ""
              }`;
            },
          },
          {
            title: t("remedyItems"),
            key: "items",
            render: (_, r) =>
              r.items.map((i) => (
                <Tag key={`${i.kind}-${i.payer}`}>
                  {remedyLabel(i.kind, locale)}
                  {i.fixedFen !== undefined ? ` ${formatFen(i.fixedFen)}` : ""}
                  {i.multiplier !== undefined ? ` ×${i.multiplier}` : ""}
                  {` · ${payerLabel(i.payer, locale)}`}
                </Tag>
              )),
          },
          { title: t("reason"), key: "reason", render: (_, r) => r.reason[locale] },
        ]}
      />
      <Descriptions
        bordered
        size="small"
        column={1}
        title={t("severityRules")}
        items={[
          {
            key: "serious",
            label: t("seriousKeywords"),
            children: p.severityRules.seriousKeywords.join("、"),
          },
          { key: "minor", label: t("minorKeywords"), children: p.severityRules.minorKeywords.join("、") },
        ]}
      />
    </Space>
  );
}
