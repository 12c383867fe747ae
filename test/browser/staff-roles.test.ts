import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, fileAppTicket, LONG_TEXT, login } from "../helpers/server.ts";
import { browserAndServer, consoleAs, screenshot, TEST_TIMEOUT, UI_TIMEOUT } from "./browser.ts";

let admin: string;

const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
});

async function ticketFor(merchantId: string): Promise<string> {
  const { phone, orderNo } = await createOrder(fixture.server.url, admin, { merchantId });
  const r = await client(fixture.server.url).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    description: LONG_TEXT,
    expectedResolution: "refund",
  });
  expect(r.status).toBe(201);
  return r.body.ticketNo;
}

describe("the console by role", () => {
  it(
    "shows a merchant only its own tickets, read-only",
    async () => {
      const own = await ticketFor("M001");
      const other = await ticketFor("M002");
      // Opening another merchant's ticket by its address is refused like an unknown one: that 404 only.
      const { context, page, errors } = await consoleAs(fixture, "merchant1", [
        /Failed to load resource: the server responded with a status of 404/,
      ]);

      await page.locator(".ant-table-row").first().waitFor({ timeout: UI_TIMEOUT });
      // Views about one's own work are for agents.
      expect(await page.getByTestId("view-mine").count()).toBe(0);
      const search = page.getByRole("searchbox", { name: "搜索单号、订单号、手机号或描述" });
      // "/" jumps to the search box from anywhere on the page.
      await page.locator("body").press("/");
      await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
      await search.fill(own);
      await search.press("Enter");
      await page.locator(".ant-table-row", { hasText: own }).waitFor({ timeout: UI_TIMEOUT });
      await search.fill(other);
      await search.press("Enter");
      await page.getByText("这个视图里没有服务单").waitFor({ timeout: UI_TIMEOUT });
      await search.fill("");
      await search.press("Enter");
      await page.locator(".ant-table-row").first().waitFor({ timeout: UI_TIMEOUT });
      const rows = await page.locator(".ant-table-row").allTextContents();
      expect(rows.some((r) => r.includes(own))).toBe(true);
      expect(rows.some((r) => r.includes(other))).toBe(false);
      // The server says so too: every ticket the merchant's queue returns is M001's.
      const merchant = await login(fixture.server.url, "merchant1");
      const all = await client(fixture.server.url, merchant).get("/api/v1/tickets?limit=200");
      expect(all.body.items.every((t: { merchantId: string }) => t.merchantId === "M001")).toBe(true);
      await screenshot(page, "console-queue-merchant", false);

      await page.getByRole("link", { name: own }).click();
      await page.getByText("您的角色只能查看服务单").waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByRole("button", { name: /领\s*取/ }).count()).toBe(0);
      expect(await page.getByRole("textbox", { name: "回复客户" }).count()).toBe(0);

      await page.goto(`${fixture.server.url}/console/tickets/${other}`);
      await page.getByText("服务单不存在").waitFor({ timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "gives an administrator the users, roles and the active policy pack, in either language",
    async () => {
      const { context, page, errors } = await consoleAs(fixture, "admin");

      await page.getByRole("link", { name: "用户与角色" }).click();
      await page.locator(".ant-table-row", { hasText: "merchant1" }).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator(".ant-table-row", { hasText: "merchant1" }).textContent()).toContain("M001");
      await page.getByText("角色与权限").waitFor();
      await screenshot(page, "console-admin-users");

      await page.getByRole("link", { name: "策略包" }).click();
      await page.getByText("问题类型与子类型").waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByText("工作日 09:00–21:00，节假日 08:00–22:00").count()).toBe(1);
      await screenshot(page, "console-admin-policies");

      await page.getByRole("button", { name: "English" }).click();
      await page.getByText("Categories and sub-types").waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByRole("link", { name: "Ticket queue" }).count()).toBe(1);
      // Every menu entry whole: none of the longer English words is cut short.
      const cut = await page
        .locator(".ant-menu-title-content")
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(cut).toEqual([]);
      await page.getByRole("link", { name: "Ticket queue" }).click();
      await page.getByText("All open").waitFor({ timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("the queue for a supervisor", () => {
  it(
    "hands the selected tickets to a colleague at once, and says which one could not be",
    async () => {
      const first = await fileAppTicket(fixture.server.url, admin);
      const second = await fileAppTicket(fixture.server.url, admin, { customerPhone: first.phone });
      const { context, page, errors } = await consoleAs(fixture, "supervisor1");
      await page.goto(`${fixture.server.url}/console/tickets?q=${first.phone}`);
      const row = (ticketNo: string) => page.locator(".ant-table-row", { hasText: ticketNo });
      await row(second.ticketNo).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator(".ant-table-row").count()).toBe(2);
      await row(first.ticketNo).locator("input[type=checkbox]").check();
      await row(second.ticketNo).locator("input[type=checkbox]").check();
      expect(await page.getByTestId("selected-count").textContent()).toBe("已选 2 张");

      // Meanwhile an agent settles the second one.
      const agent = client(fixture.server.url, await login(fixture.server.url, "agent1"));
      await agent.post(`/api/v1/tickets/${second.ticketNo}/take`, {});
      await agent.post(`/api/v1/tickets/${second.ticketNo}/transitions`, {
        to: "not_applicable",
        reason: "重复",
      });

      await page.getByRole("button", { name: "批量指派" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("combobox").fill("agent2");
      // Pick the option once the agents have loaded: Enter before that selects nothing (a loaded machine).
      await page.locator(".ant-select-item-option", { hasText: "(agent2)" }).click({ timeout: UI_TIMEOUT });
      await dialog.getByRole("button", { name: /确\s?定|OK/ }).click();
      await page
        .getByText("已指派 1 张，1 张未指派")
        .filter({ visible: true })
        .waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId("bulk-failures").textContent()).toBe(
        `${second.ticketNo}: 服务单已结束，无法指派`,
      );
      const detail = await agent.get(`/api/v1/tickets/${first.ticketNo}`);
      expect(detail.body.assignee.username).toBe("agent2");
      await screenshot(page, "console-queue-bulk-assign", false);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("the workspace with a colleague on the same ticket", () => {
  it(
    "tells each agent who else has the ticket open",
    async () => {
      const { ticketNo } = await fileAppTicket(fixture.server.url, admin);
      const url = `${fixture.server.url}/console/tickets/${ticketNo}`;
      const one = await consoleAs(fixture, "agent1");
      await one.page.goto(url);
      await one.page.getByTestId("ticket-description").waitFor({ timeout: UI_TIMEOUT });
      expect(await one.page.getByTestId("other-viewers").count()).toBe(0);

      const two = await consoleAs(fixture, "agent2");
      await two.page.goto(url);
      const seenByTwo = two.page.getByTestId("other-viewers");
      await seenByTwo.waitFor({ timeout: UI_TIMEOUT });
      expect(await seenByTwo.textContent()).toMatch(/（agent1） 也在查看此服务单/);
      // agent1's page hears of agent2 at its next call-in (every 15 s), without a reload.
      const seenByOne = one.page.getByTestId("other-viewers");
      await seenByOne.waitFor({ timeout: UI_TIMEOUT });
      expect(await seenByOne.textContent()).toMatch(/（agent2） 也在查看此服务单/);
      await screenshot(one.page, "console-workspace-other-viewer", false);
      expect([...one.errors, ...two.errors]).toEqual([]);
      await one.context.close();
      await two.context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("a customer who calls to withdraw", () => {
  it(
    "is withdrawn by the agent with the customer's reason",
    async () => {
      const { ticketNo, phone } = await fileAppTicket(fixture.server.url, admin);
      const { context, page, errors } = await consoleAs(fixture, "agent1");
      await page.goto(`${fixture.server.url}/console/tickets/${ticketNo}`);
      await page.getByRole("button", { name: "客户撤销" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: /确\s?定|OK/ }).click();
      await dialog.locator(".ant-form-item-explain-error").waitFor({ timeout: UI_TIMEOUT });
      await dialog.getByLabel("原因").fill("顾客来电说餐已经送到了");
      await dialog.getByRole("button", { name: /确\s?定|OK/ }).click();
      await expect
        .poll(
          async () =>
            (await client(fixture.server.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`)).body
              .status,
          {
            timeout: UI_TIMEOUT,
          },
        )
        .toBe("closed");
      // The workspace follows: no more withdrawal offered on a closed ticket.
      await expect
        .poll(() => page.getByRole("button", { name: "客户撤销" }).count(), { timeout: UI_TIMEOUT })
        .toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
