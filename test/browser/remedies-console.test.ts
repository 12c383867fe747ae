import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { openTicket, simulatorOf, WRONG_CHERRIES } from "../helpers/remedies.ts";
import { client, login } from "../helpers/server.ts";
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
 * Remedies in the console: the agent's proposal panel (the pack's 3× compensation with its reasons and
 * the statutory option), an adjustment above the agent's limit, the supervisor's approval in the inbox,
 * the refund in the ticket's ledger, and a warehouse user's board with nothing but the warehouse's orders.
 */
let admin: string;
let agent: string;

const fixture = browserAndServer();
beforeAll(async () => {
  simulatorOf(fixture.server).latencyMs = 0;
  [admin, agent] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "agent1"),
  ]);
});

async function consolePage(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await fixture.browser.newContext(DESKTOP_VIEWPORT);
  const page = await context.newPage();
  const errors = consoleErrors(page);
  if (username === "warehouse1") {
    // Departments land on their board, not the ticket queue.
    await page.goto(`${fixture.server.url}/console/login`);
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("密码").fill("demo123456");
    await page.getByLabel("密码").press("Enter");
    await page.waitForURL(/\/console\/execution/, { timeout: UI_TIMEOUT });
  } else await logInConsole(page, fixture.server.url, username);
  return { page, errors };
}

