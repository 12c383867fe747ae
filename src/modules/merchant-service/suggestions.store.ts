import { type Insertable, type Selectable, sql, type Transaction, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type { Database, MerchantSuggestionsTable } from "../../db/schema.ts";

export type SuggestionRow = Selectable<MerchantSuggestionsTable>;

export async function insertSuggestion(
  db: Db,
  row: Omit<Insertable<MerchantSuggestionsTable>, "id">,
): Promise<SuggestionRow> {
  const { rows } = await sql<{ n: string }>`select nextval('suggestion_no_seq')::text as n`.execute(db);
  const id = `SG${rows[0]!.n.padStart(6, "0")}`;
  return db
    .insertInto("merchant_suggestions")
    .values({ ...row, id })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSuggestion(db: Db, id: string): Promise<SuggestionRow | undefined> {
  return db.selectFrom("merchant_suggestions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function lockSuggestion(trx: Transaction<Database>, id: string) {
  return trx
    .selectFrom("merchant_suggestions")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateSuggestion(
  trx: Transaction<Database>,
  id: string,
  patch: Updateable<MerchantSuggestionsTable>,
): Promise<SuggestionRow> {
  return trx
    .updateTable("merchant_suggestions")
    .set(patch)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listSuggestions(
  db: Db,
  f: { merchantIds?: string[]; status?: string; category?: string; limit: number },
): Promise<SuggestionRow[]> {
  if (f.merchantIds && !f.merchantIds.length) return [];
  let q = db.selectFrom("merchant_suggestions").selectAll();
  if (f.merchantIds) q = q.where("merchant_id", "in", f.merchantIds);
  if (f.status) q = q.where("status", "=", f.status as SuggestionRow["status"]);
  if (f.category) q = q.where("category", "=", f.category);
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(f.limit).execute();
}
