import type { Kysely } from "kysely";
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openAndMigrate, openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { archiveCommand } from "./modules/archive/archive.cli.ts";
import { preparePartitions } from "./modules/archive/archive.commands.ts";
import { startInboundMail } from "./modules/channels/email/email.listener.ts";
import { loadDemo } from "./modules/demo/demo.ts";
import { fileDemoDay } from "./modules/demo/demo-day.ts";
import { runClassify } from "./modules/nlp/classify.cli.ts";
import { privacyRetentionCommand } from "./modules/privacy/privacy.cli.ts";
import { reportsCheckCommand } from "./modules/reports/reports-check.ts";
import { SystemClock } from "./platform/clock.ts";
import { isClusterWorker, onShutdown, superviseWorkers, workersOption } from "./platform/cluster.ts";
import { loadPacks, PackError } from "./policy-packs/load.ts";

/**
 * One binary, several subcommands: serve (default; `--workers N` for N processes on one PostgreSQL),
 * migrate, seed-demo, classify, reports-check, privacy-retention [--dry-run], archive --month YYYY-MM.
 */
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
  if (command === "privacy-retention") {
    const opened = await openAndMigrate(config);
    const code = await privacyRetentionCommand(config, opened, packs, process.argv.slice(3));
    await opened.close();
    process.exit(code);
  }
  if (command === "archive") {
    const opened = await openAndMigrate(config);
    const code = await archiveCommand(config, opened, packs, process.argv.slice(3));
    await opened.close();
    process.exit(code);
  }
  if (command === "reports-check") {
    const opened = await openAndMigrate(config);
    const code = await reportsCheckCommand(opened.db, process.argv.slice(3), new Date());
    await opened.close();
    process.exit(code);
  }
  const workers = command === "serve" ? workersOption(process.argv.slice(3)) : 1;
  if (workers > 1 && !config.databaseUrl)
    throw new ConfigError(
      `--workers ${workers} needs PostgreSQL (DATABASE_URL): the embedded PGlite database is one session that only one process may open`,
    );
  const shutdownMs = config.shutdownTimeoutSeconds * 1000;
  // Listening from the start: a worker asked to stop while still starting (and so with nothing to drain)
  // must not miss the request and run on until the primary kills it.
  let drain = async () => {};
  let log = (line: string) => console.log(`aftersale[${process.pid}]: ${line}`);
  if (command === "serve" && (workers === 1 || isClusterWorker()))
    onShutdown(
      () => drain(),
      shutdownMs,
      (line) => log(line),
    );
  const database = await openAndMigrate(config);
  const clock = new SystemClock();
  // Under --workers the primary has loaded the demo before starting the workers.
  if ((command === "seed-demo" || config.demo) && !isClusterWorker()) {
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
      `unknown command "${command}" (serve | migrate | seed-demo | classify | reports-check | privacy-retention | archive)`,
    );
  if (workers > 1 && !isClusterWorker()) {
    // Migrated (and seeded) once here, so the workers start on an up-to-date database.
    await database.close();
    superviseWorkers(workers, shutdownMs, (line) => console.log(`aftersale: ${line}`));
    return;
  }
  const app = await buildApp(config, database, packs, clock);
  // This month's event partitions before the first request: a month whose first events land in the default
  // partition keeps its events there (see src/modules/archive/partitions.store.ts).
  await preparePartitions(app.ctx);
  if (config.demoDay) {
    const filed = await fileDemoDay(app.ctx);
    if (filed) console.log(`demo day: ${filed} tickets filed and handled (agent1, agent2)`);
  }
  // Keep-alive connections busy when the drain starts would otherwise idle on for the keep-alive timeout
  // and hold the close: their last answer tells the client to reconnect, which reaches another process.
  let draining = false;
  app.http.addHook("onSend", async (_request, reply, payload) => {
    if (draining) reply.header("connection", "close");
    return payload;
  });
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

  // Stop taking connections, let the requests and job batches under way finish, then let go of the
  // database (closing the app also closes the live bus's LISTEN connection).
  log = (line) => app.http.log.info(line);
  drain = async () => {
    draining = true;
    await mail?.close();
    await Promise.all([app.http.close(), app.jobs.stop()]);
    await database.close();
  };
}

// `aftersale --workers 2` is `aftersale serve --workers 2`.
const command = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "serve";
if (command === "serve" && process.argv[2]?.startsWith("--")) process.argv.splice(2, 0, "serve");
main(command).catch((error) => {
  if (error instanceof ConfigError || error instanceof PackError) {
    console.error(`aftersale: cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
