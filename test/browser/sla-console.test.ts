import type { BrowserContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { fileLateDelivery } from "../helpers/late-delivery.ts";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import { client, login } from "../helpers/server.ts";
import { advanceClock, advanceClockTo, nextBeijing, runDueJobs } from "../helpers/test-clock.ts";
import {
  browserAndServer,
  consoleErrors,
  DESKTOP_VIEWPORT,
  logInConsole,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/**
 * Deadlines in the console: a food-delivery ticket nobody answers breaks its 30-minute promise, the
 * supervisor finds it in the escalation queue and red in the queue; an admin edits the business
 * calendar; an agent cannot. The server's test clock runs hours ahead of the machine, so each browser
 * context is given the server's time: the countdowns count against it.
 */

const fixture = browserAndServer(() =>
  startServerWithOwnDatabase("sla_console", { AFTERSALE_TEST_CLOCK: "1" }),
);

/** A browser context whose clock reads the server's (test) time. */
async function contextAtServerTime(): Promise<BrowserContext> {
  const context = await fixture.browser.newContext(DESKTOP_VIEWPORT);
  await context.clock.install({ time: await runDueJobs(fixture.server) });
  return context;
}

describe("deadlines in the console", () => {
  it(
    "shows a supervisor the unanswered ticket in the escalation queue and red in the queue",
    async () => {
      await advanceClockTo(fixture.server, nextBeijing(await runDueJobs(fixture.server), "10:00"));
      const admin = await login(fixture.server.url, "admin");
      const ticketNo = await fileLateDelivery(fixture.server.url, admin);
      await advanceClock(fixture.server, 31 * 60); // past the 30-minute first-response promise

      const context = await contextAtServerTime();
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await logInConsole(page, fixture.server.url, "supervisor1");

      await page.getByRole("link", { name: "升级队列" }).click();
      const row = page.locator(".ant-table-row", { hasText: ticketNo });
      await row.waitFor({ timeout: UI_TIMEOUT });
      const text = await row.textContent();
      expect(text).toContain("首次响应超时");
      expect(text).toContain("1 · 主管");
      await expect
        .poll(() => row.getByTestId("sla-countdown").first().getAttribute("data-state"))
        .toBe("breached");
      await screenshot(page, "console-escalations");

      // The breached view of the queue: the row's deadline is a red "已超时 N 分钟" badge.
      await page.getByRole("link", { name: "服务单队列" }).click();
      await page.getByTestId("view-breached").click();
      const queued = page.locator(".ant-table-row", { hasText: ticketNo });
      await queued.waitFor({ timeout: UI_TIMEOUT });
      const badge = queued.getByTestId("sla-countdown");
      expect(await badge.getAttribute("data-state")).toBe("breached");
      expect(await badge.textContent()).toMatch(/^已超时 \d+ 分钟$/);
      expect(await badge.evaluate((el) => el.className)).toContain("red");
      // On a 1440-pixel screen the deadline column is in sight whole without scrolling the table sideways.
      const header = page.getByRole("columnheader", { name: "服务时限" });
      const inSight = await header.evaluate((el) => {
        const table = el.closest(".ant-table-container")!.getBoundingClientRect();
        return el.getBoundingClientRect().right <= table.right + 0.5;
      });
      expect(inSight).toBe(true);
      await screenshot(page, "console-queue-breached", false);

      // The workspace header: every clock with its state, and the escalation level.
      await queued.getByRole("link", { name: ticketNo }).click();
      const first = page.getByTestId("sla-clock-firstResponse");
      await first.waitFor({ timeout: UI_TIMEOUT });
      expect(await first.textContent()).toMatch(/首次响应.*已超时 \d+ 分钟.*已升级 1 级/);
      expect(await page.getByTestId("sla-clock-resolution").textContent()).toContain("解决");
      expect(await page.locator(".ant-descriptions").first().textContent()).toContain("主管");
      await screenshot(page, "console-workspace-sla");
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "lets an admin add a holiday on the calendar page, and keeps agents out",
    async () => {
      const adminToken = await login(fixture.server.url, "admin");
      const { body: calendar } = await client(fixture.server.url, adminToken).get("/api/v1/calendar");
      const date = `${calendar.year}-12-24`;

      const context = await contextAtServerTime();
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await logInConsole(page, fixture.server.url, "admin");
      await page.getByRole("link", { name: "工作日历" }).click();
      await page.getByTestId("year-grid").waitFor({ timeout: UI_TIMEOUT });
      // The shipped State Council days are there with their notice.
      await page.getByText(`国务院办公厅关于${calendar.year}年部分节假日安排的通知`).first().waitFor();

      await page.getByRole("button", { name: "添加或修改日期" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("日期").fill(date);
      await dialog.getByLabel("名称").fill("平安夜停工");
      await dialog.getByLabel("变更原因").fill("年度安排调整");
      await dialog.getByRole("button", { name: /确\s*定/ }).click();

      const row = page.getByTestId("calendar-days").locator(".ant-table-row", { hasText: date });
      await row.waitFor({ timeout: UI_TIMEOUT });
      const text = await row.textContent();
      for (const part of ["节假日", "平安夜停工", "管理员修改", "年度安排调整", "admin"])
        expect(text).toContain(part);
      await page.getByRole("button", { name: `${date} 平安夜停工` }).waitFor();
      // …in the year grid, and in the history of changes with who and why.
      const change = await page
        .getByTestId("calendar-changes")
        .locator(".ant-table-row", { hasText: date })
        .textContent();
      expect(change).toMatch(/设置 · 节假日 · 平安夜停工.*年度安排调整.*admin/);
      await screenshot(page, "console-admin-calendar");
      expect(errors).toEqual([]);
      await context.close();

      // An agent has no such page, in the menu or by its address; the server refuses the change too.
      const agentContext = await contextAtServerTime();
      const agentPage = await agentContext.newPage();
      await logInConsole(agentPage, fixture.server.url, "agent1");
      expect(await agentPage.getByRole("link", { name: "工作日历" }).count()).toBe(0);
      await agentPage.goto(`${fixture.server.url}/console/admin/calendar`);
      await agentPage.getByText("页面不存在").waitFor({ timeout: UI_TIMEOUT });
      expect(await agentPage.getByTestId("year-grid").count()).toBe(0);
      const agent = client(fixture.server.url, await login(fixture.server.url, "agent1"));
      const refused = await agent.put(`/api/v1/calendar/days/${date}`, {
        kind: "workday",
        name: "x",
        reason: "y",
      });
      expect(refused.status).toBe(403);
      await agentContext.close();
    },
    TEST_TIMEOUT,
  );
});
