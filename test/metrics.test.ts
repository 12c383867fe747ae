import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileLateDelivery } from "./helpers/late-delivery.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, advanceClockTo, nextBeijing, runDueJobs } from "./helpers/test-clock.ts";

/**
 * What an operator's Prometheus sees on /metrics as work arrives, waits and is done: requests and their
 * latency, open tickets by status and queue, undelivered notices, and how late each background job is.
 * The SMS gateway points at a port nobody listens on, so every SMS fails and is retried, then given up.
 * Clock-moving, so the file has a database of its own on PostgreSQL.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("metrics", {
    AFTERSALE_TEST_CLOCK: "1",
    SMS_URL: "http://127.0.0.1:9/sms",
    SMS_SECRET: "sms-secret-0123456789",
    NOTIFY_MAX_ATTEMPTS: "2",
    NOTIFY_RETRY_BASE_SECONDS: "60",
  });
});
afterAll(() => server?.close());

/** Every sample of /metrics, keyed by its series as written (`name{label="value",…}`). */
async function scrape(): Promise<Map<string, number>> {
  const r = await fetch(`${server.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toContain("text/plain");
  const samples = new Map<string, number>();
  for (const line of (await r.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
const value = (samples: Map<string, number>, series: string) => samples.get(series) ?? 0;

/**
 * Runs the due jobs until a scrape shows `done`. On PostgreSQL the outbox is read only up to the oldest
 * transaction still running in the cluster, so another test run's open transaction delays (never loses)
 * events: wait for it, in real time, a little.
 */
async function jobsUntil(done: (samples: Map<string, number>) => boolean): Promise<Map<string, number>> {
  for (let i = 0; i < 50; i++) {
    await runDueJobs(server);
    const samples = await scrape();
    if (done(samples)) return samples;
    await new Promise((r) => setTimeout(r, 200));
  }
  return scrape();
}

describe("/metrics", () => {
  it("counts requests by route and status, with a latency histogram per route", async () => {
    const before = await scrape();
    const ticketNo = await fileLateDelivery(server.url, await login(server.url, "admin"));
    expect(ticketNo).toMatch(/\w+/);
    const after = await scrape();
    const created = 'aftersale_http_requests_total{method="POST",route="/api/v1/tickets",status="201"}';
    expect(value(after, created) - value(before, created)).toBe(1);
    const count = 'aftersale_http_request_duration_seconds_count{method="POST",route="/api/v1/tickets"}';
    expect(value(after, count)).toBeGreaterThanOrEqual(1);
    const slowest =
      'aftersale_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/v1/tickets"}';
    expect(value(after, slowest)).toBe(value(after, count));
    // The process's own memory, for spotting a leak.
    expect(value(after, "process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(value(after, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
  });

  it("shows open tickets by status and queue, and the job lag growing until the jobs run", async () => {
    await advanceClockTo(server, nextBeijing(await runDueJobs(server), "10:00"));
    const admin = await login(server.url, "admin");
    const ticketNo = await fileLateDelivery(server.url, admin);
    const ticket = (await client(server.url, admin).get(`/api/v1/tickets/${ticketNo}`)).body;
    const series = `aftersale_open_tickets_by_status{status="${ticket.status}",queue="${ticket.queue}"}`;
    const before = value(await scrape(), series);
    expect(before).toBeGreaterThanOrEqual(1);

    // Forty minutes pass with no poller running: the first response's reminder (at 80 % of 30 minutes)
    // and the deadline are overdue, and nobody has read the ticket's events from the outbox.
    server.clock.advance(40 * 60);
    const late = await scrape();
    expect(value(late, 'aftersale_job_lag_seconds{job="sla_clocks"}')).toBeGreaterThanOrEqual(10 * 60);
    expect(value(late, 'aftersale_job_lag_seconds{job="outbox:notifications"}')).toBeGreaterThanOrEqual(
      40 * 60,
    );

    const caughtUp = await jobsUntil(
      (m) => value(m, 'aftersale_job_lag_seconds{job="outbox:notifications"}') === 0,
    );
    expect(value(caughtUp, 'aftersale_job_lag_seconds{job="sla_clocks"}')).toBe(0);
    expect(value(caughtUp, 'aftersale_job_lag_seconds{job="outbox:notifications"}')).toBe(0);
    expect(
      value(caughtUp, 'aftersale_sla_breached_open_tickets{clock="firstResponse"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it("shows notices waiting for a provider that is down, then the ones given up", async () => {
    // A request taken on the hotline: its customer is told by SMS.
    const { phone, orderNo } = await createOrder(server.url, await login(server.url, "admin"));
    const agent = client(server.url, await login(server.url, "agent1"));
    const filed = await agent.post("/api/v1/tickets", {
      channel: "phone",
      phone,
      orderNo,
      description: LONG_TEXT,
    });
    expect(filed.status).toBe(201);
    const failing = await jobsUntil((m) => value(m, 'aftersale_notifications{status="retrying"}') >= 1);
    expect(value(failing, 'aftersale_notifications{status="retrying"}')).toBeGreaterThanOrEqual(1);
    expect(value(failing, 'aftersale_notifications{status="pending"}')).toBeGreaterThanOrEqual(
      value(failing, 'aftersale_notifications{status="retrying"}'),
    );
    const deadBefore = value(failing, 'aftersale_notifications{status="dead"}');

    // The retry after a minute fails too: with two attempts allowed, the notice is given up.
    await advanceClock(server, 61);
    const given = await scrape();
    expect(value(given, 'aftersale_notifications{status="dead"}')).toBeGreaterThan(deadBefore);
    expect(value(given, 'aftersale_job_lag_seconds{job="notice_sender"}')).toBe(0);
  });
});
