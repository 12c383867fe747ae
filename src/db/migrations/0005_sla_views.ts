import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * The SLA views read the clocks, and calendar edits keep their reasons.
 *
 * The queue's `breached` and `due_soon` views and the breach gauge ask "which running clocks are past
 * their deadline / inside their reminder window now". Two partial indexes over the running clocks only
 * (not stopped, not paused) answer that by range scans whose size is the clocks concerned, not the open
 * tickets: `due_at <= now` for the broken promises, `remind_at <= now` for those inside their window.
 *
 * `calendar_changes` is the history of the admins' calendar edits (who, when, what, why); a removed day
 * leaves its row here. `calendar_days.reason` is the reason of the day's last edit, for the year view.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create index sla_clocks_running_due on sla_clocks (due_at) include (name)
      where stopped_at is null and paused_since is null;
    create index sla_clocks_running_remind on sla_clocks (remind_at) include (due_at)
      where stopped_at is null and paused_since is null;
    alter table calendar_days add column reason text;
    create table calendar_changes (
      id bigserial primary key,
      day date not null,
      action text not null check (action in ('put','remove','replace_year')),
      kind text,
      name text,
      reason text not null,
      changed_by text not null,
      changed_at timestamptz not null
    );
    create index calendar_changes_day on calendar_changes (day, id)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table if exists calendar_changes;
     alter table calendar_days drop column if exists reason;
     drop index if exists sla_clocks_running_remind;
     drop index if exists sla_clocks_running_due`,
  );
}
