import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openAndMigrate } from "../../src/db/database.ts";
import { loadDemo } from "../../src/modules/demo/demo.ts";
import { upkeepTables } from "../../src/modules/system/upkeep.jobs.ts";

declare module "vitest" {
  export interface ProvidedContext {
    templateDir: string;
  }
}

/**
 * Prepares one database for the whole run: on PostgreSQL (TEST_DATABASE_URL) it is migrated and seeded
 * once; on PGlite a template folder is made once and every test file starts from a copy of it, since a
 * new PGlite folder takes seconds to initialise. The folder is this run's own, so two runs side by side
 * do not pull it from under each other.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const url = process.env.TEST_DATABASE_URL;
  const dir = join(process.cwd(), ".test-data", `template-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const opened = await openAndMigrate({ databaseUrl: url, dataDir: dir });
  await loadDemo(opened.db, new Date(), 60);
  // As the app's upkeep would have by then: every test file's copy starts vacuumed and analysed.
  if (opened.kind === "pglite") await upkeepTables(opened.db);
  await opened.close();
  project.provide("templateDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
