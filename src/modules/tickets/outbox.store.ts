import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema.ts";

/**
 * `ticket_events` read as an outbox by consumers (notifications now; reports and incidents later). Each
 * consumer has a cursor row; locking it makes the consumers of several processes take turns, and moving
 * it in the same transaction as the consumer's own writes handles each event exactly once.
 *
 * Events are read in the order of the transaction that wrote them (`tx`), and only from transactions
 * older than every one still running (`pg_snapshot_xmin`): an identity id is drawn before its
 * transaction commits, so a plain `id > cursor` could pass an event that commits a moment later.
 */

export interface OutboxRow {
  id: string;
  tx: string;
  ticket_no: string;
  at: Date;
  type: string;
  actor: string;
  visibility: "customer" | "internal";
  data: Record<string, unknown>;
  business_line: string;
  channel: string;
  customer_phone: string;
  urgent: boolean;
  category: string;
  details: Record<string, unknown>;
  first_response_due_at: Date;
}

/**
 * Locks the consumer's cursor for its transaction, and lets that transaction commit without waiting for
 * its WAL to reach the disk (`synchronous_commit = off`, for this transaction only). What a consumer
 * writes is derived from the events and moves with the cursor, so a database crash that loses its last
 * moment of work loses the cursor's move with it, and the events are consumed again (WAL replays as a
 * prefix, so whatever a later durable commit built on it survives with it). Nothing leaves the database on
 * the strength of such a commit: a notice is sent, and an incident reported to the order system, only
 * after a claim whose ordinary commit flushes the WAL before it, the consumer's rows included. The intake
 * bench did 3–4 % more tickets/s with it (PostgreSQL CPU per ticket −4 %).
 */
export async function lockOutboxCursor(
  trx: Transaction<Database>,
  consumer: string,
): Promise<{ tx: string; id: string } | undefined> {
  const r = await sql<{ tx: string; id: string }>`
    select last_tx::text as tx, last_id::text as id, set_config('synchronous_commit', 'off', true)
    from outbox_cursors where consumer = ${consumer} for update`.execute(trx);
  return r.rows[0];
}

/** Events after the cursor that no running transaction can still precede. */
const settledAfter = (cursor: { tx: string; id: string }) =>
  sql`e.tx is not null and (e.tx, e.id) > (${cursor.tx}::xid8, ${cursor.id}::bigint)
      and e.tx < pg_snapshot_xmin(pg_current_snapshot())`;

/** The next events after the cursor that no running transaction can still precede, with their ticket's facts. */
export async function outboxAfter(
  trx: Transaction<Database>,
  cursor: { tx: string; id: string },
  limit: number,
): Promise<OutboxRow[]> {
  const r = await sql<OutboxRow>`
    select e.id::text as id, e.tx::text as tx, e.ticket_no, e.at, e.type, e.actor, e.visibility, e.data,
      t.business_line, t.channel, t.customer_phone, t.urgent, t.category, t.details, t.first_response_due_at
    from ticket_events e join tickets t on t.ticket_no = e.ticket_no
    where ${settledAfter(cursor)}
    order by e.tx, e.id
    limit ${limit}`.execute(trx);
  return r.rows;
}

export type OutboxEvent = Pick<OutboxRow, "id" | "tx" | "ticket_no" | "type" | "data">;

/**
 * The same events without their ticket's facts, for consumers that read what they need of the tickets
 * themselves (or nothing): the join and the ticket's columns were most of a page's cost for them.
 */
export async function outboxEventsAfter(
  trx: Transaction<Database>,
  cursor: { tx: string; id: string },
  limit: number,
): Promise<OutboxEvent[]> {
  const r = await sql<OutboxEvent>`
    select e.id::text as id, e.tx::text as tx, e.ticket_no, e.type, e.data
    from ticket_events e
    where ${settledAfter(cursor)}
    order by e.tx, e.id
    limit ${limit}`.execute(trx);
  return r.rows;
}

