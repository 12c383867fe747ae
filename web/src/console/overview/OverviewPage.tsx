import { Card, Col, Row, Skeleton, Statistic } from "antd";
import { lazy, Suspense } from "react";
import { api } from "../../api/client.ts";
import { statusLabel } from "../../i18n/labels.ts";
import { useLocale } from "../../i18n/locale.tsx";
import type { MessageKey } from "../../i18n/zh-CN.ts";
import { useStaffLive } from "../../shared/live.ts";
import { LinkButton } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { OPEN_STATUSES, type View } from "../queue/queue-query.ts";
import { countLabel, useViewCounts, type ViewCount } from "../queue/useViewCounts.ts";

// ECharts is large and only this page draws; it loads when the page is opened.
const BarChart = lazy(() => import("./BarChart.tsx").then((m) => ({ default: m.BarChart })));

const VIEWS: [View, MessageKey][] = [
  ["all", "viewAll"],
  ["urgent", "viewUrgent"],
  ["due_soon", "viewDueSoon"],
  ["breached", "viewBreached"],
];

/** The open work at a glance; the monthly reports come with the reporting issue. */
export function OverviewPage() {
  const { locale, t } = useLocale();
  const counts = useViewCounts(VIEWS.map(([v]) => v));
  const byStatus = useAsync(
    (signal) =>
      Promise.all(
        OPEN_STATUSES.map((s) =>
          api
            .get("/api/v1/tickets", { query: { status: s, limit: 1 }, signal })
            .then((r): ViewCount => ({ total: r.total, exact: r.totalExact })),
        ),
      ),
    [],
  );
  // Eleven counts per re-read, at most one re-read a second.
  useStaffLive(() => {
    counts.reload(true);
    byStatus.reload(true);
  });

  return (
    <>
      <Row gutter={16}>
        {VIEWS.map(([v, key]) => (
          <Col xs={12} md={6} key={v} style={{ marginBottom: 16 }}>
            <Card>
              <Statistic
                title={t(key)}
                value={countLabel(counts.data?.get(v))}
                loading={counts.loading}
                styles={{
                  content: { color: v === "breached" ? "#cf1322" : v === "due_soon" ? "#d46b08" : undefined },
                }}
              />
              <LinkButton
                to={`/console/tickets${v === "all" ? "" : `?view=${v}`}`}
                type="link"
                style={{ padding: 0 }}
              >
                {t("menuQueue")} →
              </LinkButton>
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t("openByStatus")}>
        {byStatus.data ? (
          <Suspense fallback={<Skeleton active />}>
            <BarChart
              label={t("openByStatus")}
              // A bar at the server's count cap says so in its label ("1000+").
              labels={OPEN_STATUSES.map((s, i) =>
                byStatus.data![i]!.exact
                  ? statusLabel(s, locale)
                  : `${statusLabel(s, locale)} ${countLabel(byStatus.data![i])}`,
              )}
              values={byStatus.data.map((c) => c.total)}
            />
          </Suspense>
        ) : (
          <Skeleton active />
        )}
      </Card>
    </>
  );
}
