import { Alert, Card, Col, Input, Radio, Row, Skeleton, Space, Table, Tag } from "antd";
import { lazy, Suspense, useState } from "react";
import { useLocale } from "../../i18n/locale.tsx";
import { useCategoryNames } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { ReportFilters } from "./ReportFilters.tsx";
import { pct, reportsFetch, thisMonth } from "./reportsFetch.ts";
import { type ReportWord, reportWord } from "./words.ts";

// ECharts is large; it loads when a chart is first drawn.
const TrendChart = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.TrendChart })));
const HeatMap = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.HeatMap })));

const WEEKDAYS = {
  "zh-CN": ["一", "二", "三", "四", "五", "六", "日"],
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
};

interface Trend {
  periods: string[];
  byCategory: { businessLine: string; category: string; counts: number[] }[];
}
interface Heat {
  rows: string[];
  cells: { row: string; hour: number; count: number }[];
  staffing: { hour: number; agents: number }[];
}
interface CategoryCount {
  businessLine: string;
  category: string;
  count: number;
}
interface Weekly {
  week: string;
  tickets: number;
  lastWeekTickets: number;
  topCategories: (CategoryCount & { share: number })[];
  movers: (CategoryCount & { lastWeek: number; change: number })[];
  slaBreachRate: number | null;
  lastWeekSlaBreachRate: number | null;
}
interface RiderScore {
  riderId: string;
  name: string | null;
  tickets: number;
  deliveryComplaints: number;
  lateDeliveryShare: number | null;
  compensationFen: number;
  satisfactionAvg: number | null;
  rewardPoints: number;
}

