import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * Two more measures of a ticket in the reports, in its facts and in the monthly and agent rollups:
 * - `withdrawn`: the customer took the request back (撤销申请) and it ended so, for a line's withdrawal
 *   rate beside its resolution rate (a rising one says customers give up waiting);
 * - `returned`: a return (退货) was approved for it, for the public return rate (DOMAIN §8).
 *
 * The rollups are not rebuilt from the events (as 0018 did): archived months have no events left to
 * rebuild from. Every stored fact is right with 0 except those of the tickets concerned, so their facts
 * are set and the same counts added to their monthly and agent rows. A ticket still behind the reports
 * cursor gets its count when the job reaches it, as any other measure.
 */
const TABLES = ["report_ticket_facts", "report_monthly", "report_agent_monthly"];

/** Sets `measure` to 1 on the facts of the tickets `which` selects (by `t`), and adds them to the rollups. */
const fill = (measure: string, which: string) => `
  with marked as (
    update report_ticket_facts f set ${measure} = 1
    from tickets t
    where t.ticket_no = f.ticket_no and f.received = 1 and ${which}
    returning f.month, f.business_line, f.merchant_id, f.region, f.category, f.sub_type, f.agent
  ), monthly as (
    update report_monthly r set ${measure} = r.${measure} + c.n
    from (select month, business_line, merchant_id, region, category, sub_type, count(*)::int as n
          from marked group by 1, 2, 3, 4, 5, 6) c
    where (r.month, r.business_line, r.merchant_id, r.region, r.category, r.sub_type)
        = (c.month, c.business_line, c.merchant_id, c.region, c.category, c.sub_type)
  )
  update report_agent_monthly r set ${measure} = r.${measure} + c.n
  from (select month, business_line, agent, count(*)::int as n from marked group by 1, 2, 3) c
  where (r.month, r.business_line, r.agent) = (c.month, c.business_line, c.agent);`;

// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `${TABLES.map(
      (t) => `alter table ${t} add column withdrawn integer not null default 0,
        add column returned integer not null default 0;`,
    ).join("\n")}
    ${fill(
      "withdrawn",
      `t.status = 'closed' and t.resolved_at is null
       and exists (select 1 from ticket_events e where e.ticket_no = t.ticket_no
         and e.type = 'status_changed' and e.data->>'withdrawn' = 'true')`,
    )}
    ${fill(
      "returned",
      `exists (select 1 from remedies r where r.ticket_no = t.ticket_no and r.status = 'approved'
         and exists (select 1 from jsonb_array_elements(r.items) i where i->>'kind' = 'return'))`,
    )}`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    TABLES.map(
      (t) => `alter table ${t} drop column if exists withdrawn, drop column if exists returned;`,
    ).join("\n"),
  );
}
