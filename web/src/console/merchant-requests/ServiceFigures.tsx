import { Card, Table } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { requestWord } from "./words.ts";

const percent = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

/** The team's figures of source 003: per agent, this week's question types, this month by hour of day. */
export function ServiceFigures() {
  const { locale } = useLocale();
  const w = (k: string) => requestWord(k, locale);
  const metrics = useAsync((signal) => api.get("/api/v1/merchant-service/metrics", { signal }), []);
  const analysis = useAsync((signal) => api.get("/api/v1/merchant-service/analysis", { signal }), []);
  return (
    <div data-testid="service-figures">
      <Card size="small" title={w("metrics")} style={{ marginBottom: 16 }}>
        <Table
          rowKey="agent"
          size="small"
          pagination={false}
          loading={metrics.loading}
          dataSource={metrics.data?.agents ?? []}
          columns={[
            { title: w("agent"), dataIndex: "agent" },
            { title: w("handled"), dataIndex: "handled" },
            {
              title: w("avgFirst"),
              dataIndex: "avgFirstResponseSeconds",
              render: (v: number | null) => v ?? "—",
            },
            { title: w("onTime"), dataIndex: "firstResponseOnTimeRate", render: percent },
            { title: w("resolutionRate"), dataIndex: "resolutionRate", render: percent },
            {
              title: w("satisfaction"),
              dataIndex: "satisfactionAvg",
              render: (v: number | null) => v ?? "—",
            },
          ]}
        />
      </Card>
      <Card size="small" title={w("weekTypes")} style={{ marginBottom: 16 }}>
        <Table
          rowKey="category"
          size="small"
          pagination={false}
          loading={analysis.loading}
          dataSource={analysis.data?.week.categories.filter((c) => c.count || c.previousCount) ?? []}
          columns={[
            { title: w("category"), dataIndex: "category", render: (c: string) => w(`c_${c}`) },
            { title: w("count"), dataIndex: "count" },
            { title: w("share"), dataIndex: "share", render: percent },
            { title: w("change"), dataIndex: "change", render: (n: number) => (n > 0 ? `+${n}` : n) },
          ]}
        />
      </Card>
      <Card size="small" title={w("byHour")}>
        <Table
          rowKey="hour"
          size="small"
          pagination={false}
          dataSource={analysis.data?.month.byHour.filter((h) => h.requests) ?? []}
          columns={[
            { title: w("hour"), dataIndex: "hour", render: (h: number) => `${h}:00–${h + 1}:00` },
            { title: w("requests"), dataIndex: "requests" },
            { title: w("complaints"), dataIndex: "complaints" },
          ]}
        />
      </Card>
    </div>
  );
}
