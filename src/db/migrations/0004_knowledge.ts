import type { Kysely } from "kysely";
import { runStatements } from "../statements.ts";

/**
 * The knowledge base: FAQ intents, product usage guides, typical cases and canned replies (macros).
 * `knowledge_entries` holds the current version of each entry; every version, the first included, is
 * kept in `knowledge_versions` (who changed what, when). `knowledge_revision` is one counter that every
 * change raises in the same transaction, so each process can tell cheaply when its search index is stale.
 */
// Frozen once released: later changes go in a new migration file.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table knowledge_entries (
      id text primary key,
      kind text not null check (kind in ('faq','guide','case','macro')),
      business_lines text[] not null,
      title text not null,
      body text not null,
      tags text[] not null default '{}',
      data jsonb not null default '{}',
      status text not null check (status in ('published','archived')),
      version integer not null check (version >= 1),
      updated_by text,
      updated_at timestamptz not null
    );
    create index knowledge_entries_kind on knowledge_entries (kind, status);
    create table knowledge_versions (
      entry_id text not null references knowledge_entries(id),
      version integer not null,
      kind text not null,
      business_lines text[] not null,
      title text not null,
      body text not null,
      tags text[] not null,
      data jsonb not null,
      status text not null,
      edited_by text,
      edited_by_name text not null,
      edited_at timestamptz not null,
      note text,
      primary key (entry_id, version)
    );
    create table knowledge_revision (
      id integer primary key check (id = 1),
      revision bigint not null
    );
    insert into knowledge_revision (id, revision) values (1, 0);
    `,
  );
}
