import { sql, type Transaction } from "kysely";
import type { Db } from "../../../db/database.ts";
import type { Database } from "../../../db/schema.ts";
import type { CallPatch, HotlineCounts } from "./hotline.domain.ts";

/** The hotline's calls and their CTI events (migration 0010). */

type Tx = Transaction<Database>;

/** Records an event once; false when its id was seen before (the CTI redelivered it). */
export async function insertCallEvent(
  trx: Tx,
  e: {
    eventId: string;
    callId: string;
    type: string;
    at: Date;
    receivedAt: Date;
    data: Record<string, unknown>;
  },
): Promise<boolean> {
  const row = await trx
    .insertInto("hotline_call_events")
    .values({
      event_id: e.eventId,
      call_id: e.callId,
      type: e.type,
      at: e.at,
      received_at: e.receivedAt,
      data: JSON.stringify(e.data),
    })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .returning("event_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function startCall(
  trx: Tx,
  c: { callId: string; callerPhone: string; businessLine: string | null; startedAt: Date },
): Promise<void> {
  await trx
    .insertInto("hotline_calls")
    .values({
      call_id: c.callId,
      caller_phone: c.callerPhone,
      business_line: c.businessLine,
      started_at: c.startedAt,
      updated_at: c.startedAt,
    })
    .onConflict((oc) => oc.column("call_id").doNothing())
    .execute();
}

export const lockCall = (trx: Tx, callId: string) =>
  trx.selectFrom("hotline_calls").selectAll().where("call_id", "=", callId).forUpdate().executeTakeFirst();

export const findCall = (db: Db, callId: string) =>
  db.selectFrom("hotline_calls").selectAll().where("call_id", "=", callId).executeTakeFirst();

export async function patchCall(
  trx: Tx | Db,
  callId: string,
  patch: CallPatch & { ticket_no?: string },
  at: Date,
) {
  await trx
    .updateTable("hotline_calls")
    .set({ ...patch, updated_at: at })
    .where("call_id", "=", callId)
    .execute();
}

/** Counts over the calls that started in [from, to). */
export async function hotlineCounts(db: Db, from: Date, to: Date): Promise<HotlineCounts> {
  const row = await db
    .selectFrom("hotline_calls")
    .select([
      sql<number>`count(*)::int`.as("calls"),
      sql<number>`count(answered_at)::int`.as("answered"),
      sql<number>`count(abandoned_at)::int`.as("abandoned"),
      sql<number>`coalesce(sum(extract(epoch from answered_at - queued_at)), 0)::float8`.as(
        "answeredWaitSeconds",
      ),
    ])
    .where("started_at", ">=", from)
    .where("started_at", "<", to)
    .executeTakeFirstOrThrow();
  return {
    calls: Number(row.calls),
    answered: Number(row.answered),
    abandoned: Number(row.abandoned),
    answeredWaitSeconds: Number(row.answeredWaitSeconds),
  };
}
