import { type Kysely, sql } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Ticket events partitioned by the month of their ticket, so that old months leave the hot table whole
 * (see src/modules/archive).
 *
 * `ticket_events` is partitioned BY RANGE on `ticket_no`: the number is the line prefix and the Shanghai
 * date of receipt, so one partition per (prefix, month) holds FROM ('FD202611') TO ('FD202612'). Every
 * event of a ticket then sits in its ticket's partition, whenever it was written: the timeline of a ticket
 * (`where ticket_no = $1`) reads one partition, and a month leaves by detaching its partitions. The primary
 * key becomes (id, ticket_no), since a unique key must hold the partition key; the id sequence goes on
 * where it stood (the outbox cursors compare ids). A DEFAULT partition takes any number outside the made
 * partitions, so no insert can ever fail for want of a partition.
 *
 * `tickets` stays one table: partitioned, every read without the number (the staff queue: 38 ms + 73 ms of
 * planning against 0.1 ms) and every foreign-key check of the 21 tables referencing it (4–8× dearer, ~3.5
 * per ticket at intake) paid for the partitions. Archiving moves a month's tickets row by row.
 *
 * The table is rebuilt from the catalog, not from a list written here: its indexes, checks and foreign
 * keys are read from pg_constraint and pg_indexes and made again, so migrations numbered before this one
 * and run after it (allowUnorderedMigrations) lose nothing. Existing rows are copied; partitions are made
 * for every month the rows need and for this month and the next two of every prefix of the shipped packs;
 * the partition job keeps that horizon from then on.
 *
 * `archive` is the schema old months are moved to (still queryable by SQL, restorable); `archive_runs`
 * records every attempt to archive a month, with what was moved or why it was refused.
 */
// The prefixes of the packs shipped with this release: their first tickets after the upgrade must not land
// in the default partition (a month with events in the default partition does not get its own partition).
const SHIPPED_PREFIXES = ["FD", "FF", "BS", "EC"];
const MONTHS_AHEAD = 2;

type Row = Record<string, string>;
const rows = async (db: Kysely<unknown>, query: ReturnType<typeof sql>) =>
  (await query.execute(db)).rows as Row[];

/** "2026-11" of an instant, in Shanghai (UTC+8, no daylight saving). */
function shanghaiMonth(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}

function nextMonth(month: string, n = 1): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

const compact = (month: string) => month.replace("-", "");

