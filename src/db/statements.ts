import { type Kysely, sql } from "kysely";

/**
 * Runs a block of DDL one statement at a time: PGlite's query protocol takes a single statement,
 * and migrations must read the same on both databases. Statements are split on a semicolon that ends a line.
 */
export async function runStatements(db: Kysely<unknown>, block: string): Promise<void> {
  for (const statement of block.split(/;\s*\n/)) {
    const trimmed = statement.trim().replace(/;$/, "");
    if (trimmed) await sql.raw(trimmed).execute(db);
  }
}
