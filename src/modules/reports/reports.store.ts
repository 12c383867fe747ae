import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { MEASURES, type Measures } from "./reports.domain.ts";

/**
 * What report requests read: sums over the rollups (a month has a few thousand rollup rows at most,
 * whatever the number of tickets) and the month's orders counted through an index-only scan.
 */
export interface Slice {
  month: string;
  businessLine?: string | undefined;
  /** A merchant sees only its own merchants' rows. */
  merchantIds?: readonly string[] | undefined;
}

const sums = sql.raw(MEASURES.map((m) => `coalesce(sum(${m}), 0)::bigint as ${m}`).join(", "));

const measuresOf = (row: Record<string, unknown>): Measures =>
  Object.fromEntries(MEASURES.map((m) => [m, Number(row[m] ?? 0)])) as Measures;

const whereOf = (s: Slice) => sql`month = ${s.month}
  ${s.businessLine ? sql`and business_line = ${s.businessLine}` : sql``}
  ${s.merchantIds ? sql`and merchant_id = any(${[...s.merchantIds]}::text[])` : sql``}`;

export async function sliceTotals(db: Db, s: Slice): Promise<Measures> {
  const r = await sql<
    Record<string, unknown>
  >`select ${sums} from report_monthly where ${whereOf(s)}`.execute(db);
  return measuresOf(r.rows[0] ?? {});
}

export type Dimension = "business_line" | "category" | "sub_type" | "merchant_id" | "region";

/** The slice summed per value of the dimensions named (e.g. category and sub-type). */
export async function sliceBy(
  db: Db,
  s: Slice,
  dimensions: readonly Dimension[],
): Promise<{ keys: Record<Dimension, string>; measures: Measures }[]> {
  const cols = sql.raw(dimensions.join(", "));
  const r = await sql<Record<string, unknown>>`select ${cols}, ${sums} from report_monthly
    where ${whereOf(s)} group by ${cols}`.execute(db);
  return r.rows.map((row) => ({
    keys: Object.fromEntries(dimensions.map((d) => [d, String(row[d])])) as Record<Dimension, string>,
    measures: measuresOf(row),
  }));
}

export async function agentsOf(db: Db, month: string, businessLine?: string) {
  const r = await sql<Record<string, unknown>>`select agent, ${sums} from report_agent_monthly
    where month = ${month} ${businessLine ? sql`and business_line = ${businessLine}` : sql``}
    group by agent order by agent`.execute(db);
  return r.rows.map((row) => ({ agent: String(row.agent), measures: measuresOf(row) }));
}

/** Orders paid in [from, to) per line and merchant (the denominator of complaint rates). */
export async function ordersPaid(
  db: Db,
  range: { from: Date; to: Date },
  businessLine?: string,
): Promise<{ businessLine: string; merchantId: string; orders: number }[]> {
  const r = await sql<{ business_line: string; merchant_id: string; orders: number }>`
    select business_line, merchant_id, count(*)::bigint as orders from orders
    where paid_at >= ${range.from.toISOString()}::timestamptz and paid_at < ${range.to.toISOString()}::timestamptz
      ${businessLine ? sql`and business_line = ${businessLine}` : sql``}
    group by business_line, merchant_id`.execute(db);
  return r.rows.map((x) => ({
    businessLine: x.business_line,
    merchantId: x.merchant_id,
    orders: Number(x.orders),
  }));
}

/** The tables a report names its rows from: the key a rollup holds, and the name to show for it. */
const NAMES = {
  merchants: { key: "id", name: "name" },
  riders: { key: "id", name: "name" },
  users: { key: "username", name: "display_name" },
} as const;

/** Names of the merchants, riders or staff (by username) a report lists; a key without a row has none. */
export async function namesOf(
  db: Db,
  table: keyof typeof NAMES,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const { key, name } = NAMES[table];
  const r = await sql<{ k: string; n: string }>`select ${sql.ref(key)} as k, ${sql.ref(name)} as n
    from ${sql.table(table)} where ${sql.ref(key)} = any(${[...keys]}::text[])`.execute(db);
  return new Map(r.rows.map((x) => [x.k, x.n]));
}
