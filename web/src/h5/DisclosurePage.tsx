import { Alert, Input, Skeleton } from "antd";
import { api } from "../api/client.ts";
import { useLocale } from "../i18n/locale.tsx";
import { navigate, useLocation } from "../shared/router.tsx";
import { useAsync } from "../shared/useAsync.ts";
import { H5Frame } from "./H5App.tsx";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The last whole month in Beijing time: the current one is still being counted. */
function lastMonth(): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  const first = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
  return new Date(first - 86_400_000).toISOString().slice(0, 7);
}

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(2)}%`);

/**
 * The platform's public after-sales figures (售后数据公示, DOMAIN §8): per business line, the month's
 * orders, requests, complaint rate, return rate and resolution rate. Nothing about any customer or
 * merchant; no sign-in. The month lives in the address, so a published link shows the same figures.
 */
export function DisclosurePage() {
  const { locale, t } = useLocale();
  const { search } = useLocation();
  const asked = new URLSearchParams(search).get("month") ?? "";
  const month = MONTH.test(asked) ? asked : lastMonth();
  const figures = useAsync(
    (signal) => api.get("/api/v1/public/disclosure", { query: { month }, signal }),
    [month],
  );
  return (
    <H5Frame title={t("disclosureTitle")} subtitle={t("disclosureHint")}>
      <div className="h5-card">
        <Input
          type="month"
          aria-label={t("disclosureMonth")}
          value={month}
          onChange={(e) =>
            e.target.value && navigate(`/h5/disclosure?month=${e.target.value}`, { replace: true })
          }
        />
      </div>
      {figures.error && <Alert type="error" title={figures.error.message} />}
      {!figures.data ? (
        <Skeleton active />
      ) : (
        figures.data.lines.map((l) => (
          <section className="h5-card" key={l.businessLine} data-testid={`disclosure-${l.businessLine}`}>
            <h2>{l.label[locale]}</h2>
            <dl className="h5-facts h5-figures">
              <dt>{t("disclosureOrders")}</dt>
              <dd>{l.orders}</dd>
              <dt>{t("disclosureRequests")}</dt>
              <dd>{l.tickets}</dd>
              <dt>{t("disclosureComplaintRate")}</dt>
              <dd>{pct(l.complaintRate)}</dd>
              <dt>{t("disclosureReturnRate")}</dt>
              <dd>{pct(l.returnRate)}</dd>
              <dt>{t("disclosureResolutionRate")}</dt>
              <dd>{pct(l.resolutionRate)}</dd>
            </dl>
          </section>
        ))
      )}
    </H5Frame>
  );
}
