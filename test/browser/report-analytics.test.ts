import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { dayOf, monthOf } from "../../src/modules/reports/reports.domain.ts";
import { rollUpReports } from "../helpers/reports.ts";
import { client, fileAppTicket, login } from "../helpers/server.ts";
import { browserAndServer, consoleAs, screenshot, TEST_TIMEOUT, UI_TIMEOUT } from "./browser.ts";

/**
 * The two report screens beside the monthly one: trends and the heat map with the weekly analysis and
 * the rider scorecard, and QA sampling. A supervisor reads the API's figures on them, by the packs'
 * names; an agent gets neither screen; a reviewer draws a month's closed tickets and scores one.
 */
const fixture = browserAndServer();

/** Today and this month in Beijing time, as the reports count them. */
const today = () => dayOf(new Date());
const thisMonth = () => monthOf(new Date());
const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];

/**
 * A console page as `username` for `run`, which must raise no page error; its context is closed after,
 * also when the test fails.
 */
async function inConsole(username: string, run: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, errors } = await consoleAs(fixture, username);
  try {
    await run(page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}

/** The menu entry of a console page, by the link it leads to. */
const menuLink = (page: Page, path: string) => page.locator(`.ant-menu a[href="${path}"]`);

describe("trends and the heat map", () => {
  it(
    "shows the weekly analysis, the trend and the heat map as the API counts them, categories by name",
    async () => {
      const url = fixture.server.url;
      const admin = await login(url, "admin");
      const supervisor = client(url, await login(url, "supervisor1"));
      await fileAppTicket(url, admin);
      await fileAppTicket(url, admin);
      await fileAppTicket(url, admin, { region: "北京-朝阳" });
      await rollUpReports(fixture.server);

      const line = "food_delivery";
      const month = thisMonth();
      const api = async (path: string) => {
        const r = await supervisor.get(path);
        expect(r.status, path).toBe(200);
        return r.body;
      };
      const weekly = await api(`/api/v1/reports/weekly?week=${today()}&businessLine=${line}`);
      const byWeekday = await api(`/api/v1/reports/heatmap?month=${month}&by=weekday&businessLine=${line}`);
      const byRegion = await api(`/api/v1/reports/heatmap?month=${month}&by=region&businessLine=${line}`);
      const riders = await api(`/api/v1/reports/riders?month=${month}&businessLine=${line}`);
      const pack = await api(`/api/v1/policy-packs/${line}`);
      const categoryName = (code: string): string =>
        pack.categories.find((c: { code: string }) => c.code === code).labels["zh-CN"];
      expect(weekly.tickets).toBeGreaterThanOrEqual(3);
      expect(weekly.topCategories.map((c: { category: string }) => c.category)).toContain("delivery");
      expect(byRegion.rows).toEqual(expect.arrayContaining(["上海-浦东", "北京-朝阳"]));

      await inConsole("supervisor1", async (page) => {
        await page.goto(`${url}/console/reports/analytics`);
        const card = (title: string) => page.locator(".ant-card", { hasText: title });

        // The weekly analysis: this week's count beside last week's, the top categories by their names.
        const weeklyCard = card("周度问题分析");
        await expect
          .poll(() => weeklyCard.locator("p").first().textContent(), { timeout: UI_TIMEOUT })
          .toBe(`工单量: ${weekly.tickets}（上周 ${weekly.lastWeekTickets}）`);
        const top = weeklyCard.locator(".ant-table", { hasText: "主要问题" });
        const topRows = top.locator("tbody tr.ant-table-row");
        await expect
          .poll(() => topRows.allTextContents(), { timeout: UI_TIMEOUT })
          .toEqual(
            weekly.topCategories.map(
              (c: { category: string; count: number; share: number }) =>
                `${categoryName(c.category)}${c.count}${(c.share * 100).toFixed(1)}%`,
            ),
          );
        expect(await weeklyCard.textContent()).toContain(categoryName("delivery"));
        expect(await weeklyCard.textContent()).not.toContain("delivery");

        // The trend's lines are named as the pack names the categories.
        const trend = page.getByRole("img", { name: /^工单趋势/ });
        await expect
          .poll(() => trend.getAttribute("aria-label"), { timeout: UI_TIMEOUT })
          .toContain(`${categoryName("delivery")} `);
        expect(await trend.getAttribute("aria-label")).not.toMatch(/\bdelivery\b/);

        // The heat map by weekday, then by region: the rows change with the switch.
        const heat = page.getByRole("img", { name: /^投诉热力图/ });
        const heatLabel = (h: typeof byWeekday, rowName: (row: string) => string) =>
          `投诉热力图: ${h.cells
            .map(
              (c: { row: string; hour: number; count: number }) =>
                `${rowName(c.row)} ${c.hour}:00 ${c.count}`,
            )
            .join(", ")}`;
        const weekdayLabel = heatLabel(byWeekday, (row) => WEEKDAYS[Number(row) - 1]!);
        await expect.poll(() => heat.getAttribute("aria-label"), { timeout: UI_TIMEOUT }).toBe(weekdayLabel);
        const staffing = card("投诉热力图").locator(".ant-tag");
        expect(await staffing.allTextContents()).toEqual(
          byWeekday.staffing
            .filter((s: { agents: number }) => s.agents > 0)
            .map((s: { hour: number; agents: number }) => `${s.hour}:00 × ${s.agents}`),
        );
        await screenshot(page, "console-analytics");

        await page.getByText("区域 × 小时").click();
        const regionLabel = heatLabel(byRegion, (row) => row);
        expect(regionLabel).not.toBe(weekdayLabel);
        await expect.poll(() => heat.getAttribute("aria-label"), { timeout: UI_TIMEOUT }).toBe(regionLabel);
        expect(regionLabel).toContain("北京-朝阳");
        await screenshot(page, "console-analytics-region");
        await page.getByText("星期 × 小时").click();
        await expect.poll(() => heat.getAttribute("aria-label"), { timeout: UI_TIMEOUT }).toBe(weekdayLabel);

        // The rider scorecard: the rider of the orders, with the API's count.
        const rider = riders.items.find((r: { riderId: string }) => r.riderId === "R001");
        expect(rider.tickets).toBeGreaterThanOrEqual(3);
        const riderRow = card("骑手评分卡").locator("tbody tr.ant-table-row", { hasText: "R001" });
        await riderRow.waitFor({ timeout: UI_TIMEOUT });
        expect(await riderRow.locator("td").nth(1).textContent()).toBe(String(rider.tickets));

        // The menu leads here and to QA sampling.
        expect(await menuLink(page, "/console/reports/analytics").textContent()).toBe("趋势与热力图");
        expect(await menuLink(page, "/console/reports/qa").textContent()).toBe("质检抽样");
      });
    },
    TEST_TIMEOUT,
  );

  it(
    "is neither in an agent's menu nor open to one, nor are QA samples",
    async () => {
      const url = fixture.server.url;
      const agent = client(url, await login(url, "agent1"));
      await inConsole("agent1", async (page) => {
        await page.locator(".ant-menu").first().waitFor({ timeout: UI_TIMEOUT });
        expect(await menuLink(page, "/console/tickets").count()).toBe(1);
        expect(await menuLink(page, "/console/reports/analytics").count()).toBe(0);
        expect(await menuLink(page, "/console/reports/qa").count()).toBe(0);
        for (const path of ["/console/reports/analytics", "/console/reports/qa"]) {
          await page.goto(`${url}${path}`);
          await page.locator(".ant-result-404").waitFor({ timeout: UI_TIMEOUT });
          expect(await page.getByText("趋势与热力图").count()).toBe(0);
          expect(await page.getByText("质检抽样").count()).toBe(0);
        }
        // The API agrees with the console.
        expect((await agent.get(`/api/v1/reports/weekly?week=${today()}`)).status).toBe(403);
        expect((await agent.get(`/api/v1/reports/qa/samples?month=${thisMonth()}`)).status).toBe(403);
      });
    },
    TEST_TIMEOUT,
  );

  it(
    "shows a rider its own scorecard only, without the platform's trends",
    async () => {
      const url = fixture.server.url;
      const admin = await login(url, "admin");
      const rider = client(url, await login(url, "rider1"));
      await fileAppTicket(url, admin);
      await fileAppTicket(url, admin, { riderId: "R002" });
      await rollUpReports(fixture.server);
      const month = thisMonth();
      const own = (await rider.get(`/api/v1/reports/riders?month=${month}&businessLine=food_delivery`)).body;
      expect(own.items.map((r: { riderId: string }) => r.riderId)).toEqual(["R001"]);
      expect((await rider.get(`/api/v1/reports/heatmap?month=${month}`)).status).toBe(403);

      await inConsole("rider1", async (page) => {
        // The menu entry and the page say what a rider finds there: its own scorecard.
        expect(await menuLink(page, "/console/reports/analytics").textContent()).toBe("骑手评分卡");
        await menuLink(page, "/console/reports/analytics").click();
        await page.getByRole("heading", { name: "骑手评分卡" }).waitFor({ timeout: UI_TIMEOUT });
        const rows = page.locator(".ant-card", { hasText: "骑手评分卡" }).locator("tbody tr.ant-table-row");
        await rows.first().waitFor({ timeout: UI_TIMEOUT });
        expect(await rows.count()).toBe(1);
        expect(await rows.locator("td").nth(0).textContent()).toContain("R001");
        expect(await rows.locator("td").nth(1).textContent()).toBe(String(own.items[0].tickets));
        for (const title of ["工单趋势（按问题类型）", "投诉热力图", "周度问题分析"])
          expect(await page.getByText(title).count(), title).toBe(0);
        expect(await page.locator(".ant-alert-error").count()).toBe(0);
        await screenshot(page, "console-analytics-rider");
      });
    },
    TEST_TIMEOUT,
  );
});

/** A fresh ticket taken by the agent, answered, resolved and closed: what QA sampling draws from. */
async function closedTicket(url: string, admin: string, agent: ReturnType<typeof client>) {
  const { ticketNo } = await fileAppTicket(url, admin);
  const step = async (path: string, body?: unknown) =>
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/${path}`, body)).status, path).toBeLessThan(300);
  await step("take");
  await step("replies", { body: "非常抱歉，已为您申请全额退款", visibility: "customer" });
  await step("transitions", { to: "resolved" });
  await step("transitions", { to: "closed" });
  return ticketNo;
}

describe("a report that fails to load", () => {
  it(
    'says what the server said, not a programmer\'s "Error: …"',
    async () => {
      // The weekly analysis answers with a server error (its own fetch throws a plain Error).
      const { context, page } = await consoleAs(fixture, "supervisor1", [/status of 503/]);
      await page.route("**/api/v1/reports/weekly?**", (route) =>
        route.fulfill({
          status: 503,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "UNAVAILABLE", message: "报表服务暂时不可用，请稍后再试" } }),
        }),
      );
      await page.goto(`${fixture.server.url}/console/reports/analytics`);
      const alert = page.locator(".ant-alert-error");
      await alert.waitFor({ timeout: UI_TIMEOUT });
      expect((await alert.textContent())?.trim()).toBe("报表服务暂时不可用，请稍后再试");
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("QA sampling", () => {
  it(
    "draws the month's closed tickets, names their lines and categories, and stores the scores entered",
    async () => {
      const url = fixture.server.url;
      const admin = await login(url, "admin");
      const agent = client(url, await login(url, "agent1"));
      const supervisor = client(url, await login(url, "supervisor1"));
      const closed = [await closedTicket(url, admin, agent), await closedTicket(url, admin, agent)];
      await rollUpReports(fixture.server);
      const month = thisMonth();
      const packs = (await supervisor.get("/api/v1/policy-packs")).body.items;
      const lineName = packs.find((p: { businessLine: string }) => p.businessLine === "food_delivery").labels[
        "zh-CN"
      ];
      const pack = (await supervisor.get("/api/v1/policy-packs/food_delivery")).body;
      const deliveryName = pack.categories.find((c: { code: string }) => c.code === "delivery").labels[
        "zh-CN"
      ];

      await inConsole("supervisor1", async (page) => {
        await page.goto(`${url}/console/reports/qa`);
        await page.getByRole("button", { name: "抽取样本" }).click();
        const rows = page.locator("tbody tr.ant-table-row");
        const rowOf = (ticketNo: string) => rows.filter({ hasText: ticketNo });
        for (const no of closed) await rowOf(no).waitFor({ timeout: UI_TIMEOUT });

        // The samples shown are the ones drawn, waiting, of the agent who closed them, lines and
        // categories by their names.
        const drawn = (await supervisor.get(`/api/v1/reports/qa/samples?month=${month}&scored=false`)).body
          .items;
        expect(drawn.map((d: { ticketNo: string }) => d.ticketNo).sort()).toEqual([...closed].sort());
        const cells = (ticketNo: string) => rowOf(ticketNo).locator("td").allTextContents();
        for (const d of drawn) {
          expect(d).toMatchObject({ agent: "agent1", businessLine: "food_delivery", category: "delivery" });
          await expect
            .poll(() => cells(d.ticketNo), { timeout: UI_TIMEOUT })
            .toEqual(["客服小王（agent1）", d.ticketNo, lineName, deliveryName, "待评分", "得 分"]);
        }
        await screenshot(page, "console-qa");

        // Scoring the first: a score above 100 stands at 100 once left, and the fields left empty are
        // named below them; nothing is saved until they are filled.
        const sample = drawn.find((d: { ticketNo: string }) => d.ticketNo === closed[0]);
        await rowOf(closed[0]!)
          .getByRole("button", { name: /^得\s*分$/ })
          .click();
        const dialog = page.getByRole("dialog");
        const field = (name: string) => dialog.getByLabel(`${name}（0–100）`);
        await field("问候规范").fill("150");
        await field("解答准确").fill("90");
        await expect.poll(() => field("问候规范").inputValue(), { timeout: UI_TIMEOUT }).toBe("100");
        await dialog.getByRole("button", { name: "保存评分" }).click();
        const problems = dialog.locator(".ant-form-item-explain-error");
        await expect
          .poll(() => problems.allTextContents(), { timeout: UI_TIMEOUT })
          .toEqual(["请输入补偿合规（0–100）", "请输入服务态度（0–100）"]);
        expect(
          (await supervisor.get(`/api/v1/reports/qa/samples?month=${month}&scored=true`)).body.items,
        ).toEqual([]);
        // The messages fade in: the screenshot waits for them to show.
        await expect
          .poll(() => dialog.evaluate((d) => d.getAnimations({ subtree: true }).length), {
            timeout: UI_TIMEOUT,
          })
          .toBe(0);
        await screenshot(page, "console-qa-score");

        await field("补偿合规").fill("80");
        await field("服务态度").fill("70");
        await dialog.getByLabel("评语").fill("致歉及时，补偿合规");
        await dialog.getByRole("button", { name: "保存评分" }).click();
        await dialog.waitFor({ state: "hidden", timeout: UI_TIMEOUT });
        // Scored, it leaves the waiting list and shows its score among the scored ones.
        await rowOf(closed[0]!).waitFor({ state: "detached", timeout: UI_TIMEOUT });
        expect(await rowOf(closed[1]!).count()).toBe(1);
        const scored = (await supervisor.get(`/api/v1/reports/qa/samples?month=${month}&scored=true`)).body
          .items;
        expect(scored).toEqual([
          expect.objectContaining({
            id: sample.id,
            ticketNo: closed[0],
            checklist: { greeting: 100, accuracy: 90, remedy: 80, tone: 70 },
            score: 85,
            comment: "致歉及时，补偿合规",
            scoredBy: "supervisor1",
          }),
        ]);
        await page.getByLabel("评分状态").click();
        await page.locator(".ant-select-item-option", { hasText: "已评分" }).click({ timeout: UI_TIMEOUT });
        await expect
          .poll(() => cells(closed[0]!), { timeout: UI_TIMEOUT })
          .toEqual([
            "客服小王（agent1）",
            closed[0],
            lineName,
            deliveryName,
            String(scored[0].score),
            "得 分",
          ]);
        expect(await rowOf(closed[1]!).count()).toBe(0);
      });
    },
    TEST_TIMEOUT,
  );
});
