import { type Kysely, sql, type Transaction } from "kysely";
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
      as rider_compensation_fen
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

const factColumns = (f: TicketFact) => ({
  ticket_no: f.ticketNo,
  month: f.key.month,
  business_line: f.key.businessLine,
  merchant_id: f.key.merchantId,
  region: f.key.region,
  category: f.key.category,
  sub_type: f.key.subType,
  agent: f.key.agent,
  rider_id: f.key.riderId,
  day: f.key.day,
  hour: f.key.hour,
  ...f.measures,
});

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
    .where("ticket_no", "in", [...ticketNos])
    .forUpdate()
    .execute();
  return rows.map((r) => ({ ticketNo: r.ticket_no, key: keyOfRow(r), measures: measuresOf(r) }));
}

export async function saveFacts(trx: Transaction<Database>, facts: readonly TicketFact[]): Promise<void> {
  if (!facts.length) return;
  await trx
    .insertInto("report_ticket_facts")
    .values(facts.map(factColumns))
    .onConflict((oc) =>
      oc.column("ticket_no").doUpdateSet((eb) => ({
        month: eb.ref("excluded.month"),
        business_line: eb.ref("excluded.business_line"),
        merchant_id: eb.ref("excluded.merchant_id"),
        region: eb.ref("excluded.region"),
        category: eb.ref("excluded.category"),
        sub_type: eb.ref("excluded.sub_type"),
        agent: eb.ref("excluded.agent"),
        rider_id: eb.ref("excluded.rider_id"),
        day: eb.ref("excluded.day"),
        hour: eb.ref("excluded.hour"),
        ...Object.fromEntries(MEASURES.map((m) => [m, eb.ref(`excluded.${m}`)])),
      })),
    )
    .execute();
}

const adding = (table: string) =>
  Object.fromEntries(
    MEASURES.map((m) => [m, sql`${sql.ref(`${table}.${m}`)} + ${sql.ref(`excluded.${m}`)}`]),
  );

/** Adds the deltas to the monthly rollup. Only the holder of the reports cursor writes here. */
export async function addToMonthly(
  trx: Transaction<Database>,
  deltas: readonly RollupDelta[],
): Promise<void> {
  if (!deltas.length) return;
  await trx
    .insertInto("report_monthly")
    .values(
      deltas.map((d) => ({
        month: d.key.month,
        business_line: d.key.businessLine,
        merchant_id: d.key.merchantId,
        region: d.key.region,
        category: d.key.category,
        sub_type: d.key.subType,
        ...d.measures,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(["month", "business_line", "merchant_id", "region", "category", "sub_type"])
        .doUpdateSet(adding("report_monthly")),
    )
    .execute();
}

export async function addToAgents(trx: Transaction<Database>, deltas: readonly RollupDelta[]): Promise<void> {
  if (!deltas.length) return;
  await trx
    .insertInto("report_agent_monthly")
    .values(
      deltas.map((d) => ({
        month: d.key.month,
        business_line: d.key.businessLine,
        agent: d.key.agent,
        ...d.measures,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["month", "business_line", "agent"]).doUpdateSet(adding("report_agent_monthly")),
    )
    .execute();
}

type KeyColumns = Record<string, (k: FactKey) => string | number>;

/** Adds the deltas to a rollup whose row key is `keys` and which stores the `measures` named. */
async function addToRollup(
  trx: Transaction<Database>,
  table: string,
  keys: KeyColumns,
  measures: readonly Measure[],
  deltas: readonly RollupDelta[],
): Promise<void> {
  if (!deltas.length) return;
  const keyNames = Object.keys(keys);
  const rows = deltas.map(
    (d) =>
      sql`(${sql.join([...Object.values(keys).map((f) => f(d.key)), ...measures.map((m) => d.measures[m])])})`,
  );
  await sql`insert into ${sql.table(table)} (${sql.join([...keyNames, ...measures].map((c) => sql.ref(c)))})
    values ${sql.join(rows)}
    on conflict (${sql.join(keyNames.map((c) => sql.ref(c)))}) do update set ${sql.join(
      measures.map((m) => sql`${sql.ref(m)} = ${sql.table(table)}.${sql.ref(m)} + excluded.${sql.ref(m)}`),
    )}`.execute(trx);
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

const DAILY_KEYS: KeyColumns = {
  day: (k) => k.day,
  business_line: (k) => k.businessLine,
  region: (k) => k.region,
  category: (k) => k.category,
  hour: (k) => k.hour,
};
const RIDER_KEYS: KeyColumns = {
  month: (k) => k.month,
  rider_id: (k) => k.riderId,
  business_line: (k) => k.businessLine,
  category: (k) => k.category,
};

/** Tickets per Beijing day and hour: what trends, the weekly analysis and the heat maps read. */
export const addToDaily = (trx: Transaction<Database>, deltas: readonly RollupDelta[]) =>
  addToRollup(trx, "report_daily", DAILY_KEYS, DAILY_MEASURES, deltas);

/** A rider's tickets per month; tickets without a rider are nobody's. */
export const addToRiders = (trx: Transaction<Database>, deltas: readonly RollupDelta[]) =>
  addToRollup(
    trx,
    "report_rider_monthly",
    RIDER_KEYS,
    RIDER_MEASURES,
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
