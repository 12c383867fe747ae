import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { type App, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openAndMigrate } from "../../src/db/database.ts";
import { SystemClock } from "../../src/platform/clock.ts";
import { loadPacks } from "../../src/policy-packs/load.ts";

export const DEMO_PASSWORD = "demo123456";

export interface TestServer {
  url: string;
  app: App;
  clock: SystemClock;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on a free port over the run's database: PostgreSQL when TEST_DATABASE_URL is set, else a copy of the PGlite template. */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(process.cwd(), ".test-data", "run-"));
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl)
    cpSync(join(inject("templateDir"), "pglite"), join(dataDir, "pglite"), { recursive: true });
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    PUBLIC_RATE_LIMIT: "100000",
    AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const database = await openAndMigrate({ ...config, poolSize: 5 });
  const clock = new SystemClock();
  const app = await buildApp(config, database, loadPacks(), clock);
  await app.http.listen({ port: 0, host: "127.0.0.1" });
  const address = app.http.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    clock,
    dataDir,
    async close() {
      // As src/main.ts: the jobs stop with the server, or the incident detector, woken by a ticket filed
      // just before, would run on a database already closed.
      await Promise.all([app.http.close(), app.jobs.stop()]);
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function client(base: string, token?: string) {
  const call = async <T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>("GET", path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, body ?? {}, headers),
    put: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("PUT", path, body, headers),
    delete: <T = any>(path: string, headers?: Record<string, string>) =>
      call<T>("DELETE", path, undefined, headers),
  };
}

export async function login(base: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const r = await client(base).post("/api/v1/auth/login", { username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

let seq = 0;
/** A fresh customer phone and order number, so tests sharing one database never see each other's customers. */
export function freshCustomer(): { phone: string; orderNo: string } {
  const n =
    `${process.pid % 10000}`.padStart(4, "0") +
    `${Date.now() % 1000}`.padStart(3, "0") +
    `${++seq}`.padStart(3, "0");
  return { phone: `137${n.slice(-8)}`, orderNo: `T${n}${Math.floor(Math.random() * 1e6)}` };
}

export const LONG_TEXT = "等了一个多小时还没到，饭都凉了，打骑手电话也不接，商家说已经出餐很久了。".repeat(4);

/** Pushes an order for a fresh customer through the API as the order system would. */
export async function createOrder(
  base: string,
  adminToken: string,
  overrides: Partial<{
    /** Another order of a customer who already has one (a fresh customer without it). */
    customerPhone: string;
    businessLine: string;
    merchantId: string;
    riderId: string | null;
    region: string;
    paidFen: number;
    paidAt: string;
  }> = {},
) {
  const customer = freshCustomer();
  const body = {
    businessLine: "food_delivery",
    customerPhone: customer.phone,
    merchantId: "M001",
    riderId: "R001",
    region: "上海-浦东",
    items: [{ productId: "P0001", name: "麻辣烫套餐", batchNo: "P0001-B3", quantity: 1, unitPriceFen: 2800 }],
    paidFen: 2800,
    paidAt: new Date(Date.now() - 3600_000).toISOString(),
    ...overrides,
  };
  const r = await client(base, adminToken).put(`/api/v1/orders/${customer.orderNo}`, body);
  if (r.status !== 201) throw new Error(`order failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { phone: body.customerPhone, orderNo: customer.orderNo, order: r.body };
}

/**
 * A fresh customer's order (`createOrder` with its overrides) and their request about it on the public
 * app form, registered (201): the ticket most tests start from.
 */
export async function fileAppTicket(
  base: string,
  adminToken: string,
  orderOverrides: Parameters<typeof createOrder>[2] = {},
): Promise<{ ticketNo: string; phone: string; orderNo: string }> {
  const { phone, orderNo } = await createOrder(base, adminToken, orderOverrides);
  const r = await client(base).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    description: LONG_TEXT,
  });
  if (r.status !== 201) throw new Error(`intake failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ticketNo: r.body.ticketNo as string, phone, orderNo };
}
