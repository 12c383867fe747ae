import { beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login } from "../helpers/server.ts";
import { runDueJobs } from "../helpers/test-clock.ts";
import { browserAndServer, consoleAs, screenshot, TEST_TIMEOUT, UI_TIMEOUT } from "./browser.ts";

/**
 * The incident board as a supervisor sees it: three complaints about one product in one region open an
 * incident, the board lists it, its page shows the three tickets, and an action from the page is recorded.
 */
let admin: string;
let supervisor: string;
// Its own database on PostgreSQL: the shared one holds other files' incidents on the demo batch.
const fixture = browserAndServer(() =>
  startServerWithOwnDatabase("browser_incidents", { AFTERSALE_TEST_CLOCK: "1" }),
);
beforeAll(async () => {
  [admin, supervisor] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "supervisor1"),
  ]);
});

/** Three food complaints on orders in one new region: the detector's (region, product) window fills. */
async function threeComplaints(region: string): Promise<string[]> {
  const ticketNos: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { phone, orderNo } = await createOrder(fixture.server.url, admin, { region });
    const r = await client(fixture.server.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      category: "food",
      description: `饭菜有馊味，吃了以后肚子不舒服。${LONG_TEXT}`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ticketNos.push(r.body.ticketNo);
  }
  return ticketNos;
}

async function incidentWith(ticketNos: string[]): Promise<any> {
  for (let tries = 0; tries < 50; tries++) {
    await runDueJobs(fixture.server);
    const items = (await client(fixture.server.url, supervisor).get("/api/v1/incidents?status=open")).body
      .items as any[];
    const found = items.find((i) => ticketNos.every((no) => i.ticketNos.includes(no)));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("no incident holds the three tickets");
}

describe("the incident board", () => {
  it(
    "shows the incident three complaints opened, its tickets, and records an action taken from its page",
    async () => {
      const region = `浏览器测试区-${process.pid}-${Date.now() % 100_000}`;
      const ticketNos = await threeComplaints(region);
      const incident = await incidentWith(ticketNos);

      const { context, page, errors } = await consoleAs(fixture, "supervisor1");
      await page.getByRole("link", { name: "批量事件" }).click();
      const row = page.locator(".ant-table-row", { hasText: incident.id });
      await row.waitFor({ timeout: UI_TIMEOUT });
      await row.click();
      await page.waitForURL(new RegExp(`/console/incidents/${incident.id}`), { timeout: UI_TIMEOUT });
      for (const no of ticketNos) await page.getByRole("link", { name: no }).waitFor({ timeout: UI_TIMEOUT });
      // The product and the merchants by name, beside the ids the other systems use.
      expect(await page.locator(".ant-descriptions").first().textContent()).toContain(
        "商品 麻辣烫套餐（P0001）",
      );
      expect(await page.getByText("老王麻辣烫（M001）").count()).toBe(3);
      await screenshot(page, "console-incident-detail", false);

      await page.getByRole("button", { name: "创建抽检任务" }).click();
      await page.locator(".ant-message", { hasText: "已完成" }).waitFor({ timeout: UI_TIMEOUT });
      const stored = await client(fixture.server.url, supervisor).get(`/api/v1/incidents/${incident.id}`);
      expect(stored.body.timeline.map((e: any) => e.type)).toContain("sampling_task_created");
      // The timeline says each step in words, not by its code.
      const timeline = page.locator(".ant-timeline");
      await timeline.getByText("已创建抽检任务").waitFor({ timeout: UI_TIMEOUT });
      expect(await timeline.textContent()).toContain("发现事件");
      expect(await timeline.textContent()).not.toMatch(/opened|tickets_linked|sampling_task_created/);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
