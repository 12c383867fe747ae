import { type RawBuilder, sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";
import type { BlockerCount, Month } from "./archive.domain.ts";
import { type Executor, monthPredicate } from "./partitions.store.ts";

/**
 * SQL of archiving: what blocks a month, which rows of which tables belong to it, and moving them into the
 * `archive` schema. Archiving is the one writer of every table that references tickets, the way erasure
 * is in the privacy module: a month's rows must leave all of them in one transaction. The tables are found
 * in the catalog (every foreign key that leads to tickets, directly or through another such table), so a
 * table added later is archived with its tickets without a change here.
 */

type Trx = Transaction<Database>;

/** The month's tickets (rows of the hot table) under a predicate on `t`, counted with a few examples. */
async function countWhere(
  db: Executor,
  inMonth: RawBuilder<boolean>,
  condition: RawBuilder<boolean>,
): Promise<{ tickets: number; examples: string[] }> {
  const r = await sql<{ n: number; ex: string | null }>`
    select count(*)::int as n, array_to_string((array_agg(t.ticket_no order by t.ticket_no))[1:3], ',') as ex
    from tickets t where ${inMonth} and ${condition}`.execute(db);
  const row = r.rows[0]!;
  return { tickets: row.n, examples: row.ex ? row.ex.split(",") : [] };
}

export async function monthTicketCount(db: Executor, prefixes: string[], month: Month): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from tickets
    where ${monthPredicate("ticket_no", prefixes, month)}`.execute(db);
  return r.rows[0]!.n;
}

/**
 * Counts, per reason, the month's tickets that must stay: not finished, held (legal hold or an active
 * blacklist record, as for erasure), personal data still kept (the archive holds none, so the privacy
 * module's export, erasure and retention, which read the hot tables, stay complete), money or work still
 * moving, or a newer ticket merged into one of them.
 */
export async function blockerCounts(
  db: Executor,
  prefixes: string[],
  month: Month,
  finished: readonly string[],
  dataKinds: readonly string[],
): Promise<BlockerCount[]> {
  const inMonth = monthPredicate("t.ticket_no", prefixes, month);
  const checks: [BlockerCount["code"], RawBuilder<boolean>][] = [
    ["OPEN_TICKETS", sql`t.status <> all(${[...finished]}::text[])`],
    [
      "LEGAL_HOLD",
      sql`exists (select 1 from legal_holds h where h.released_at is null
        and (h.ticket_no = t.ticket_no or h.customer_phone = t.customer_phone))`,
    ],
    [
      "BLACKLIST_HOLD",
      sql`exists (select 1 from blacklist b where b.phone = t.customer_phone and b.status = 'active')`,
    ],
    [
      "PERSONAL_DATA_KEPT",
      sql`(select count(distinct e.data_kind) from privacy_erasures e
        where e.ticket_no = t.ticket_no and e.data_kind = any(${[...dataKinds]}::text[])) < ${dataKinds.length}`,
    ],
    [
      "OPEN_REMEDIES",
      sql`(exists (select 1 from ledger_entries l where l.ticket_no = t.ticket_no
            and l.status in ('held','pending','processing'))
        or exists (select 1 from execution_orders x where x.ticket_no = t.ticket_no
            and x.status in ('open','in_progress'))
        or exists (select 1 from remedies r where r.ticket_no = t.ticket_no and r.status = 'pending_approval')
        or exists (select 1 from mediations m where m.ticket_no = t.ticket_no and m.status = 'open'))`,
    ],
    [
      "MERGED_FROM_HOT",
      sql`exists (select 1 from tickets h where h.merged_into = t.ticket_no
        and not ${monthPredicate("h.ticket_no", prefixes, month)})`,
    ],
  ];
  const out: BlockerCount[] = [];
  for (const [code, condition] of checks) out.push({ code, ...(await countWhere(db, inMonth, condition)) });
  return out;
}

// ---- the tables that hang off tickets

interface ForeignKey {
  child: string;
  parent: string;
  cols: string[];
  refcols: string[];
}

async function foreignKeys(db: Executor): Promise<ForeignKey[]> {
  const r = await sql<{ child: string; parent: string; cols: string; refcols: string }>`
    select ch.relname as child, pa.relname as parent,
      (select string_agg(a.attname, ',' order by k.ord) from unnest(c.conkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as cols,
      (select string_agg(a.attname, ',' order by k.ord) from unnest(c.confkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum) as refcols
    from pg_constraint c
    join pg_class ch on ch.oid = c.conrelid
    join pg_class pa on pa.oid = c.confrelid
    where c.contype = 'f' and c.conparentid = 0
      and c.connamespace = (select oid from pg_namespace where nspname = current_schema())`.execute(db);
  return r.rows.map((f) => ({ ...f, cols: f.cols.split(","), refcols: f.refcols.split(",") }));
}

export interface Dependent {
  table: string;
  /** Selects the table's rows that belong to the month's tickets. */
  where: RawBuilder<boolean>;
}

/**
 * Every table whose rows hang off the month's tickets, children before their parents (the order to delete
 * in). `ticket_events` is left out: it is archived by partition. A foreign key of a table to itself is
 * left out too; a row of another month pointing at one archived would fail the delete and stop the run.
 */
export async function dependentsOf(db: Executor, prefixes: string[], month: Month): Promise<Dependent[]> {
  const fks = (await foreignKeys(db)).filter((f) => f.child !== f.parent && f.child !== "ticket_events");
  const inClosure = new Set(["tickets"]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of fks)
      if (inClosure.has(f.parent) && !inClosure.has(f.child)) {
        inClosure.add(f.child);
        grew = true;
      }
  }
  const links = fks.filter((f) => inClosure.has(f.parent) && inClosure.has(f.child));
  const memo = new Map<string, RawBuilder<boolean>>();
  const where = (table: string, seen: Set<string>): RawBuilder<boolean> => {
    const known = memo.get(table);
    if (known) return known;
    const parts = links
      .filter((f) => f.child === table && !seen.has(f.parent))
      .map((f) =>
        f.parent === "tickets"
          ? monthPredicate(f.cols[0]!, prefixes, month)
          : sql<boolean>`(${sql.join(f.cols.map((c) => sql.ref(c)))}) in (select ${sql.join(
              f.refcols.map((c) => sql.ref(c)),
            )} from ${sql.table(f.parent)} where ${where(f.parent, new Set([...seen, table]))})`,
      );
    const built = parts.length ? sql<boolean>`(${sql.join(parts, sql` or `)})` : sql<boolean>`false`;
    memo.set(table, built);
    return built;
  };
  // Children first: a table goes once no table still to go references it.
  const order: string[] = [];
  const pending = new Set([...inClosure].filter((t) => t !== "tickets"));
  while (pending.size) {
    const ready = [...pending].filter(
      (t) => !links.some((f) => f.parent === t && pending.has(f.child) && f.child !== t),
    );
    const next = ready.length ? ready : [...pending]; // a cycle: the delete will say which row is in the way
    for (const t of next.sort()) {
      order.push(t);
      pending.delete(t);
    }
  }
  return order.map((table) => ({ table, where: where(table, new Set()) }));
}

// ---- moving rows

async function columnsOf(
  db: Executor,
  schema: string,
  table: string,
): Promise<{ name: string; type: string }[]> {
  const r = await sql<{ name: string; type: string }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relname = ${table} and a.attnum > 0 and not a.attisdropped
    order by a.attnum`.execute(db);
  return r.rows;
}

const currentSchema = async (db: Executor) =>
  (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;

export async function archiveTableExists(db: Executor, table: string): Promise<boolean> {
  const r = await sql<{ t: string | null }>`select to_regclass(${`archive.${table}`})::text as t`.execute(db);
  return !!r.rows[0]?.t;
}

/** archive.<name> with the columns of the hot table (created, or given the columns added since). */
async function archiveTableLike(trx: Trx, hot: string, name: string): Promise<string[]> {
  const schema = await currentSchema(trx);
  await sql`create table if not exists ${sql.table(`archive.${name}`)} (like ${sql.table(`${schema}.${hot}`)})`.execute(
    trx,
  );
  const have = new Set((await columnsOf(trx, "archive", name)).map((c) => c.name));
  const cols = await columnsOf(trx, schema, hot);
  for (const c of cols.filter((c) => !have.has(c.name)))
    await sql`alter table ${sql.table(`archive.${name}`)} add column ${sql.id(c.name)} ${sql.raw(c.type)}`.execute(
      trx,
    );
  return cols.map((c) => c.name);
}

/** Copies the rows into archive.<name>; the caller deletes them from the hot table afterwards. */
export async function copyToArchive(
  trx: Trx,
  hot: string,
  name: string,
  where: RawBuilder<boolean>,
): Promise<number> {
  const cols = sql.join((await archiveTableLike(trx, hot, name)).map((c) => sql.ref(c)));
  const r = await sql`insert into ${sql.table(`archive.${name}`)} (${cols})
    select ${cols} from ${sql.table(hot)} where ${where}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export async function deleteRows(trx: Trx, table: string, where: RawBuilder<boolean>): Promise<number> {
  const r = await sql`delete from ${sql.table(table)} where ${where}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

export async function countRows(db: Executor, table: string, where: RawBuilder<boolean>): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(db);
  return r.rows[0]!.n;
}

/**
 * The foreign key of ticket_events to tickets, deferrable since migration 0020. Deferred, the month's
 * tickets can be deleted before their event partitions are detached: the delete (seconds: every deleted
 * ticket checks 21 referencing tables) then runs before ticket_events is locked, and the lock is held only
 * for the detach and the check of the deferred key (measured: 0.3 s for 7,520 tickets instead of 3.1 s).
 */
export async function deferEventsKey(trx: Trx, immediate = false): Promise<void> {
  const r = await sql<{ conname: string }>`select conname from pg_constraint
    where conrelid = 'ticket_events'::regclass and confrelid = 'tickets'::regclass and contype = 'f'
      and conparentid = 0 and condeferrable`.execute(trx);
  for (const fk of r.rows)
    await sql`set constraints ${sql.id(fk.conname)} ${sql.raw(immediate ? "immediate" : "deferred")}`.execute(
      trx,
    );
}

export async function detachPartition(trx: Trx, parent: string, partition: string): Promise<void> {
  await sql`alter table ${sql.table(parent)} detach partition ${sql.table(partition)}`.execute(trx);
}

/**
 * Moves a detached partition into the archive schema without its foreign keys: archived events point at
 * tickets that are themselves archived, and a key into the hot table would keep those from leaving. (Once
 * the deferred key is checked: a key cannot be dropped while tickets has checks pending.)
 */
export async function moveToArchive(trx: Trx, partition: string): Promise<void> {
  const fks = await sql<{ conname: string }>`select conname from pg_constraint
    where conrelid = ${partition}::regclass and contype = 'f' and conparentid = 0`.execute(trx);
  for (const fk of fks.rows)
    await sql`alter table ${sql.table(partition)} drop constraint ${sql.id(fk.conname)}`.execute(trx);
  await sql`alter table ${sql.table(partition)} set schema archive`.execute(trx);
}

// ---- the record of runs

export interface ArchiveRun {
  month: Month;
  startedAt: Date;
  finishedAt: Date;
  actor: string;
  outcome: "archived" | "refused" | "nothing" | "failed" | "dry_run";
  tickets: number;
  events: number;
  moved: Record<string, number>;
  reasons: unknown[];
}

export async function insertArchiveRun(db: Executor, run: ArchiveRun): Promise<void> {
  await sql`insert into archive_runs (month, started_at, finished_at, actor, outcome, tickets, events, moved, reasons)
    values (${run.month}, ${run.startedAt}, ${run.finishedAt}, ${run.actor}, ${run.outcome}, ${run.tickets},
      ${run.events}, ${JSON.stringify(run.moved)}::jsonb, ${JSON.stringify(run.reasons)}::jsonb)`.execute(db);
}

export async function listArchiveRuns(db: Executor, limit: number) {
  const r = await sql<{
    id: number;
    month: string;
    started_at: Date;
    finished_at: Date | null;
    actor: string;
    outcome: string;
    tickets: number;
    events: number;
    moved: Record<string, number>;
    reasons: unknown[];
  }>`select * from archive_runs order by id desc limit ${limit}`.execute(db);
  return r.rows;
}

/** Claims the Shanghai day's archive pass for this process; false when another has it already. */
export async function claimArchiveDay(db: Executor, day: string): Promise<boolean> {
  const r = await sql`insert into app_state (key, value) values ('archive.day', ${JSON.stringify(day)}::jsonb)
    on conflict (key) do update set value = excluded.value where app_state.value <> excluded.value
    returning key`.execute(db);
  return r.rows.length > 0;
}