/**
 * Whether events after the cursor are committed but not yet readable: a transaction that began earlier is
 * still running, so `outboxAfter` holds them back. A consumer that wants them soon looks again shortly.
 */
export async function outboxHeld(
  trx: Transaction<Database>,
  cursor: { tx: string; id: string },
): Promise<boolean> {
  const r = await sql<{ held: boolean }>`
    select exists (
      select 1 from ticket_events e
      where e.tx is not null and (e.tx, e.id) > (${cursor.tx}::xid8, ${cursor.id}::bigint)
        and e.tx >= pg_snapshot_xmin(pg_current_snapshot())) as held`.execute(trx);
  return r.rows[0]!.held;
}

/**
 * Read-ahead for a consumer whose handling is idempotent: the events after the cursor that `outboxAfter`
 * still holds back (a transaction that began earlier is running, perhaps an unrelated long one) but that
 * are already committed. Each read answers its snapshot; given the previous one (`since`), only events
 * committed after it are read: those of transactions it saw running, through their ids, and those of
 * later ones, through the index from its `xmax`. A read costs what is new, not what is held back.
 * The cursor does not move past them: it still passes each event once all before it are settled, and
 * the consumer, seeing it again, finds it handled.
 */
export async function outboxAhead(
  trx: Transaction<Database>,
  cursor: { tx: string; id: string },
  since: string | null,
  limit: number,
): Promise<{ rows: { id: string; tx: string; ticket_no: string; type: string }[]; snapshot: string }> {
  const prev = since ?? "1:1:";
  const r = await sql<{
    snapshot: string;
    rows: { id: string; tx: string; ticket_no: string; type: string }[];
  }>`
    select pg_current_snapshot()::text as snapshot, coalesce((select json_agg(x order by x.tx::xid8, x.id::bigint) from (
      select * from (
        select e.id::text as id, e.tx::text as tx, e.ticket_no, e.type from ticket_events e
        where e.tx is not null and (e.tx, e.id) > (${cursor.tx}::xid8, ${cursor.id}::bigint)
          and e.tx >= (select pg_snapshot_xmax(${prev}::pg_snapshot))
          and e.tx >= (select pg_snapshot_xmin(pg_current_snapshot()))
        order by e.tx, e.id limit ${limit}) later
      union all
      select * from (
        select e.id::text, e.tx::text, e.ticket_no, e.type from ticket_events e
        where e.tx = any(array(select pg_snapshot_xip(${prev}::pg_snapshot)))
          and (e.tx, e.id) > (${cursor.tx}::xid8, ${cursor.id}::bigint)
          and e.tx >= (select pg_snapshot_xmin(pg_current_snapshot()))
        order by e.tx, e.id limit ${limit}) earlier) x), '[]') as rows`.execute(trx);
  const row = r.rows[0]!;
  return { rows: row.rows, snapshot: row.snapshot };
}

export async function moveOutboxCursor(
  trx: Transaction<Database>,
  consumer: string,
  to: { tx: string; id: string },
): Promise<void> {
  await sql`update outbox_cursors set last_tx = ${to.tx}::xid8, last_id = ${to.id}::bigint
    where consumer = ${consumer}`.execute(trx);
}

/** The next transaction id to be assigned: every transaction committed before now is older. */
export async function snapshotXmax(db: Kysely<Database>): Promise<string> {
  const r = await sql<{ xmax: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(
    db,
  );
  return r.rows[0]!.xmax;
}

/**
 * Whether a consumer has not yet passed an event written before `xmax`. The consumers stop at the oldest
 * transaction running anywhere on the server, so for a moment they may lag behind events already committed.
 */
export async function outboxBehind(db: Kysely<Database>, xmax: string): Promise<boolean> {
  const r = await sql<{ behind: boolean }>`
    select exists (
      select 1 from outbox_cursors c
      where exists (
        select 1 from ticket_events e
        where e.tx is not null and e.tx < ${xmax}::xid8 and (e.tx, e.id) > (c.last_tx, c.last_id))) as behind`.execute(
    db,
  );
  return r.rows[0]!.behind;
}
