import { type RawBuilder, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import { type Basis, CLOCK_NAMES, type Clock } from "./sla.domain.ts";

/**
 * SQL of the `sla_clocks` table. Clock rows travel as one JSON array per statement, so writing the
 * clocks of one ticket or of a whole tick is one round trip.
 */

type Executor = Db | Transaction<Database>;

const RECORD = sql.raw(
  `name text, basis text, target_ms bigint, started_at timestamptz, due_at timestamptz,
   remind_at timestamptz, paused_since timestamptz, remaining_ms bigint, stopped_at timestamptz,
   reminded_at timestamptz, breached_at timestamptz, level int, next_at timestamptz`,
);
const COLUMNS = sql.raw(
  `name, basis, target_ms, started_at, due_at, remind_at, paused_since, remaining_ms, stopped_at,
   reminded_at, breached_at, level, next_at`,
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toRecord(c: Clock, ticketNo?: string) {
  return {
    ...(ticketNo ? { ticket_no: ticketNo } : {}),
    name: c.name,
    basis: c.basis,
    target_ms: Math.round(c.targetMs),
    started_at: iso(c.startedAt),
    due_at: iso(c.dueAt),
    remind_at: iso(c.remindAt),
    paused_since: iso(c.pausedSince),
    remaining_ms: c.remainingMs === null ? null : Math.round(c.remainingMs),
    stopped_at: iso(c.stoppedAt),
    reminded_at: iso(c.remindedAt),
    breached_at: iso(c.breachedAt),
    level: c.level,
    next_at: iso(c.nextAt),
  };
}

export interface ClockRow {
  ticket_no: string;
  name: string;
  basis: string;
  target_ms: number | string;
  started_at: Date;
  due_at: Date | null;
  remind_at: Date | null;
  paused_since: Date | null;
  remaining_ms: number | string | null;
  stopped_at: Date | null;
  reminded_at: Date | null;
  breached_at: Date | null;
  level: number;
  next_at: Date | null;
}

export function clockOf(r: ClockRow): Clock {
  return {
    name: r.name,
    basis: r.basis as Basis,
    targetMs: Number(r.target_ms),
    startedAt: r.started_at,
    dueAt: r.due_at,
    remindAt: r.remind_at,
    pausedSince: r.paused_since,
    remainingMs: r.remaining_ms === null ? null : Number(r.remaining_ms),
    stoppedAt: r.stopped_at,
    remindedAt: r.reminded_at,
    breachedAt: r.breached_at,
    level: r.level,
    nextAt: r.next_at,
  };
}

/** Clocks as the JSON records `insertClocksOf` reads. */
export const clockRecords = (clocks: readonly Clock[]) => clocks.map((c) => toRecord(c));

/**
 * The clocks of tickets being inserted, as a clause of intake's single statement:
 * `c as (${insertClocksOf("b")})` where `b` is the CTE with each new `ticket_no` and its `clocks`
 * (`clockRecords`, jsonb).
 */
export function insertClocksOf(ticketCte: "b"): RawBuilder<unknown> {
  const t = sql.raw(ticketCte);
  return sql`insert into sla_clocks (ticket_no, ${COLUMNS})
    select ${t}.ticket_no, ${COLUMNS}
    from ${t} cross join jsonb_to_recordset(${t}.clocks) as x(${RECORD})`;
}

/** Inserts or rewrites clocks, of one ticket or many, in one statement. */
export async function saveClocks(
  trx: Executor,
  clocks: readonly { ticketNo: string; clock: Clock }[],
): Promise<void> {
  if (!clocks.length) return;
  const rows = JSON.stringify(clocks.map((c) => toRecord(c.clock, c.ticketNo)));
  await sql`
    insert into sla_clocks (ticket_no, ${COLUMNS})
    select ticket_no, ${COLUMNS}
    from jsonb_to_recordset(${rows}::jsonb) as x(ticket_no text, ${RECORD})
    on conflict (ticket_no, name) do update set
      basis = excluded.basis, target_ms = excluded.target_ms, started_at = excluded.started_at,
      due_at = excluded.due_at, remind_at = excluded.remind_at, paused_since = excluded.paused_since,
      remaining_ms = excluded.remaining_ms, stopped_at = excluded.stopped_at,
      reminded_at = excluded.reminded_at, breached_at = excluded.breached_at, level = excluded.level,
      next_at = excluded.next_at`.execute(trx);
}

/**
 * The writes of one tick in one statement: the clocks' progress, and the clauses the tickets module
 * gives for its tables (re-routed tickets, events). One round trip whatever the batch size.
 *
 * The tick's commit does not wait for its WAL to reach the disk (synchronous_commit off, for this
 * transaction only). A crash can lose the last fraction of a second of ticks, but only whole: the clock
 * rows roll back with their escalations and events, so the next tick does the same work again.
 */
export async function writeTick(
  trx: Transaction<Database>,
  clocks: readonly { ticketNo: string; clock: Clock }[],
  ...clauses: RawBuilder<unknown>[]
): Promise<void> {
  const rows = JSON.stringify(clocks.map((c) => toRecord(c.clock, c.ticketNo)));
  const more = clauses.map((clause, i) => sql`, w${sql.raw(String(i))} as (${clause})`);
  await sql`
    with c as (
      update sla_clocks s set reminded_at = x.reminded_at, breached_at = x.breached_at, level = x.level,
        next_at = x.next_at
      from jsonb_to_recordset(${rows}::jsonb) as x(ticket_no text, ${RECORD})
      where s.ticket_no = x.ticket_no and s.name = x.name
    )${sql.join(more, sql``)}
    select set_config('synchronous_commit', 'off', true)`.execute(trx);
}

/** Clocks in the order they were promised: first response, resolution, then the pack's others. */
const byPromise = (a: Clock, b: Clock) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name);
const rank = (name: string) => {
  const i = (CLOCK_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? CLOCK_NAMES.length : i;
};

export async function loadTicketClocks(db: Executor, ticketNo: string): Promise<Clock[]> {
  const rows = await db.selectFrom("sla_clocks").selectAll().where("ticket_no", "=", ticketNo).execute();
  return rows.map(clockOf).sort(byPromise);
}

/** The clocks of a page of tickets, by ticket number. */
export async function clocksOfTickets(
  db: Executor,
  ticketNos: readonly string[],
): Promise<Map<string, Clock[]>> {
  const byTicket = new Map<string, Clock[]>();
  if (!ticketNos.length) return byTicket;
  const rows = await db
    .selectFrom("sla_clocks")
    .selectAll()
    .where("ticket_no", "in", [...ticketNos])
    .orderBy("ticket_no")
    .execute();
  for (const r of rows) {
    const list = byTicket.get(r.ticket_no) ?? [];
    list.push(clockOf(r));
    byTicket.set(r.ticket_no, list);
  }
  for (const list of byTicket.values()) list.sort(byPromise);
  return byTicket;
}

export interface DueClockRow extends ClockRow {
  business_line: string;
  status: string;
  queue: string;
  escalation_level: number;
  assignee_id: string | null;
  merchant_id: string;
  rider_id: string | null;
}

/**
 * Claims up to `limit` clocks that need the engine now, with their tickets, oldest first. The rows of
 * both stay locked until the caller's transaction ends; rows another process (or a staff command) holds
 * are skipped, so each deadline is handled by one process once. Locked as commands lock tickets (see
 * `lockTicket`): writes that only point at the ticket need not wait. Reads only the partial index on next_at.
 */
export async function claimDueClocks(
  trx: Transaction<Database>,
  now: Date,
  limit: number,
): Promise<DueClockRow[]> {
  const result = await sql<DueClockRow>`
    select c.*, t.business_line, t.status, t.queue, t.escalation_level, t.assignee_id, t.merchant_id, t.rider_id
    from sla_clocks c join tickets t on t.ticket_no = c.ticket_no
    where c.next_at is not null and c.next_at <= ${now.toISOString()}
    order by c.next_at
    limit ${limit}
    for no key update of c, t skip locked`.execute(trx);
  return result.rows;
}

/**
 * Running clocks on service time whose deadline (or next escalation) lies at or after `from`, a page at a
 * time in key order: the clocks a change of the calendar from that day on can move.
 */
export async function runningBusinessClocks(
  db: Executor,
  from: Date,
  after: { ticketNo: string; name: string } | null,
  limit: number,
): Promise<(ClockRow & { business_line: string })[]> {
  const result = await sql<ClockRow & { business_line: string }>`
    select c.*, t.business_line
    from sla_clocks c join tickets t on t.ticket_no = c.ticket_no
    where c.basis = 'business' and c.next_at is not null and c.next_at >= ${from.toISOString()}
      ${after ? sql`and (c.ticket_no, c.name) > (${after.ticketNo}, ${after.name})` : sql``}
    order by c.ticket_no, c.name
    limit ${limit}`.execute(db);
  return result.rows;
}

/** How many clocks are due now (for metrics and the bench). */
export async function countDueClocks(db: Executor, now: Date): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from sla_clocks where next_at is not null and next_at <= ${now.toISOString()}`.execute(
    db,
  );
  return r.rows[0]?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------------
// What the queue views and the metrics ask of the clocks. "Running" is neither stopped nor paused: a
// paused clock has no deadline to miss until it runs again. Both questions are range scans of the
// partial indexes of migration 0005 over running clocks, so they cost the clocks concerned, not the
// open tickets.

/** The running clocks of the named ticket row, for conditions inside a query on `tickets`. */
const running = sql.raw("c.stopped_at is null and c.paused_since is null");

/** A condition on `tickets`: the ticket has a running clock whose deadline has passed at `now`. */
export function hasBrokenRunningClock(now: Date): RawBuilder<boolean> {
  return sql<boolean>`ticket_no in (select c.ticket_no from sla_clocks c
    where ${running} and c.due_at <= ${now.toISOString()})`;
}

/**
 * A condition on `tickets`: a running clock is inside its reminder window at `now` (the pack's
 * `reminderAtFraction` of its time used) and not yet past its deadline.
 */
export function hasClockDueSoon(now: Date): RawBuilder<boolean> {
  return sql<boolean>`ticket_no in (select c.ticket_no from sla_clocks c
    where ${running} and c.remind_at <= ${now.toISOString()} and c.due_at > ${now.toISOString()})`;
}

/** An ordering of `tickets` by the nearest deadline of their running clocks (for the few rows of a view). */
export const nearestRunningDeadline = (): RawBuilder<Date | null> =>
  sql<Date | null>`(select min(c.due_at) from sla_clocks c where c.ticket_no = tickets.ticket_no and ${running})`;

/** A clock's kind: its name, without the id of what it times (`execution:<orderId>` → `execution`). */
const kind = sql.raw("split_part(c.name, ':', 1)");

/**
 * Running clocks past their deadline and inside their reminder window, by kind of clock (for /metrics:
 * one series per kind, never one per execution order).
 */
export async function countRunningClocks(
  db: Executor,
  now: Date,
): Promise<{ name: string; breached: number; dueSoon: number }[]> {
  const at = now.toISOString();
  const [late, soon] = await Promise.all([
    sql<{ name: string; n: number }>`select ${kind} as name, count(*)::int as n from sla_clocks c
      where ${running} and c.due_at <= ${at} group by 1`.execute(db),
    sql<{ name: string; n: number }>`select ${kind} as name, count(*)::int as n from sla_clocks c
      where ${running} and c.remind_at <= ${at} and c.due_at > ${at} group by 1`.execute(db),
  ]);
  const names = new Set([...late.rows, ...soon.rows].map((r) => r.name));
  const of = (rows: { name: string; n: number }[], name: string) => rows.find((r) => r.name === name)?.n ?? 0;
  return [...names].map((name) => ({ name, breached: of(late.rows, name), dueSoon: of(soon.rows, name) }));
}
