import type { Kysely } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import * as m0001 from "./migrations/0001_foundation.ts";
import * as m0002 from "./migrations/0002_sla.ts";
import * as m0003 from "./migrations/0003_remedies.ts";
import * as m0004 from "./migrations/0004_knowledge.ts";

/** Migrations are listed here in order; their names are their versions and never change once released. */
const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_sla": m0002,
  "0003_remedies": m0003,
  "0004_knowledge": m0004,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
