import type { Kysely } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import * as m0001 from "./migrations/0001_foundation.ts";
import * as m0002 from "./migrations/0002_sla.ts";
import * as m0003 from "./migrations/0003_remedies.ts";
import * as m0004 from "./migrations/0004_knowledge.ts";
import * as m0005 from "./migrations/0005_sla_views.ts";
import * as m0006 from "./migrations/0006_notifications.ts";
import * as m0007 from "./migrations/0007_execution_clocks.ts";
import * as m0008 from "./migrations/0008_surveys.ts";
import * as m0009 from "./migrations/0009_incidents.ts";
import * as m0010 from "./migrations/0010_channels.ts";
import * as m0011 from "./migrations/0011_reports.ts";
import * as m0012 from "./migrations/0012_merchant_service.ts";
import * as m0013 from "./migrations/0013_login_throttle.ts";
import * as m0015 from "./migrations/0015_chat.ts";
import * as m0016 from "./migrations/0016_abuse.ts";
import * as m0017 from "./migrations/0017_privacy.ts";
import * as m0018 from "./migrations/0018_report_analytics.ts";
import * as m0019 from "./migrations/0019_merchant_requests.ts";
import * as m0020 from "./migrations/0020_partitions.ts";
import * as m0022 from "./migrations/0022_chat_locale.ts";
import * as m0023 from "./migrations/0023_incident_age_indexes.ts";
import * as m0024 from "./migrations/0024_customer_sign_in.ts";
import * as m0025 from "./migrations/0025_ticket_viewers.ts";
import * as m0026 from "./migrations/0026_report_withdrawals_returns.ts";

/** Migrations are listed here in order; their names are their versions and never change once released. */
const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_sla": m0002,
  "0003_remedies": m0003,
  "0004_knowledge": m0004,
  "0005_sla_views": m0005,
  "0006_notifications": m0006,
  "0007_execution_clocks": m0007,
  "0008_surveys": m0008,
  "0009_incidents": m0009,
  "0010_channels": m0010,
  "0011_reports": m0011,
  "0012_merchant_service": m0012,
  "0013_login_throttle": m0013,
  "0015_chat": m0015,
  "0016_abuse": m0016,
  "0017_privacy": m0017,
  "0018_report_analytics": m0018,
  "0019_merchant_requests": m0019,
  "0020_partitions": m0020,
  "0022_chat_locale": m0022,
  "0023_incident_age_indexes": m0023,
  "0024_customer_sign_in": m0024,
  "0025_ticket_viewers": m0025,
  "0026_report_withdrawals_returns": m0026,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  // Numbers are handed out ahead to work done side by side, so a database may have run a later number
  // first; each migration still runs once, and none depends on a number above its own.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
