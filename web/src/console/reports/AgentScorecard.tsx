import { Card, Table } from "antd";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { nameWithId } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { num, pct } from "./reportsFetch.ts";
import { type ReportWord, reportWord } from "./words.ts";

/**
 * Each agent's month on a line (DOMAIN §9: response time, resolution rate, satisfaction), for the
 * supervisors who coach them: the tickets they resolved last, else hold; the row without an agent is the
 * tickets nobody has taken yet.
 */
export function AgentScorecard({ month, line }: { month: string; line: string }) {
  const { locale } = useLocale();
  const w = (k: ReportWord) => reportWord(k, locale);
  const agents = useAsync(
    (signal) => api.get("/api/v1/reports/agents", { query: { month, businessLine: line }, signal }),
    [month, line],
  );
  return (
    <Card title={w("agentScorecard")}>
      <Table
        rowKey={(a) => a.agent ?? ""}
        loading={agents.loading}
        dataSource={agents.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: w("agent"),
            render: (_, a) => (a.agent === null ? w("notTaken") : nameWithId(a.name, a.agent)),
          },
          { title: w("tickets"), dataIndex: "tickets" },
          { title: w("resolvedCount"), dataIndex: "resolved" },
          { title: w("resolutionRate"), render: (_, a) => pct(a.resolutionRate) },
          { title: w("firstResponse"), render: (_, a) => num(a.avgFirstResponseMinutes) },
          { title: w("handling"), render: (_, a) => num(a.avgResolutionMinutes) },
          { title: w("satisfaction"), render: (_, a) => num(a.satisfactionAvg) },
          { title: w("secondRound"), render: (_, a) => pct(a.secondRoundRate) },
          {
            title: w("qaScore"),
            render: (_, a) => (a.qaReviews ? `${num(a.qaScoreAvg)}（${a.qaReviews}）` : "—"),
          },
        ]}
      />
    </Card>
  );
}
