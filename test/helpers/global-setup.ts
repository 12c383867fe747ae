import { rmSync } from "node:fs";
import { join } from "node:path";
import { openAndMigrate } from "../../src/db/database.ts";
import { loadDemo } from "../../src/modules/demo/demo.ts";

/**
 * Prepares one database for the whole run: on PostgreSQL (TEST_DATABASE_URL) it is migrated and seeded
 * once; on PGlite a template folder is made once and every test file starts from a copy of it, since a
 * new PGlite folder takes seconds to initialise.
 */
export const TEMPLATE_DIR = join(process.cwd(), ".test-data", "template");

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  const opened = await openAndMigrate({ databaseUrl: url, dataDir: TEMPLATE_DIR });
  await loadDemo(opened.db, new Date(), 60);
  await opened.close();
}
