import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { ensureWebBuilt } from "../../scripts/web-build.ts";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import type { TestServer } from "../helpers/server.ts";

/**
 * The browser tests' common parts: Debian's chromium driven by playwright-core, one browser per file,
 * every console error recorded so a test can assert there were none, screenshots for people to look at.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), ".test-data", "screenshots");

/** Pages wait on a loaded 2-core CI machine; generous limits keep the tests about behaviour, not speed. */
export const UI_TIMEOUT = 20_000;
export const TEST_TIMEOUT = 180_000;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  await ensureWebBuilt(() => {});
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * One chromium and one app server per test file, started before its tests and closed after them.
 * `start` picks the server; by default one on a database of its own (on PostgreSQL; on PGlite every
 * server has one anyway): a page shows whatever is in its database, and on the run's shared one the
 * other test files' tickets and chats would crowd the queue a test is reading, live.
 */
export function browserAndServer(
  start: () => Promise<TestServer> = () => startServerWithOwnDatabase("browser"),
): {
  browser: Browser;
  server: TestServer;
} {
  const fixture = {} as { browser: Browser; server: TestServer };
  beforeAll(async () => {
    fixture.browser = await launchBrowser();
    fixture.server = await start();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
  });
  return fixture;
}

export const PHONE_VIEWPORT: BrowserContextOptions = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "zh-CN",
};
export const DESKTOP_VIEWPORT: BrowserContextOptions = {
  viewport: { width: 1440, height: 900 },
  locale: "zh-CN",
};

/** Every console error and uncaught exception of a page, minus the ones a test says it expects. */
export function consoleErrors(page: Page, expected: RegExp[] = []): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !expected.some((e) => e.test(m.text()))) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** A small real PNG, made on the fly, for the upload. */
export async function samplePhoto(): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 214, g: 160, b: 90 } } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="640" height="480"><circle cx="320" cy="240" r="150" fill="#f5e6c8"/><rect x="250" y="200" width="140" height="18" rx="9" fill="#333"/></svg>',
        ),
      },
    ])
    .png()
    .toBuffer();
}

/** A desktop browser context logged in to the console as `username`, and its page's console errors. */
export async function consoleAs(
  fixture: { browser: Browser; server: TestServer },
  username: string,
  expectedErrors: RegExp[] = [],
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await fixture.browser.newContext(DESKTOP_VIEWPORT);
  const page = await context.newPage();
  const errors = consoleErrors(page, expectedErrors);
  await logInConsole(page, fixture.server.url, username);
  return { context, page, errors };
}

export async function logInConsole(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/console/login`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("demo123456");
  // Enter, not a click: the form works from the keyboard.
  await page.getByLabel("密码").press("Enter");
  await page.waitForURL(/\/console\/tickets/, { timeout: UI_TIMEOUT });
}
