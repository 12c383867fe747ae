import type { Db } from "../../db/database.ts";
import type { ErrorDetail } from "../../platform/errors.ts";
import { text } from "../../platform/errors.ts";
import type { Packs } from "../../policy-packs/load.ts";
import type { BusinessLine, PolicyPack } from "../../policy-packs/schema.ts";
import { listIncidents } from "../incidents/incidents.store.ts";
import {
  changeOf,
  isMonth,
  type Kpis,
  kpisOf,
  monthRange,
  type ReportTargets,
  ratio,
  sharesOf,
  shiftMonth,
  targetChecks,
} from "./reports.domain.ts";
import { namesOf, ordersPaid, type Slice, sliceBy, sliceTotals } from "./reports.store.ts";

/** The monthly service report (CONTRACT: Monthly report) of one line, read from the rollups. */

const TOP = 10;

/** DOMAIN §8's targets, used when a pack names none. */
export const DEFAULT_TARGETS: ReportTargets = {
  resolutionRate: 0.98,
  satisfaction: 4.5,
  handlingMinutes: 30,
};
export const targetsOf = (pack: PolicyPack | undefined): ReportTargets =>
  pack?.reports?.targets ?? DEFAULT_TARGETS;

/** Every problem of the query at once, each naming its field. */
export function checkReportQuery(
  q: { month?: string | undefined; businessLine?: string | undefined },
  packs: Packs,
  needLine: boolean,
): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (!q.month || !isMonth(q.month))
    details.push({
      field: "month",
      code: "INVALID_MONTH",
      message: text(
        "month：应为 YYYY-MM 格式的月份，如 2026-05",
        "month: must be a month as YYYY-MM, e.g. 2026-05",
      ),
    });
  if (needLine || q.businessLine !== undefined)
    if (!q.businessLine || !packs.has(q.businessLine as BusinessLine))
      details.push({
        field: "businessLine",
        code: "INVALID_BUSINESS_LINE",
        message: text(
          `businessLine：应为 ${[...packs.keys()].join("、")} 之一`,
          `businessLine: must be one of ${[...packs.keys()].join(", ")}`,
        ),
      });
  return details;
}

export interface MonthlyReport {
  month: string;
  businessLine: string;
  tickets: number;
  categoryShares: { category: string; count: number; share: number }[];
  avgResolutionMinutes: number | null;
  resolutionRate: number | null;
  satisfactionAvg: number | null;
  kpis: Kpis;
  targets: ReturnType<typeof targetChecks>;
  lastMonth: Kpis & { month: string };
  lastYear: Kpis & { month: string };
  change: { lastMonth: ReturnType<typeof changeOf>; lastYear: ReturnType<typeof changeOf> };
  topSubTypes: { category: string; subType: string; count: number; share: number }[];
  topMerchants: { merchantId: string; name: string | null; count: number; share: number }[];
  topRegions: { region: string; count: number; share: number }[];
  orders: number;
  /** Tickets ÷ orders paid in the month. */
  complaintRate: number | null;
  incidents: MonthIncident[];
}

export interface MonthIncident {
  id: string;
  kind: string;
  status: string;
  openedAt: string;
  closedAt: string | null;
  reason: string | null;
  region: string | null;
  productId: string | null;
  batchNo: string | null;
  merchantId: string | null;
  tickets: number;
}

const INCIDENT_PAGE = 200;

/** The line's incidents opened in the month (a merchant sees those naming its merchants only). */
async function incidentsOf(
  db: Db,
  q: { month: string; businessLine: string; merchantIds?: readonly string[] | undefined },
) {
  const { from, to } = monthRange(q.month);
  const out: MonthIncident[] = [];
  // Newest first: page back until the month is behind us.
  for (let offset = 0; ; offset += INCIDENT_PAGE) {
    const { rows } = await listIncidents(db, { businessLine: q.businessLine, limit: INCIDENT_PAGE, offset });
    for (const r of rows) {
      const opened = new Date(r.opened_at);
      if (opened < from || opened >= to) continue;
      if (q.merchantIds && !(r.merchant_id && q.merchantIds.includes(r.merchant_id))) continue;
      out.push({
        id: r.id,
        kind: r.kind,
        status: r.status,
        openedAt: opened.toISOString(),
        closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
        reason: r.reason,
        region: r.region,
        productId: r.product_id,
        batchNo: r.batch_no,
        merchantId: r.merchant_id,
        tickets: r.ticket_nos.length,
      });
    }
    const last = rows[rows.length - 1];
    if (rows.length < INCIDENT_PAGE || !last || new Date(last.opened_at) < from) break;
  }
  return out.reverse();
}

