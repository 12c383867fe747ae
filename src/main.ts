import type { Kysely } from "kysely";
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openAndMigrate, openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { startInboundMail } from "./modules/channels/email/email.listener.ts";
import { loadDemo } from "./modules/demo/demo.ts";
import { runClassify } from "./modules/nlp/classify.cli.ts";
import { reportsCheckCommand } from "./modules/reports/reports-check.ts";
import { SystemClock } from "./platform/clock.ts";
import { loadPacks, PackError } from "./policy-packs/load.ts";

/** One binary, several subcommands: serve (default), migrate, seed-demo, classify, reports-check. */
async function main(command: string): Promise<void> {
  const config = loadConfig();
  const packs = loadPacks();
  if (command === "classify") {
    await runClassify(packs);
    return;
  }
  if (command === "migrate") {
    const opened = await openDatabase(config);
    const applied = await migrateToLatest(opened.db as unknown as Kysely<unknown>);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    await opened.close();
    return;
  }
  if (command === "reports-check") {
    const opened = await openAndMigrate(config);
    const code = await reportsCheckCommand(opened.db, process.argv.slice(3), new Date());
    await opened.close();
    process.exit(code);
  }
  const database = await openAndMigrate(config);
  const clock = new SystemClock();
  if (command === "seed-demo" || config.demo) {
    const loaded = await loadDemo(database.db, clock.now());
    console.log(
      loaded
        ? "demo data loaded (users: admin, agent1, agent2, supervisor1, manager1, qa1, merchant1; password demo123456)"
        : "demo data already present",
    );
    if (command === "seed-demo") {
      await database.close();
      return;
    }
  }
  if (command !== "serve")
    throw new ConfigError(
      `unknown command "${command}" (serve | migrate | seed-demo | classify | reports-check)`,
    );
  const app = await buildApp(config, database, packs, clock);
  await app.http.listen({ port: config.port, host: config.host });
  app.jobs.start();
  // Customers' mail (SMTP_PORT, 2525 unless set; "off" turns it off): a taken port stops the start, naming it.
  const mailSettings = config.channels.inboundMail;
  const mail = mailSettings
    ? await startInboundMail(app.ctx, mailSettings, app.http.log).catch((error: Error) => {
        throw new ConfigError(`SMTP_PORT ${mailSettings.port}: cannot listen for e-mail (${error.message})`);
      })
    : null;
  if (mail) app.http.log.info(`Inbound e-mail on port ${mail.port}`);
  app.http.log.info(
    `Aftersale on ${config.publicUrl} (database: ${database.kind}${database.kind === "pglite" ? ` in ${config.dataDir}` : ""})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.http.log.info(`${signal}: draining requests and jobs`);
    await mail?.close();
    await app.http.close();
    await app.jobs.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main(process.argv[2] ?? "serve").catch((error) => {
  if (error instanceof ConfigError || error instanceof PackError) {
    console.error(`aftersale: cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
