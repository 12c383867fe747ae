import type { Selectable } from "kysely";
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { QaSamplesTable } from "../../db/schema.ts";
import type { Checklist } from "./qa.domain.ts";

/**
 * QA samples: closed tickets drawn from the report facts (whose agent is the one who resolved them last)
 * and the reviewers' checklist scores. A ticket is drawn at most once a month.
 */
export type QaSampleRow = Selectable<QaSamplesTable>;

export interface ClosedTicket {
  ticketNo: string;
  agent: string;
  businessLine: string;
  category: string;
}

/** Closed tickets received in the month that no QA sample holds yet, per agent. */
export async function unsampledClosed(
  db: Db,
  q: { month: string; businessLine?: string | undefined; agent?: string | undefined },
): Promise<ClosedTicket[]> {
  const rows = await sql<{ ticket_no: string; agent: string; business_line: string; category: string }>`
    select f.ticket_no, f.agent, f.business_line, f.category from report_ticket_facts f
    where f.month = ${q.month} and f.closed = 1 and f.received = 1 and f.agent <> ''
      ${q.businessLine ? sql`and f.business_line = ${q.businessLine}` : sql``}
      ${q.agent ? sql`and f.agent = ${q.agent}` : sql``}
      and not exists (select 1 from qa_samples s where s.month = f.month and s.ticket_no = f.ticket_no)
    order by f.ticket_no`.execute(db);
  return rows.rows.map((r) => ({
    ticketNo: r.ticket_no,
    agent: r.agent,
    businessLine: r.business_line,
    category: r.category,
  }));
}

export async function sampledPerAgent(db: Db, month: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("qa_samples")
    .select(["agent", (eb) => eb.fn.countAll<string>().as("n")])
    .where("month", "=", month)
    .groupBy("agent")
    .execute();
  return new Map(rows.map((r) => [r.agent, Number(r.n)]));
}

export async function insertSamples(
  db: Db,
  rows: readonly (ClosedTicket & { id: string; month: string; drawnBy: string; drawnAt: Date })[],
): Promise<QaSampleRow[]> {
  if (!rows.length) return [];
  return db
    .insertInto("qa_samples")
    .values(
      rows.map((r) => ({
        id: r.id,
        month: r.month,
        ticket_no: r.ticketNo,
        agent: r.agent,
        business_line: r.businessLine,
        category: r.category,
        drawn_by: r.drawnBy,
        drawn_at: r.drawnAt,
      })),
    )
    .onConflict((oc) => oc.columns(["month", "ticket_no"]).doNothing())
    .returningAll()
    .execute();
}

export async function listSamples(
  db: Db,
  q: { month: string; agent?: string | undefined; scored?: boolean | undefined },
): Promise<QaSampleRow[]> {
  let query = db.selectFrom("qa_samples").selectAll().where("month", "=", q.month);
  if (q.agent) query = query.where("agent", "=", q.agent);
  if (q.scored !== undefined) query = query.where("score", q.scored ? "is not" : "is", null);
  return query.orderBy("agent").orderBy("category").orderBy("ticket_no").limit(1000).execute();
}

export async function scoreSample(
  db: Db,
  id: string,
  c: Checklist & { score: number; comment: string | null; by: string; at: Date },
): Promise<QaSampleRow | undefined> {
  return db
    .updateTable("qa_samples")
    .set({
      greeting: c.greeting,
      accuracy: c.accuracy,
      remedy: c.remedy,
      tone: c.tone,
      score: c.score,
      comment: c.comment,
      scored_by: c.by,
      scored_at: c.at,
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** Each agent's scored reviews of the month and their average score. */
export async function qaScoresPerAgent(
  db: Db,
  q: { month: string; businessLine?: string | undefined },
): Promise<Map<string, { reviews: number; average: number }>> {
  let query = db
    .selectFrom("qa_samples")
    .select([
      "agent",
      (eb) => eb.fn.count<string>("score").as("n"),
      (eb) => eb.fn.sum<string>("score").as("total"),
    ])
    .where("month", "=", q.month)
    .where("score", "is not", null);
  if (q.businessLine) query = query.where("business_line", "=", q.businessLine);
  const rows = await query.groupBy("agent").execute();
  return new Map(
    rows.map((r) => [
      r.agent,
      { reviews: Number(r.n), average: Math.round((Number(r.total) / Number(r.n)) * 10) / 10 },
    ]),
  );
}