export async function monthlyReport(
  db: Db,
  packs: Packs,
  q: { month: string; businessLine: string; merchantIds?: readonly string[] | undefined },
): Promise<MonthlyReport> {
  const slice: Slice = q;
  const previousMonth = shiftMonth(q.month, -1);
  const previousYear = shiftMonth(q.month, -12);
  const scope = q.merchantIds ? new Set(q.merchantIds) : null;
  // Independent reads: on PostgreSQL they run side by side on the pool (PGlite takes them in turn).
  const [totals, lastMonthTotals, lastYearTotals, bySubType, byMerchant, byRegion, paid, incidents] =
    await Promise.all([
      sliceTotals(db, slice),
      sliceTotals(db, { ...slice, month: previousMonth }),
      sliceTotals(db, { ...slice, month: previousYear }),
      sliceBy(db, slice, ["category", "sub_type"]),
      sliceBy(db, slice, ["merchant_id"]),
      sliceBy(db, slice, ["region"]),
      ordersPaid(db, monthRange(q.month), q.businessLine),
      incidentsOf(db, q),
    ]);
  const kpis = kpisOf(totals);
  const lastMonth = kpisOf(lastMonthTotals);
  const lastYear = kpisOf(lastYearTotals);

  const perCategory = new Map<string, number>();
  for (const r of bySubType)
    perCategory.set(r.keys.category, (perCategory.get(r.keys.category) ?? 0) + r.measures.received);
  const categoryShares = sharesOf(
    [...perCategory].map(([name, count]) => ({ name, count })),
    kpis.tickets,
    "category",
  );
  const topSubTypes = sharesOf(
    bySubType.map((r) => ({
      name: `${r.keys.category}\u0001${r.keys.sub_type}`,
      count: r.measures.received,
    })),
    kpis.tickets,
    "key",
  )
    .slice(0, TOP)
    .map(({ key, count, share }) => {
      const [category, subType] = key.split("\u0001") as [string, string];
      return { category, subType, count, share };
    });
  const merchants = sharesOf(
    byMerchant.map((r) => ({ name: r.keys.merchant_id, count: r.measures.received })),
    kpis.tickets,
    "merchantId",
  ).slice(0, TOP);
  const names = await namesOf(
    db,
    "merchants",
    merchants.map((m) => m.merchantId),
  );
  const orders = paid.filter((o) => !scope || scope.has(o.merchantId)).reduce((sum, o) => sum + o.orders, 0);

  return {
    month: q.month,
    businessLine: q.businessLine,
    tickets: kpis.tickets,
    categoryShares,
    avgResolutionMinutes: kpis.avgResolutionMinutes,
    resolutionRate: kpis.resolutionRate,
    satisfactionAvg: kpis.satisfactionAvg,
    kpis,
    targets: targetChecks(kpis, targetsOf(packs.get(q.businessLine as BusinessLine))),
    lastMonth: { month: previousMonth, ...lastMonth },
    lastYear: { month: previousYear, ...lastYear },
    change: { lastMonth: changeOf(kpis, lastMonth), lastYear: changeOf(kpis, lastYear) },
    topSubTypes,
    topMerchants: merchants.map((m) => ({ ...m, name: names.get(m.merchantId) ?? null })),
    topRegions: sharesOf(
      byRegion.map((r) => ({ name: r.keys.region, count: r.measures.received })),
      kpis.tickets,
      "region",
    ).slice(0, TOP),
    orders,
    complaintRate: ratio(kpis.tickets, orders),
    incidents,
  };
}
