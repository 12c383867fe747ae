import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { monthOf } from "../../src/modules/reports/reports.domain.ts";
import { rollUpReports } from "../helpers/reports.ts";
import { client, fileAppTicket, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleAs,
  consoleErrors,
  PHONE_VIEWPORT,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/**
 * The monthly report in the console: a supervisor reads a line's KPIs as the API computes them, the
 * lines by their names, and downloads the same report as CSV.
 */
const fixture = browserAndServer();

/** This month in Beijing time, as the reports count months. */
const thisMonth = () => monthOf(new Date());
/** As the console shows a share: one decimal, a dash with nothing to count. */
const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
/** As the public page shows one: two decimals. */
const pct2 = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(2)}%`);

describe("the monthly report", () => {
  it(
    "shows the line's KPIs with its withdrawal rate, by the line's name, and downloads them as CSV",
    async () => {
      const url = fixture.server.url;
      const admin = await login(url, "admin");
      const supervisor = client(url, await login(url, "supervisor1"));
      const kept = await fileAppTicket(url, admin);
      const taken = await fileAppTicket(url, admin);
      // agent1 takes the one that stays: it is theirs in the agents' figures.
      expect(
        (await client(url, await login(url, "agent1")).post(`/api/v1/tickets/${kept.ticketNo}/take`)).status,
      ).toBe(200);
      expect(
        (await client(url).post(`/api/v1/tickets/${taken.ticketNo}/withdraw`, { phone: taken.phone })).status,
      ).toBe(200);

      // The rollups follow the events in the background; test servers run no jobs on their own.
      await rollUpReports(fixture.server);
      const month = thisMonth();
      const monthly = async (line: string) =>
        (await supervisor.get(`/api/v1/reports/monthly?businessLine=${line}&month=${month}`)).body;
      const food = await monthly("food_delivery");
      expect(food.kpis.withdrawalRate).toBeGreaterThan(0);

      const { context, page, errors } = await consoleAs(fixture, "supervisor1");
      await page.goto(`${url}/console/reports`);
      const card = (title: string) => page.locator(".ant-statistic", { hasText: title });
      await card("撤销率").waitFor({ timeout: UI_TIMEOUT });
      expect(await card("撤销率").locator(".ant-statistic-content").textContent()).toBe(
        pct(food.kpis.withdrawalRate),
      );
      expect(await card("工单量").locator(".ant-statistic-content").textContent()).toBe(String(food.tickets));
      // The line picker names the lines as the packs do, not by their codes.
      const picker = page.getByLabel("业务线");
      expect(await page.locator(".ant-select", { has: picker }).textContent()).toContain("外卖");
      // Each agent's month, by name, as the API counts it.
      const agents = (
        await supervisor.get(`/api/v1/reports/agents?businessLine=food_delivery&month=${month}`)
      ).body;
      const mine = agents.items.find((a: { agent: string | null }) => a.agent === "agent1");
      expect(mine.tickets).toBeGreaterThanOrEqual(1);
      const row = page
        .locator(".ant-card", { hasText: "客服绩效" })
        .locator(".ant-table-row", { hasText: "客服小王（agent1）" });
      await row.waitFor({ timeout: UI_TIMEOUT });
      expect(await row.locator("td").nth(1).textContent()).toBe(String(mine.tickets));
      await screenshot(page, "console-reports");

      const download = page.waitForEvent("download", { timeout: UI_TIMEOUT });
      await page.getByRole("button", { name: "下载 CSV" }).click();
      const csv = await readFile((await (await download).path())!, "utf8");
      expect(csv).toContain(`"撤销率","${(food.kpis.withdrawalRate * 100).toFixed(2)}%"`);

      // Another line, without a withdrawal: its own figures.
      await picker.click();
      await page.locator(".ant-select-item-option", { hasText: "食材零售" }).click({ timeout: UI_TIMEOUT });
      const fresh = await monthly("fresh_food");
      expect(fresh.kpis.withdrawalRate ?? 0).toBe(0);
      await expect
        .poll(() => card("撤销率").locator(".ant-statistic-content").textContent(), { timeout: UI_TIMEOUT })
        .toBe(pct(fresh.kpis.withdrawalRate));
      expect(await card("工单量").locator(".ant-statistic-content").textContent()).toBe(
        String(fresh.tickets),
      );
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "shows a merchant its own figures without the agents' performance",
    async () => {
      const { context, page, errors } = await consoleAs(fixture, "merchant1");
      await page.goto(`${fixture.server.url}/console/reports`);
      await page.locator(".ant-card", { hasText: "商家评分卡" }).waitFor({ timeout: UI_TIMEOUT });
      await page.locator(".ant-statistic", { hasText: "工单量" }).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByText("客服绩效").count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("the public after-sales figures (售后数据公示)", () => {
  it(
    "shows each line's month on a phone as the disclosure API counts it, without a sign-in",
    async () => {
      const url = fixture.server.url;
      const month = thisMonth();
      const api = (await client(url).get(`/api/v1/public/disclosure?month=${month}`)).body;
      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      // Found from the help page; the month in the address is the one shown.
      await page.goto(`${url}/h5/help`);
      await page.getByRole("link", { name: "平台售后数据公示" }).click();
      await page.waitForURL(/\/h5\/disclosure$/, { timeout: UI_TIMEOUT });
      // Without a month: the last whole one (this one is still being counted).
      const [y, m] = month.split("-").map(Number) as [number, number];
      const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
      await expect
        .poll(() => page.getByLabel("公示月份").inputValue(), { timeout: UI_TIMEOUT })
        .toBe(lastMonth);
      await page.goto(`${url}/h5/disclosure?month=${month}`);
      for (const line of api.lines) {
        const card = page.getByTestId(`disclosure-${line.businessLine}`);
        await card.waitFor({ timeout: UI_TIMEOUT });
        const text = await card.textContent();
        expect(text).toContain(line.label["zh-CN"]);
        expect(text).toContain(`订单数${line.orders}`);
        expect(text).toContain(`售后申请${line.tickets}`);
        expect(text).toContain(`退货率（退货订单/订单）${pct2(line.returnRate)}`);
        expect(text).toContain(`投诉解决率${pct2(line.resolutionRate)}`);
      }
      await screenshot(page, "h5-disclosure");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByText("Return rate (returned orders / orders)").first().waitFor({ timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
