import { type RawBuilder, sql, type Transaction } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database } from "../../db/schema.ts";
import {
  eventPartitionName,
  isMonth,
  isPrefix,
  type Month,
  parsePartitionName,
  ticketRange,
} from "./archive.domain.ts";

/**
 * The partitions of `ticket_events` (migration 0020: by ticket number, one per line and month), read from
 * the catalog and made ahead of time. Names and bounds are built from a checked prefix and month only, so
 * the DDL below, which cannot take parameters, never carries outside text.
 */

export type Executor = Db | Transaction<Database>;

/** One lock for all partition DDL, taken per transaction: the process that gets it does the work. */
const PARTITION_LOCK = sql`pg_try_advisory_xact_lock(1095914056, 20)`;

export async function takePartitionLock(trx: Transaction<Database>): Promise<boolean> {
  const r = await sql<{ got: boolean }>`select ${PARTITION_LOCK} as got`.execute(trx);
  return r.rows[0]!.got;
}

/**
 * Making or detaching a partition locks `ticket_events` exclusively (PostgreSQL 15: every reader of the
 * table waits); queued behind a long transaction it would hold up every request queued behind it. So it
 * gives up after a second and the job tries again at its next run (months ahead leave ample runs).
 */
export const boundLockWait = (trx: Transaction<Database>) => sql`set local lock_timeout = '1s'`.execute(trx);

/** The line and month of every attached partition of ticket_events (the default partition left out). */
export async function attachedPartitions(
  db: Executor,
): Promise<{ name: string; prefix: string; month: Month }[]> {
  const r = await sql<{ name: string }>`
    select c.relname as name
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'ticket_events'
      and p.relnamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(db);
  return r.rows.flatMap((row) => {
    const parsed = parsePartitionName(row.name);
    return parsed ? [{ name: row.name, ...parsed }] : [];
  });
}

function checked(prefix: string, month: Month): void {
  if (!isPrefix(prefix) || !isMonth(month)) throw new Error(`not a partition: ${prefix} ${month}`);
}

const lit = (s: string) => sql.lit(s);

export type Prepared = "created" | "exists" | "default_has_rows";

/**
 * Makes one line's month partition of ticket_events. When the default partition already holds events of
 * that month (its tickets began before the partition existed) the partition is not made: PostgreSQL
 * refuses to make a partition whose rows sit in the default one, and moving them out would lock the table
 * for as long as the move takes. That month's events stay in the default partition, which is indexed like
 * the others; only its timeline reads and its archiving cost more.
 */
export async function preparePartition(
  trx: Transaction<Database>,
  prefix: string,
  month: Month,
  existing: Set<string>,
): Promise<Prepared> {
  checked(prefix, month);
  const name = eventPartitionName(prefix, month);
  // Another process may have made it since `existing` was read; under the lock the catalog is current.
  const made = await sql<{ t: string | null }>`select to_regclass(${name})::text as t`.execute(trx);
  if (existing.has(name) || made.rows[0]?.t) return "exists";
  const { from, to } = ticketRange(prefix, month);
  const inDefault = await sql<{ n: number }>`select count(*)::int as n from ticket_events_default
    where ticket_no >= ${from} and ticket_no < ${to}`.execute(trx);
  if (inDefault.rows[0]!.n > 0) return "default_has_rows";
  await sql`create table ${sql.id(name)} partition of ticket_events
    for values from (${lit(from)}) to (${lit(to)})`.execute(trx);
  existing.add(name);
  return "created";
}

const WELL_FORMED = sql<boolean>`ticket_no ~ '^[A-Z]{2}[0-9]{8}' and substr(ticket_no, 7, 2) between '01' and '12'`;

/** The line prefixes of the month's tickets in the hot table (a scan of the numbers, once a day at most). */
export async function ticketPrefixes(db: Executor, month: Month): Promise<string[]> {
  if (!isMonth(month)) throw new Error(`not a month: ${month}`);
  const r = await sql<{ prefix: string }>`select distinct substr(ticket_no, 1, 2) as prefix from tickets
    where ${WELL_FORMED} and substr(ticket_no, 3, 6) = ${month.replace("-", "")}
    order by 1`.execute(db);
  return r.rows.map((row) => row.prefix);
}

/** Every month that still has tickets in the hot table. */
export async function hotTicketMonths(db: Executor): Promise<Month[]> {
  const r = await sql<{ month: string }>`
    select distinct substr(ticket_no, 3, 4) || '-' || substr(ticket_no, 7, 2) as month
    from tickets where ${WELL_FORMED} order by 1`.execute(db);
  return r.rows.map((row) => row.month);
}

/** `(col >= 'FD202401' and col < 'FD202402') or …`: the month's tickets of every prefix, as a predicate on `col`. */
export function monthPredicate(column: string, prefixes: string[], month: Month): RawBuilder<boolean> {
  const parts = prefixes.map((prefix) => {
    checked(prefix, month);
    const { from, to } = ticketRange(prefix, month);
    return sql`(${sql.ref(column)} >= ${lit(from)} and ${sql.ref(column)} < ${lit(to)})`;
  });
  return parts.length ? sql<boolean>`(${sql.join(parts, sql` or `)})` : sql<boolean>`false`;
}
