import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Row, Skeleton, Space, Statistic, Table, Tag } from "antd";
import { lazy, Suspense, useState } from "react";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { nameWithId } from "../../shared/format.ts";
import { categoryLabel, usePack } from "../../shared/packs.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { AgentScorecard } from "./AgentScorecard.tsx";
import { ReportFilters } from "./ReportFilters.tsx";
import { downloadFile, num, pct, thisMonth } from "./reportsFetch.ts";
import { type ReportWord, reportWord } from "./words.ts";

// ECharts is large; it loads when a chart is first drawn.
const BarChart = lazy(() => import("../overview/BarChart.tsx").then((m) => ({ default: m.BarChart })));

/** The monthly report of a line with its KPIs against the pack's targets, and the merchant scorecard. */
export function ReportsPage() {
  const { locale } = useLocale();
  const w = (k: ReportWord) => reportWord(k, locale);
  const session = useSession();
  const [month, setMonth] = useState(thisMonth());
  const [line, setLine] = useState<string>("food_delivery");
  const report = useAsync(
    (signal) => api.get("/api/v1/reports/monthly", { query: { month, businessLine: line }, signal }),
    [month, line],
  );
  const pack = usePack(line);
  const cards = useAsync(
    (signal) => api.get("/api/v1/reports/merchants", { query: { month, businessLine: line }, signal }),
    [month, line],
  );

  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = (ext: "csv" | "xlsx" | "pdf") => () => {
    setDownloadError(null);
    downloadFile(
      session,
      `/api/v1/reports/monthly.${ext}?businessLine=${line}&month=${month}`,
      `report-${line}-${month}.${ext}`,
      locale,
    ).catch((e: Error) => setDownloadError(e.message));
  };

  const r = report.data;
  const target = (check: { target: number; met: boolean | null }, show: (v: number) => string) => (
    <Space size={4}>
      <span>
        {w("target")} {show(check.target)}
      </span>
      {check.met !== null && (
        <Tag color={check.met ? "green" : "red"}>{check.met ? w("met") : w("missed")}</Tag>
      )}
    </Space>
  );
  const change = (v: number | null | undefined, show: (v: number) => string) =>
    v === null || v === undefined ? null : `${w("vsLastMonth")} ${v > 0 ? "+" : ""}${show(v)}`;

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <ReportFilters title={w("title")} month={month} onMonth={setMonth} line={line} onLine={setLine}>
        <Button icon={<DownloadOutlined />} onClick={download("csv")}>
          {w("csv")}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download("xlsx")}>
          {w("xlsx")}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download("pdf")}>
          {w("pdf")}
        </Button>
      </ReportFilters>
      {report.error && <Alert type="error" title={report.error.message} />}
      {downloadError && <Alert type="error" title={downloadError} />}
      {!r ? (
        <Skeleton active />
      ) : (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("tickets")} value={r.tickets} />
                {change(r.change.lastMonth.tickets, String)}
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("resolutionRate")} value={pct(r.resolutionRate)} />
                {target(r.targets.resolutionRate, pct)}
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("satisfaction")} value={num(r.satisfactionAvg)} suffix="/ 5" />
                {target(r.targets.satisfaction, String)}
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("handling")} value={num(r.avgResolutionMinutes)} />
                {target(r.targets.handlingMinutes, String)}
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("firstResponse")} value={num(r.kpis.avgFirstResponseMinutes)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("secondRound")} value={pct(r.kpis.secondRoundRate)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("escalation")} value={pct(r.kpis.escalationRate)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("withdrawal")} value={pct(r.kpis.withdrawalRate)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={w("complaintRate")} value={pct(r.complaintRate)} />
              </Card>
            </Col>
          </Row>
          <Card title={w("categories")}>
            <Suspense fallback={<Skeleton active />}>
              <BarChart
                label={w("categories")}
                labels={r.categoryShares.map(
                  (c) => `${categoryLabel(pack.data, c.category, locale)} ${pct(c.share)}`,
                )}
                values={r.categoryShares.map((c) => c.count)}
              />
            </Suspense>
          </Card>
        </>
      )}
      <Card title={w("scorecard")}>
        <Table
          rowKey={(m) => `${m.businessLine}:${m.merchantId}`}
          loading={cards.loading}
          dataSource={cards.data?.items ?? []}
          pagination={{ pageSize: 20 }}
          columns={[
            {
              title: w("merchant"),
              render: (_, m) => nameWithId(m.name, m.merchantId),
            },
            { title: w("orders"), dataIndex: "orders" },
            { title: w("tickets"), dataIndex: "tickets" },
            { title: w("foodComplaints"), dataIndex: "foodComplaints" },
            { title: w("foodRate"), render: (_, m) => pct(m.complaintRate) },
            { title: w("talk"), render: (_, m) => (m.talk ? <Tag color="red">{w("talkYes")}</Tag> : null) },
            { title: w("resolutionRate"), render: (_, m) => pct(m.resolutionRate) },
            { title: w("satisfaction"), render: (_, m) => num(m.satisfactionAvg) },
          ]}
        />
      </Card>
      {can(session, "reports.agents") && <AgentScorecard month={month} line={line} />}
    </Space>
  );
}
