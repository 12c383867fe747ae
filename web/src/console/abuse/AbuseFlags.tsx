import { Alert, Space, Tag, Tooltip } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import type { Ticket } from "../workspace/types.ts";
import { abuseWord } from "./words.ts";

const colourOf = (score: number) => (score >= 60 ? "red" : score >= 30 ? "orange" : "green");

/**
 * What an agent should know before answering: the malicious-complaint score with its reasons (a hint,
 * never a refusal), a blacklisted customer, and a suspended batch or merchant.
 */
export function AbuseFlags({ ticket }: { ticket: Ticket }) {
  const { locale } = useLocale();
  const w = (k: Parameters<typeof abuseWord>[0]) => abuseWord(k, locale);
  const score = ticket.abuseScore;
  return (
    <Space direction="vertical" style={{ width: "100%", marginBottom: 8 }} data-testid="abuse-flags">
      {ticket.batchSuspended && (
        <Alert
          type="error"
          showIcon
          message={w("suspended")}
          description={ticket.batchSuspended.items.map((s) => (
            <div key={`${s.incidentId}-${s.subject}`}>
              <Link to={`/console/incidents/${s.incidentId}`}>{s.incidentId}</Link> · {s.subject} ·{" "}
              {formatTime(s.since, locale, true)}
            </div>
          ))}
        />
      )}
      {ticket.blacklisted && (
        <Alert
          type="warning"
          showIcon
          message={w("blacklisted")}
          description={`${ticket.blacklisted.reason} (${w("until")} ${formatTime(ticket.blacklisted.expiresAt, locale, true)})`}
        />
      )}
      <div>
        {w("score")}:{" "}
        {score ? (
          <>
            <Tag color={colourOf(score.score)} data-testid="abuse-score">
              {score.score}
            </Tag>
            {score.reasons.map((r) => (
              <Tooltip key={r.code} title={r.code}>
                <Tag>
                  +{r.points} {locale === "en" ? r.en : r.zh}
                </Tag>
              </Tooltip>
            ))}
          </>
        ) : (
          <Tag>{w("scorePending")}</Tag>
        )}
      </div>
    </Space>
  );
}
