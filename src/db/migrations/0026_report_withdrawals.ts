import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Withdrawals in the reports: a ticket the customer took back (撤销申请) and that ended so counts as
 * `withdrawn` in its facts and in the monthly and agent rollups, so a line's withdrawal rate can be read
 * beside its resolution rate (a rising one says customers give up waiting).
 *
 * The rollups are not rebuilt from the events (as 0018 did): archived months have no events left to
 * rebuild from. Every stored fact is right with 0 except a withdrawn ticket's, so those facts are set and
 * the same count added to their monthly and agent rows. A ticket still behind the reports cursor gets its
 * count when the job reaches it, as any other measure.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `alter table report_ticket_facts add column withdrawn integer not null default 0;
     alter table report_monthly add column withdrawn integer not null default 0;
     alter table report_agent_monthly add column withdrawn integer not null default 0;
     with withdrawn as (
       update report_ticket_facts f set withdrawn = 1
       from tickets t
       where t.ticket_no = f.ticket_no and t.status = 'closed' and t.resolved_at is null
         and t.merged_into is null and f.received = 1
         and exists (select 1 from ticket_events e where e.ticket_no = t.ticket_no
           and e.type = 'status_changed' and e.data->>'withdrawn' = 'true')
       returning f.month, f.business_line, f.merchant_id, f.region, f.category, f.sub_type, f.agent
     ), monthly as (
       update report_monthly r set withdrawn = r.withdrawn + c.n
       from (select month, business_line, merchant_id, region, category, sub_type, count(*)::int as n
             from withdrawn group by 1, 2, 3, 4, 5, 6) c
       where (r.month, r.business_line, r.merchant_id, r.region, r.category, r.sub_type)
           = (c.month, c.business_line, c.merchant_id, c.region, c.category, c.sub_type)
     )
     update report_agent_monthly r set withdrawn = r.withdrawn + c.n
     from (select month, business_line, agent, count(*)::int as n from withdrawn group by 1, 2, 3) c
     where (r.month, r.business_line, r.agent) = (c.month, c.business_line, c.agent)`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `alter table report_agent_monthly drop column if exists withdrawn;
     alter table report_monthly drop column if exists withdrawn;
     alter table report_ticket_facts drop column if exists withdrawn`,
  );
}
