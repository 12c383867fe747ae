import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { type ServerProcess, spawnServer } from "./helpers/process.ts";
import { LONG_TEXT } from "./helpers/server.ts";

/**
 * The promise behind a 201: the ticket is durable before the answer. A process killed with SIGKILL
 * the moment it answered must still know the ticket when it starts again on the same data.
 */
const running: ServerProcess[] = [];
const dataDir = mkdtempSync(join(process.cwd(), ".test-data", "durability-"));

afterAll(async () => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  rmSync(dataDir, { recursive: true, force: true });
});

const databaseUrl = process.env.TEST_DATABASE_URL;
// Start from the run's migrated, demo-loaded database (order FDO000001 of 13800138000): initialising a new
// PGlite folder takes seconds, and far longer on a busy machine, which is not what this test is about.
if (!databaseUrl) cpSync(join(inject("templateDir"), "pglite"), join(dataDir, "pglite"), { recursive: true });
const env = {
  DATA_DIR: dataDir,
  LOG_LEVEL: "warn",
  AUTH_SECRET: "durability-secret-durability-secret-0123",
  // Only the embedded database is used unless the run is on PostgreSQL.
  DATABASE_URL: databaseUrl ?? "",
};

async function start(): Promise<ServerProcess> {
  const p = await spawnServer(env, 100_000);
  running.push(p);
  return p;
}

describe(`a ticket survives SIGKILL right after its 201 (${databaseUrl ? "PostgreSQL" : "PGlite"})`, () => {
  // Each start takes a few seconds alone; the margins are for a busy 2-core machine.
  it("is still there after a restart on the same data", { timeout: 220_000 }, async () => {
    const first = await start();
    const intake = await fetch(`${first.url}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        channel: "app",
        phone: "13800138000",
        orderNo: "FDO000001",
        description: LONG_TEXT,
        expectedResolution: "refund",
      }),
    });
    const answer = await intake.text();
    // Nothing may run between the answer and the kill: no graceful shutdown, no flush.
    first.child.kill("SIGKILL");
    expect(intake.status, answer).toBe(201);
    const ack = JSON.parse(answer);
    expect(await first.exited).toBe("SIGKILL");

    const second = await start();
    const progress = await fetch(`${second.url}/api/v1/tickets/${ack.ticketNo}/progress?phone=13800138000`);
    expect(progress.status, second.output()).toBe(200);
    const body = await progress.json();
    expect(body).toMatchObject({ ticketNo: ack.ticketNo, status: "new" });
    expect(body.timeline[0].type).toBe("received");
  });
});
