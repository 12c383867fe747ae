import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { AgentFigures } from "./service-analysis.domain.ts";

/**
 * The SQL behind the merchant-service figures: requests counted by the period they were filed in, so a
 * week's figures do not move when an old request is closed later.
 */
export async function agentFigures(db: Db, from: Date, to: Date): Promise<AgentFigures[]> {
  const { rows } = await sql<{
    agent: string;
    handled: string;
    answered: string;
    answered_on_time: string;
    first_response_seconds: string | null;
    resolved: string;
    ratings: string;
    rating_total: string | null;
  }>`
    select assignee_name as agent,
      count(*) as handled,
      count(first_responded_at) as answered,
      count(*) filter (where first_responded_at <= first_response_due_at) as answered_on_time,
      sum(extract(epoch from first_responded_at - created_at)) as first_response_seconds,
      count(*) filter (where status in ('resolved', 'closed')) as resolved,
      count(satisfaction) as ratings,
      sum(satisfaction) as rating_total
    from merchant_requests
    where assignee_name is not null and created_at >= ${from} and created_at < ${to}
    group by assignee_name
    order by assignee_name`.execute(db);
  return rows.map((r) => ({
    agent: r.agent,
    handled: Number(r.handled),
    answered: Number(r.answered),
    answeredOnTime: Number(r.answered_on_time),
    firstResponseSecondsTotal: Number(r.first_response_seconds ?? 0),
    resolved: Number(r.resolved),
    ratings: Number(r.ratings),
    ratingTotal: Number(r.rating_total ?? 0),
  }));
}

export async function categoryCounts(db: Db, from: Date, to: Date): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("merchant_requests")
    .select(["category", (eb) => eb.fn.countAll<string>().as("n")])
    .where("created_at", ">=", from)
    .where("created_at", "<", to)
    .groupBy("category")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.category, Number(r.n)]));
}

/** Requests and complaints per Beijing hour of day in [from, to). */
export async function volumeByHour(db: Db, from: Date, to: Date) {
  const { rows } = await sql<{ hour: number; requests: string; complaints: string }>`
    select extract(hour from (created_at at time zone 'UTC') + interval '8 hours')::int as hour,
      count(*) as requests,
      count(*) filter (where category = 'platform_complaint') as complaints
    from merchant_requests
    where created_at >= ${from} and created_at < ${to}
    group by 1`.execute(db);
  return rows.map((r) => ({
    hour: Number(r.hour),
    requests: Number(r.requests),
    complaints: Number(r.complaints),
  }));
}