async function eventPartition(db: Kysely<unknown>, prefix: string, month: string): Promise<void> {
  await sql
    .raw(
      `create table if not exists ticket_events_${prefix.toLowerCase()}_${month.replace("-", "_")}
       partition of ticket_events
       for values from ('${prefix}${compact(month)}') to ('${prefix}${compact(nextMonth(month))}')`,
    )
    .execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // A unique key other than the primary key, or a foreign key pointing at events, would need the partition
  // key in it: none exist, and a silent rebuild without one would lose a guarantee, so stop and say so.
  const blocking = await rows(
    db,
    sql`select conname from pg_constraint where (conrelid = 'ticket_events'::regclass and contype in ('u','x'))
      or (contype = 'f' and confrelid = 'ticket_events'::regclass)`,
  );
  if (blocking.length)
    throw new Error(
      `0020: constraints ${blocking.map((r) => r.conname).join(", ")} would need the partition key`,
    );

  const constraints = await rows(
    db,
    sql`select conname, pg_get_constraintdef(oid) as def,
        case when confrelid = 'tickets'::regclass and not condeferrable then 'yes' else '' end as tickets
      from pg_constraint where conrelid = 'ticket_events'::regclass and contype in ('c', 'f')`,
  );
  const indexes = await rows(
    db,
    sql`select indexname, indexdef from pg_indexes
      where schemaname = current_schema() and tablename = 'ticket_events'
        and indexname not in (select conname from pg_constraint where contype = 'p'
          and conrelid = 'ticket_events'::regclass)`,
  );
  const seq = (await rows(db, sql`select pg_get_serial_sequence('ticket_events', 'id') as seq`))[0]?.seq;
  const lastId = seq
    ? ((await rows(db, sql`select last_value::text as v, is_called from ${sql.raw(seq)}`))[0] ?? null)
    : null;

  // Columns, defaults, not-null and the identity, in the same order (so `select *` copies row for row);
  // checks, keys and indexes are made again below under their old names.
  await runStatements(
    db,
    `
    create table ticket_events_partitioned (like ticket_events including defaults including identity)
      partition by range (ticket_no);
    create table ticket_events_default partition of ticket_events_partitioned default;
    alter table ticket_events rename to ticket_events_unpartitioned;
    alter table ticket_events_partitioned rename to ticket_events
    `,
  );

  // Partitions for the months the rows need and for the months ahead of every prefix, before the copy so
  // that the copied rows land in them rather than in the default partition.
  const ahead = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => nextMonth(shanghaiMonth(new Date()), i));
  const needed = await rows(
    db,
    sql`select distinct substr(ticket_no, 1, 2) as prefix,
        substr(ticket_no, 3, 4) || '-' || substr(ticket_no, 7, 2) as month
      from tickets where ticket_no ~ '^[A-Z]{2}[0-9]{8}' and substr(ticket_no, 7, 2) between '01' and '12'`,
  );
  const prefixes = new Set([...SHIPPED_PREFIXES, ...needed.map((r) => r.prefix!)]);
  const wanted = new Set(needed.map((r) => `${r.prefix}|${r.month}`));
  for (const prefix of prefixes) for (const month of ahead) wanted.add(`${prefix}|${month}`);
  for (const key of [...wanted].sort()) {
    const [prefix, month] = key.split("|") as [string, string];
    await eventPartition(db, prefix, month);
  }

  await runStatements(
    db,
    `
    insert into ticket_events overriding system value select * from ticket_events_unpartitioned;
    drop table ticket_events_unpartitioned;
    alter table ticket_events add constraint ticket_events_pkey primary key (id, ticket_no)
    `,
  );
  if (lastId?.v) {
    const next = await rows(db, sql`select pg_get_serial_sequence('ticket_events', 'id') as seq`);
    await sql`select setval(${next[0]!.seq}, ${lastId.v}::bigint, ${lastId.is_called})`.execute(db);
  }
  // The key to tickets becomes deferrable (still checked at once unless a transaction defers it): archiving
  // deletes a month's tickets before it detaches their events, so ticket_events is locked only briefly.
  for (const c of constraints)
    await sql
      .raw(
        `alter table ticket_events add constraint ${c.conname} ${c.def}${c.tickets ? " deferrable initially immediate" : ""}`,
      )
      .execute(db);
  // Index definitions name the table by its name, which the new table now carries.
  for (const i of indexes) await sql.raw(i.indexdef!).execute(db);

  // Archiving deletes a month's tickets, and each deleted ticket has every referencing table checked for
  // rows still pointing at it: without an index on the column that check reads the whole table, per ticket
  // (measured: tickets.merged_into made archiving 7,520 tickets take 281 s, 1.5 G rows read).
  const unindexed = await rows(
    db,
    sql`select c.conrelid::regclass::text as tbl, a.attname as col
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.confrelid = 'tickets'::regclass and c.conparentid = 0
        and cardinality(c.conkey) = 1
        and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])`,
  );
  for (const u of unindexed)
    await sql
      .raw(
        `create index if not exists ${u.tbl}_${u.col}_ref on ${u.tbl} (${u.col}) where ${u.col} is not null`,
      )
      .execute(db);

  await runStatements(
    db,
    `
    create schema if not exists archive;
    create table archive_runs (
      id bigint generated always as identity primary key,
      month text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      actor text not null,
      outcome text not null check (outcome in ('archived','refused','nothing','failed','dry_run')),
      tickets integer not null default 0,
      events integer not null default 0,
      moved jsonb not null default '{}',
      reasons jsonb not null default '[]'
    );
    create index archive_runs_month on archive_runs (month, started_at desc)
    `,
  );
}

export async function down(): Promise<void> {
  // Undoing the partitioning would mean rebuilding the table again from archived and hot months; an
  // operator restores from a backup taken before the upgrade instead.
  throw new Error("0020_partitions cannot be undone; restore the backup taken before the upgrade");
}
