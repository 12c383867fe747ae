import { CompiledQuery, type Kysely, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import {
  type FactKey,
  MEASURES,
  type Measure,
  type Measures,
  type RollupDelta,
  type TicketFact,
  type TicketRaw,
} from "./reports.domain.ts";

/**
 * The reports module's tables: each ticket's facts and the two rollups. Reading a ticket's raw facts is
 * the one place the module reads other modules' tables (tickets, surveys, sla_clocks, ticket_events,
 * users), read-only: a read model has to look at what it models, and one statement per batch of tickets
 * is cheaper than a call into each owner per ticket.
 */
type Executor = Db | Transaction<Database> | Kysely<Database>;

interface RawRow {
  ticket_no: string;
  created_at: Date;
  business_line: string;
  merchant_id: string;
  region: string;
  category: string;
  sub_type: string | null;
  status: string;
  merged_into: string | null;
  resolved_at: Date | null;
  handling_minutes: number | null;
  first_responded_at: Date | null;
  second_rounds: number;
  escalation_level: number;
  score: number | null;
  agent: string | null;
  clocks: { name: string; met: boolean; breached: boolean }[] | string;
  rider_id: string | null;
  late_delivery: boolean | null;
  rider_compensation_fen: string | number;
  withdrawn: boolean;
  returned: boolean;
}

const rawSelect = sql`
  select t.ticket_no, t.created_at, t.business_line, t.merchant_id, t.region, t.category, t.sub_type,
    t.status, t.merged_into, t.resolved_at, t.handling_minutes, t.first_responded_at, t.second_rounds,
    t.escalation_level,
    (select s.score from surveys s where s.ticket_no = t.ticket_no and s.score is not null) as score,
    coalesce(
      (select e.actor from ticket_events e
        where e.ticket_no = t.ticket_no and e.type = 'status_changed' and e.data->>'to' = 'resolved'
        order by e.id desc limit 1),
      (select u.username from users u where u.id = t.assignee_id)) as agent,
    coalesce((select json_agg(json_build_object('name', c.name, 'met', c.stopped_at is not null,
        'breached', c.breached_at is not null))
      from sla_clocks c where c.ticket_no = t.ticket_no), '[]'::json) as clocks,
    t.rider_id,
    (select o.delivered_at > o.promised_at from orders o where o.order_no = t.order_no) as late_delivery,
    (select coalesce(sum((i->>'amountFen')::bigint), 0) from remedies r
      cross join lateral jsonb_array_elements(r.items) i
      where r.ticket_no = t.ticket_no and r.status = 'approved' and i->>'payer' = 'rider')::bigint
      as rider_compensation_fen,
    (t.status = 'closed' and t.resolved_at is null and exists (select 1 from ticket_events e
      where e.ticket_no = t.ticket_no and e.type = 'status_changed' and e.data->>'withdrawn' = 'true'))
      as withdrawn,
    exists (select 1 from remedies r where r.ticket_no = t.ticket_no and r.status = 'approved'
      and exists (select 1 from jsonb_array_elements(r.items) i where i->>'kind' = 'return')) as returned
  from tickets t`;

const rawOf = (r: RawRow): TicketRaw => ({
  ticketNo: r.ticket_no,
  createdAt: new Date(r.created_at),
  businessLine: r.business_line,
  merchantId: r.merchant_id,
  region: r.region,
  category: r.category,
  subType: r.sub_type,
  status: r.status,
  mergedInto: r.merged_into,
  resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
  handlingMinutes: r.handling_minutes,
  firstRespondedAt: r.first_responded_at ? new Date(r.first_responded_at) : null,
  secondRounds: r.second_rounds,
  escalationLevel: r.escalation_level,
  score: r.score,
  agent: r.agent,
  clocks: typeof r.clocks === "string" ? JSON.parse(r.clocks) : r.clocks,
  riderId: r.rider_id,
  lateDelivery: r.late_delivery === true,
  riderCompensationFen: Number(r.rider_compensation_fen ?? 0),
  withdrawn: r.withdrawn === true,
  returned: r.returned === true,
});

export async function rawTickets(db: Executor, ticketNos: readonly string[]): Promise<TicketRaw[]> {
  if (!ticketNos.length) return [];
  const r = await sql<RawRow>`${rawSelect} where t.ticket_no = any(${[...ticketNos]}::text[])`.execute(db);
  return r.rows.map(rawOf);
}

/** Every ticket received in [from, to): what the check command recomputes a month from. */
export async function rawTicketsReceived(db: Executor, from: Date, to: Date): Promise<TicketRaw[]> {
  const r = await sql<RawRow>`${rawSelect}
    where t.created_at >= ${from.toISOString()}::timestamptz and t.created_at < ${to.toISOString()}::timestamptz`.execute(
    db,
  );
  return r.rows.map(rawOf);
}

const measuresOf = (row: Record<string, unknown>): Measures =>
  Object.fromEntries(MEASURES.map((m) => [m, Number(row[m] ?? 0)])) as Measures;

const keyOfRow = (r: {
  month: string;
  business_line: string;
  merchant_id: string;
  region: string;
  category: string;
  sub_type: string;
  agent: string;
  rider_id?: string;
  day?: string;
  hour?: number;
}): FactKey => ({
  month: r.month,
  businessLine: r.business_line,
  merchantId: r.merchant_id,
  region: r.region,
  category: r.category,
  subType: r.sub_type,
  agent: r.agent,
  riderId: r.rider_id ?? "",
  day: r.day ?? "",
  hour: Number(r.hour ?? 0),
});

/** The stored facts of these tickets, locked until the transaction moves them. */
export async function lockFacts(
  trx: Transaction<Database>,
  ticketNos: readonly string[],
): Promise<TicketFact[]> {
  if (!ticketNos.length) return [];
  const rows = await trx
    .selectFrom("report_ticket_facts")
    .selectAll()
    .where(sql<boolean>`ticket_no = any(${[...ticketNos]}::text[])`)
    .forUpdate()
    .execute();
  return rows.map((r) => ({ ticketNo: r.ticket_no, key: keyOfRow(r), measures: measuresOf(r) }));
}

/** A column written from a ticket's facts or a rollup delta, and the type its values are sent as. */
interface Column<R = RollupDelta> {
  name: string;
  type: "text" | "smallint" | "bigint";
  of: (row: R) => string | number;
}

const keyColumn = (
  name: string,
  of: (k: FactKey) => string | number,
  type: Column["type"] = "text",
): Column => ({
  name,
  type,
  of: (r) => of(r.key),
});
const K = {
  month: keyColumn("month", (k) => k.month),
  business_line: keyColumn("business_line", (k) => k.businessLine),
  merchant_id: keyColumn("merchant_id", (k) => k.merchantId),
  region: keyColumn("region", (k) => k.region),
  category: keyColumn("category", (k) => k.category),
  sub_type: keyColumn("sub_type", (k) => k.subType),
  agent: keyColumn("agent", (k) => k.agent),
  rider_id: keyColumn("rider_id", (k) => k.riderId),
  day: keyColumn("day", (k) => k.day),
  hour: keyColumn("hour", (k) => k.hour, "smallint"),
};
// Sent as bigint, stored as the column's integer type (an assignment cast that checks the range).
const measureColumns = (measures: readonly Measure[]): Column[] =>
  measures.map((m) => ({ name: m, type: "bigint", of: (r) => r.measures[m] }));

/**
 * An upsert of a batch's rows into `table`, sent as one array per column and read back by `unnest`. Its
 * text is fixed (built once, from names that are constants), so each connection parses and plans it once,
 * and the app compiles nothing per call: a VALUES list of a batch of facts has thousands of parameters and
 * a new text for every length. Arrays cost PostgreSQL less to read than the same rows as JSON.
 */
function upsertOf<R>(table: string, columns: readonly Column<R>[], onConflict: string) {
  const text = `insert into ${table} (${columns.map((c) => c.name).join(", ")})
    select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(", ")})
    on conflict ${onConflict}`;
  return async (trx: Transaction<Database>, rows: readonly R[]) => {
    if (rows.length)
      await trx.executeQuery(
        CompiledQuery.raw(
          text,
          columns.map((c) => rows.map(c.of)),
        ),
      );
  };
}

const FACT_COLUMNS = [...Object.values(K), ...measureColumns(MEASURES)];

export const saveFacts = upsertOf<TicketFact>(
  "report_ticket_facts",
  [{ name: "ticket_no", type: "text", of: (f) => f.ticketNo }, ...FACT_COLUMNS],
  `(ticket_no) do update set ${FACT_COLUMNS.map((c) => `${c.name} = excluded.${c.name}`).join(", ")}`,
);

/**
 * A rollup keyed by `keys` that stores the `measures` named: adds deltas to it. A delta that changes none
 * of those measures (a ticket moving between agents changes no day) is left out.
 */
function rollup(table: string, keys: readonly Column[], measures: readonly Measure[]) {
  const upsert = upsertOf(
    table,
    [...keys, ...measureColumns(measures)],
    `(${keys.map((c) => c.name).join(", ")}) do update set ${measures.map((m) => `${m} = ${table}.${m} + excluded.${m}`).join(", ")}`,
  );
  return (trx: Transaction<Database>, deltas: readonly RollupDelta[]) =>
    upsert(
      trx,
      deltas.filter((d) => measures.some((m) => d.measures[m] !== 0)),
    );
}

export const DAILY_MEASURES = ["received", "resolved", "clocks_met", "clocks_breached"] as const;
export const RIDER_MEASURES = [
  "received",
  "resolved",
  "late_delivery",
  "rider_compensation_fen",
  "score_sum",
  "score_count",
  "positive_feedback",
] as const;

/** Adds the deltas to the monthly rollup. Only the holder of the reports cursor writes here. */
export const addToMonthly = rollup(
  "report_monthly",
  [K.month, K.business_line, K.merchant_id, K.region, K.category, K.sub_type],
  MEASURES,
);

export const addToAgents = rollup("report_agent_monthly", [K.month, K.business_line, K.agent], MEASURES);

/** Tickets per Beijing day and hour: what trends, the weekly analysis and the heat maps read. */
export const addToDaily = rollup(
  "report_daily",
  [K.day, K.business_line, K.region, K.category, K.hour],
  DAILY_MEASURES,
);

const addToRiderRows = rollup(
  "report_rider_monthly",
  [K.month, K.rider_id, K.business_line, K.category],
  RIDER_MEASURES,
);

/** A rider's tickets per month; tickets without a rider are nobody's. */
export const addToRiders = (trx: Transaction<Database>, deltas: readonly RollupDelta[]) =>
  addToRiderRows(
    trx,
    deltas.filter((d) => d.key.riderId !== ""),
  );

/** The stored rollup rows of a month, for the check command. */
export async function monthlyRollupRows(db: Executor, month: string) {
  const rows = await db.selectFrom("report_monthly").selectAll().where("month", "=", month).execute();
  return rows.map((r) => ({ key: keyOfRow({ ...r, agent: "" }), measures: measuresOf(r) }));
}

export async function agentRollupRows(db: Executor, month: string) {
  const rows = await db.selectFrom("report_agent_monthly").selectAll().where("month", "=", month).execute();
  return rows.map((r) => ({
    key: keyOfRow({ ...r, merchant_id: "", region: "", category: "", sub_type: "" }),
    measures: measuresOf(r),
  }));
}

/** The stored daily rows of a month's Beijing days, for the check command. */
export async function dailyRollupRows(db: Executor, month: string) {
  const rows = await sql<Record<string, unknown>>`select * from report_daily
    where day like ${`${month}-%`}`.execute(db);
  return rows.rows.map((r) => ({
    key: keyOfRow({
      month,
      business_line: String(r.business_line),
      merchant_id: "",
      region: String(r.region),
      category: String(r.category),
      sub_type: "",
      agent: "",
      day: String(r.day),
      hour: Number(r.hour),
    }),
    measures: measuresOf(r),
  }));
}

export async function riderRollupRows(db: Executor, month: string) {
  const rows = await sql<Record<string, unknown>>`select * from report_rider_monthly
    where month = ${month}`.execute(db);
  return rows.rows.map((r) => ({
    key: keyOfRow({
      month,
      business_line: String(r.business_line),
      merchant_id: "",
      region: "",
      category: String(r.category),
      sub_type: "",
      agent: "",
      rider_id: String(r.rider_id),
    }),
    measures: measuresOf(r),
  }));
}