const lastDayOf = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** Trends by category, the heat map with its staffing hint, the weekly analysis and the rider scorecard. */
export function AnalyticsPage() {
  const { locale } = useLocale();
  const w = (k: ReportWord) => reportWord(k, locale);
  const session = useSession();
  const categoryName = useCategoryNames(locale);
  const analytics = can(session, "reports.analytics");
  const [month, setMonth] = useState(thisMonth());
  const [line, setLine] = useState<string>("food_delivery");
  const [granularity, setGranularity] = useState<"day" | "week">("day");
  const [by, setBy] = useState<"weekday" | "region">("weekday");
  const [week, setWeek] = useState(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
  const get = <T,>(path: string, signal: AbortSignal) => reportsFetch<T>(session, path, { signal, locale });

  const trend = useAsync(
    (signal) =>
      analytics
        ? get<Trend>(
            `/api/v1/reports/trends?from=${month}-01&to=${lastDayOf(month)}&granularity=${granularity}&businessLine=${line}`,
            signal,
          )
        : Promise.resolve(null),
    [month, line, granularity, analytics],
  );
  const heat = useAsync(
    (signal) =>
      analytics
        ? get<Heat>(`/api/v1/reports/heatmap?month=${month}&by=${by}&businessLine=${line}`, signal)
        : Promise.resolve(null),
    [month, line, by, analytics],
  );
  const weekly = useAsync(
    (signal) =>
      analytics
        ? get<Weekly>(`/api/v1/reports/weekly?week=${week}&businessLine=${line}`, signal)
        : Promise.resolve(null),
    [week, line, analytics],
  );
  const riders = useAsync(
    (signal) =>
      get<{ items: RiderScore[] }>(`/api/v1/reports/riders?month=${month}&businessLine=${line}`, signal),
    [month, line],
  );
  const rowName = (row: string) =>
    by === "weekday" ? (WEEKDAYS[locale === "en" ? "en" : "zh-CN"][Number(row) - 1] ?? row) : row;
  const error = trend.error ?? heat.error ?? weekly.error ?? riders.error;

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <ReportFilters
        title={analytics ? w("analytics") : w("riders")}
        month={month}
        onMonth={setMonth}
        line={line}
        onLine={setLine}
      />
      {error && <Alert type="error" title={error.message} />}
      {analytics && (
        <>
          <Card
            title={w("trend")}
            extra={
              <Radio.Group value={granularity} onChange={(e) => setGranularity(e.target.value)}>
                <Radio.Button value="day">{w("byDay")}</Radio.Button>
                <Radio.Button value="week">{w("byWeek")}</Radio.Button>
              </Radio.Group>
            }
          >
            <Suspense fallback={<Skeleton active />}>
              {trend.data ? (
                <TrendChart
                  label={w("trend")}
                  periods={trend.data.periods}
                  series={trend.data.byCategory.map((s) => ({
                    name: categoryName(s.businessLine, s.category),
                    counts: s.counts,
                  }))}
                />
              ) : (
                <Skeleton active />
              )}
            </Suspense>
          </Card>
          <Card
            title={w("heatmap")}
            extra={
              <Radio.Group value={by} onChange={(e) => setBy(e.target.value)}>
                <Radio.Button value="weekday">{w("byWeekday")}</Radio.Button>
                <Radio.Button value="region">{w("byRegion")}</Radio.Button>
              </Radio.Group>
            }
          >
            <Suspense fallback={<Skeleton active />}>
              {heat.data ? (
                <>
                  <HeatMap
                    label={w("heatmap")}
                    rows={heat.data.rows.map(rowName)}
                    cells={heat.data.cells.map((c) => ({ ...c, row: rowName(c.row) }))}
                  />
                  <Space wrap size={4}>
                    {w("staffing")}:
                    {heat.data.staffing
                      .filter((s) => s.agents > 0)
                      .map((s) => (
                        <Tag key={s.hour}>
                          {s.hour}:00 × {s.agents}
                        </Tag>
                      ))}
                  </Space>
                </>
              ) : (
                <Skeleton active />
              )}
            </Suspense>
          </Card>
          <Card
            title={w("weekly")}
            extra={
              <Input
                type="date"
                aria-label={w("week")}
                value={week}
                onChange={(e) => e.target.value && setWeek(e.target.value)}
              />
            }
          >
            {weekly.data && (
              <Row gutter={[16, 16]}>
                <Col xs={24} md={6}>
                  <p>
                    {w("tickets")}: {weekly.data.tickets}（{w("lastWeek")} {weekly.data.lastWeekTickets}）
                  </p>
                  <p>
                    {w("breachRate")}: {pct(weekly.data.slaBreachRate)}（{w("lastWeek")}{" "}
                    {pct(weekly.data.lastWeekSlaBreachRate)}）
                  </p>
                </Col>
                <Col xs={24} md={9}>
                  <Table
                    size="small"
                    title={() => w("top")}
                    rowKey={(r) => `${r.businessLine}:${r.category}`}
                    pagination={false}
                    dataSource={weekly.data.topCategories}
                    columns={[
                      { title: w("category"), render: (_, r) => categoryName(r.businessLine, r.category) },
                      { title: w("count"), dataIndex: "count" },
                      { title: "%", render: (_, r) => pct(r.share) },
                    ]}
                  />
                </Col>
                <Col xs={24} md={9}>
                  <Table
                    size="small"
                    title={() => w("movers")}
                    rowKey={(r) => `${r.businessLine}:${r.category}`}
                    pagination={false}
                    dataSource={weekly.data.movers}
                    columns={[
                      { title: w("category"), render: (_, r) => categoryName(r.businessLine, r.category) },
                      { title: w("lastWeek"), dataIndex: "lastWeek" },
                      { title: w("count"), dataIndex: "count" },
                      {
                        title: w("change"),
                        render: (_, r) => (
                          <Tag color={r.change > 0 ? "red" : "green"}>
                            {r.change > 0 ? `+${r.change}` : r.change}
                          </Tag>
                        ),
                      },
                    ]}
                  />
                </Col>
              </Row>
            )}
          </Card>
        </>
      )}
      <Card title={w("riders")}>
        <Table
          rowKey="riderId"
          loading={riders.loading}
          dataSource={riders.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          columns={[
            { title: w("rider"), render: (_, r) => (r.name ? `${r.name}（${r.riderId}）` : r.riderId) },
            { title: w("tickets"), dataIndex: "tickets" },
            { title: w("deliveryComplaints"), dataIndex: "deliveryComplaints" },
            { title: w("lateShare"), render: (_, r) => pct(r.lateDeliveryShare) },
            { title: w("compensation"), render: (_, r) => (r.compensationFen / 100).toFixed(2) },
            { title: w("satisfaction"), render: (_, r) => r.satisfactionAvg ?? "—" },
            { title: w("rewardPoints"), dataIndex: "rewardPoints" },
          ]}
        />
      </Card>
    </Space>
  );
}
