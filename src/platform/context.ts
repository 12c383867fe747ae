import type { Config } from "../config.ts";
import type { DatabaseKind, Db } from "../db/database.ts";
import type { Packs } from "../policy-packs/load.ts";
import type { Clock } from "./clock.ts";
import type { LiveBus } from "./live.ts";

/** What every module's routes and jobs are given: no globals, so tests build as many apps as they like. */
export interface AppContext {
  config: Config;
  db: Db;
  /** For read-only report queries: a read replica when REPORTS_DATABASE_URL is set, else `db`. */
  reportsDb?: Db;
  dbKind: DatabaseKind;
  packs: Packs;
  clock: Clock;
  live: LiveBus;
}