describe("remedies in the console", () => {
  it(
    "proposal with 3× compensation, adjusted above the limit, approved by the supervisor, refund in the ledger",
    async () => {
      const { ticketNo } = await openTicket(fixture.server, admin, agent, {
        category: "food",
        subType: "foreign_object",
      });

      const { page, errors } = await consolePage("agent1");
      await page.goto(`${fixture.server.url}/console/tickets/${ticketNo}`);
      const panel = page.getByTestId("proposal-panel");
      await panel.getByTestId("proposal-items").waitFor({ timeout: UI_TIMEOUT });
      // 麻辣烫套餐 at ¥28.00: a full refund and three times the price from the merchant.
      const proposed = await panel.getByTestId("proposal-items").textContent();
      expect(proposed).toContain("退款 ¥28.00");
      expect(proposed).toContain("赔偿 ¥84.00");
      const reasons = await panel.getByTestId("proposal-reasons").textContent();
      expect(reasons).toContain("商家按售价三倍赔偿");
      // Not yet confirmed unsafe: the law's floor is named as what the customer may claim if it is.
      expect(reasons).toContain("《食品安全法》第一百四十八条");
      expect(await panel.getByTestId("needs-approval").count()).toBe(0);
      await screenshot(page, "console-remedy-proposal");

      await panel.getByTestId("adjust-proposal").click();
      const compensation = panel.getByTestId("amount-compensation");
      await compensation.fill("12.345");
      await panel.getByText("请输入金额，最多两位小数").waitFor({ timeout: UI_TIMEOUT });
      await compensation.fill("200");
      await panel.getByTestId("adjusted-needs-approval").waitFor({ timeout: UI_TIMEOUT });
      expect(await panel.getByTestId("adjusted-needs-approval").textContent()).toContain("需主管审批");
      await panel.getByLabel("备注").fill("顾客就医，协商提高赔偿");
      await screenshot(page, "console-remedy-adjusted");
      await panel.getByTestId("submit-decision").click();
      await panel.getByTestId("current-remedy-status").getByText("待审批").waitFor({ timeout: UI_TIMEOUT });

      // The supervisor's inbox has it, with why it waits; approving takes it off the list.
      const boss = await consolePage("supervisor1");
      await boss.page.getByRole("link", { name: "方案审批" }).click();
      const row = boss.page.locator(".ant-table-row", { hasText: ticketNo });
      await row.waitFor({ timeout: UI_TIMEOUT });
      expect(await row.textContent()).toContain("¥228.00");
      await screenshot(boss.page, "console-approvals-inbox");
      await row.getByRole("button", { name: /批\s*准/ }).click();
      await row.waitFor({ state: "detached", timeout: UI_TIMEOUT });

      // The payments job pays; the agent's workspace shows the refund paid in the ticket's ledger.
      await fixture.server.app.jobs.runAll();
      await page.reload();
      const ledger = page.getByTestId("ledger-panel");
      const refund = ledger.locator(".ant-table-row", { hasText: "退款" });
      await refund.getByText("已支付").waitFor({ timeout: UI_TIMEOUT });
      expect(await refund.getByTestId("ledger-amount").textContent()).toBe("¥28.00");
      const paid = ledger.locator(".ant-table-row", { hasText: "赔偿" });
      expect(await paid.getByTestId("ledger-amount").textContent()).toBe("¥200.00");
      await page.getByTestId("current-remedy-status").getByText("已批准").waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, "console-ticket-ledger");
      // The totals, each amount on one line in English too (its longer labels beside them broke "¥0.00" in two).
      await page.getByRole("button", { name: "English" }).click();
      const totals = page.getByTestId("ledger-totals");
      await totals.getByText("Charged to the liable party").waitFor({ timeout: UI_TIMEOUT });
      expect(await totals.textContent()).toContain("¥28.00");
      for (const amount of await totals.locator(".ant-descriptions-item-content").all()) {
        const lines = await amount.evaluate(
          (el) => el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight),
        );
        expect(Math.round(lines)).toBe(1);
      }
      await page.getByRole("button", { name: "中文" }).click();

      // The whole order's money, from the panel's link.
      await ledger.getByRole("link", { name: "订单流水" }).click();
      await page.getByTestId("order-ledger").getByText("¥28.00").first().waitFor({ timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      expect(boss.errors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    "shows warehouse1 only the warehouse's execution orders, and lets it complete its resend",
    async () => {
      // A fresh-food wrong item: the warehouse re-sends from a good batch. A food refund goes to finance.
      const fresh = await openTicket(fixture.server, admin, agent, WRONG_CHERRIES);
      const food = await openTicket(fixture.server, admin, agent, { category: "delivery", subType: "late" });
      for (const t of [fresh, food])
        expect(
          (await client(fixture.server.url, agent).post(`/api/v1/tickets/${t.ticketNo}/remedies`, {})).status,
        ).toBe(201);

      const { page, errors } = await consolePage("warehouse1");
      const board = page.getByTestId("execution-board");
      const card = board.getByTestId("execution-order").filter({ hasText: fresh.ticketNo });
      await card.waitFor({ timeout: UI_TIMEOUT });
      const departments = await board
        .getByTestId("execution-order")
        .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-department")));
      expect(departments.length).toBeGreaterThan(0);
      expect(new Set(departments)).toEqual(new Set(["warehouse"]));
      expect(await board.getByText(food.ticketNo).count()).toBe(0);
      // No ticket queue in the menu for a department.
      expect(await page.getByRole("link", { name: "服务单队列" }).count()).toBe(0);
      expect(await card.textContent()).toContain("时限");
      await screenshot(page, "console-execution-board-warehouse");

      await card.getByRole("button", { name: "开始处理" }).click();
      await page.getByTestId("column-in_progress").getByText(fresh.ticketNo).waitFor({ timeout: UI_TIMEOUT });
      await page
        .getByTestId("column-in_progress")
        .getByTestId("execution-order")
        .filter({ hasText: fresh.ticketNo })
        .getByRole("button", { name: /完\s*成/ })
        .click();
      await page.getByLabel("完成说明（如运单号）").fill("顺丰 SF1234567890");
      await page
        .locator(".ant-modal")
        .getByRole("button", { name: /完\s*成/ })
        .click();
      await page.getByTestId("column-done").getByText(fresh.ticketNo).waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, "console-execution-board-done");

      // The server agrees: the warehouse's list holds warehouse orders only.
      const warehouse = await login(fixture.server.url, "warehouse1");
      const all = (await client(fixture.server.url, warehouse).get("/api/v1/execution-orders?limit=200")).body
        .items;
      expect(all.every((o: { department: string }) => o.department === "warehouse")).toBe(true);
      expect(errors).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
