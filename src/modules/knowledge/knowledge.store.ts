import { type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { KnowledgeEntriesTable, KnowledgeVersionsTable } from "../../db/schema.ts";
import type { KnowledgeEntry, KnowledgeKind } from "../nlp/knowledge.ts";
import type { EntryInput, KnowledgeStatus } from "./knowledge.domain.ts";

/** SQL of the knowledge base. Every change writes a version row and raises the revision, in one transaction. */

export type EntryRow = Selectable<KnowledgeEntriesTable>;
export type VersionRow = Selectable<KnowledgeVersionsTable>;

export interface StoredEntry extends KnowledgeEntry {
  status: KnowledgeStatus;
  version: number;
  updatedAt: Date;
}

export const fromRow = (r: EntryRow): StoredEntry => ({
  id: r.id,
  kind: r.kind as KnowledgeKind,
  businessLines: r.business_lines,
  title: r.title,
  body: r.body,
  tags: r.tags,
  data: r.data,
  status: r.status as KnowledgeStatus,
  version: r.version,
  updatedAt: r.updated_at,
});

/** The content as the entry row and each version row store it; the kind is apart because an edit never changes it. */
const contentColumns = (e: Omit<KnowledgeEntry, "id" | "kind">) => ({
  business_lines: e.businessLines,
  title: e.title,
  body: e.body,
  tags: e.tags,
  data: JSON.stringify(e.data),
});

/** The matcher compares this counter with the one its index was built at, and builds the index again. */
const raiseRevision = (trx: Db) =>
  trx.updateTable("knowledge_revision").set({ revision: sql`revision + 1` }).where("id", "=", 1).execute();

export interface Editor {
  id: string | null;
  name: string;
}

export async function currentRevision(db: Db): Promise<number> {
  const row = await db
    .selectFrom("knowledge_revision")
    .select("revision")
    .where("id", "=", 1)
    .executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/**
 * Adds the shipped entries the database does not have yet (by id); entries already there, edited or
 * archived by an admin, are left alone. Returns how many were added.
 */
export async function seedKnowledge(db: Db, entries: readonly KnowledgeEntry[], now: Date): Promise<number> {
  if (entries.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto("knowledge_entries")
      .values(
        entries.map((e) => ({
          id: e.id,
          kind: e.kind,
          ...contentColumns(e),
          status: "published",
          version: 1,
          updated_by: null,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .execute();
    if (added.length === 0) return 0;
    const ids = new Set(added.map((a) => a.id));
    await trx
      .insertInto("knowledge_versions")
      .values(
        entries
          .filter((e) => ids.has(e.id))
          .map((e) => ({
            entry_id: e.id,
            version: 1,
            kind: e.kind,
            ...contentColumns(e),
            status: "published",
            edited_by: null,
            edited_by_name: "system",
            edited_at: now,
            note: "shipped",
          })),
      )
      .onConflict((oc) => oc.columns(["entry_id", "version"]).doNothing())
      .execute();
    await raiseRevision(trx);
    return added.length;
  });
}

export async function publishedEntries(db: Db): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom("knowledge_entries")
    .selectAll()
    .where("status", "=", "published")
    .orderBy("id")
    .execute();
  return rows.map(fromRow);
}

export async function listEntries(
  db: Db,
  filter: { kind?: string; businessLine?: string; status?: string; limit: number; offset: number },
): Promise<{ items: StoredEntry[]; total: number }> {
  let q = db.selectFrom("knowledge_entries");
  if (filter.kind) q = q.where("kind", "=", filter.kind);
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.businessLine)
    q = q.where((eb) =>
      eb.or([
        eb(sql.val(filter.businessLine), "=", eb.fn.any("business_lines")),
        eb(sql.val("*"), "=", eb.fn.any("business_lines")),
      ]),
    );
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("kind").orderBy("id").limit(filter.limit).offset(filter.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirst(),
  ]);
  return { items: rows.map(fromRow), total: Number(count?.n ?? 0) };
}

export async function findEntry(db: Db, id: string): Promise<StoredEntry | null> {
  const row = await db.selectFrom("knowledge_entries").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function listVersions(db: Db, id: string): Promise<VersionRow[]> {
  return db
    .selectFrom("knowledge_versions")
    .selectAll()
    .where("entry_id", "=", id)
    .orderBy("version", "desc")
    .execute();
}

/** Creates an entry (version 1). Returns null when the id is taken. */
export async function createEntry(
  db: Db,
  id: string,
  entry: EntryInput,
  editor: Editor,
  now: Date,
  note: string | null,
): Promise<StoredEntry | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("knowledge_entries")
      .values({
        id,
        kind: entry.kind,
        ...contentColumns(entry),
        status: entry.status,
        version: 1,
        updated_by: editor.id,
        updated_at: now,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    await insertVersion(trx, id, 1, entry, editor, now, note);
    await raiseRevision(trx);
    return fromRow(row);
  });
}

/**
 * Replaces an entry with a new version, only if it is still at `expectedVersion` (someone else's edit in
 * between answers "conflict" instead of being overwritten). Null when the entry does not exist.
 */
export async function updateEntry(
  db: Db,
  id: string,
  expectedVersion: number,
  entry: EntryInput,
  editor: Editor,
  now: Date,
  note: string | null,
): Promise<StoredEntry | "conflict" | null> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("knowledge_entries")
      .select(["version"])
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return null;
    if (current.version !== expectedVersion) return "conflict";
    const version = current.version + 1;
    const row = await trx
      .updateTable("knowledge_entries")
      .set({
        ...contentColumns(entry),
        status: entry.status,
        version,
        updated_by: editor.id,
        updated_at: now,
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertVersion(trx, id, version, entry, editor, now, note);
    await raiseRevision(trx);
    return fromRow(row);
  });
}

async function insertVersion(
  trx: Db,
  id: string,
  version: number,
  entry: EntryInput,
  editor: Editor,
  now: Date,
  note: string | null,
): Promise<void> {
  await trx
    .insertInto("knowledge_versions")
    .values({
      entry_id: id,
      version,
      kind: entry.kind,
      ...contentColumns(entry),
      status: entry.status,
      edited_by: editor.id,
      edited_by_name: editor.name,
      edited_at: now,
      note,
    })
    .execute();
}
