import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, fileAppTicket, LONG_TEXT, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleAs,
  consoleErrors,
  PHONE_VIEWPORT,
  samplePhoto,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

let admin: string;

const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
});

/** The Form.Item around an input, where antd shows that field's message. */
const fieldError = (page: import("playwright-core").Page, inputId: string) =>
  page
    .locator(".ant-form-item", { has: page.locator(`#${inputId}`) })
    .locator(".ant-form-item-explain-error");

describe("customer H5 form", () => {
  it(
    "shows the API's field errors next to each field",
    async () => {
      const { phone, orderNo } = await createOrder(fixture.server.url, admin);
      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      // The refused submissions are expected to show as failed requests, and only those.
      const errors = consoleErrors(page, [
        /Failed to load resource: the server responded with a status of 400/,
      ]);
      await page.goto(`${fixture.server.url}/h5/new?channel=app`);

      await page.getByRole("button", { name: "提交申请" }).click();
      await expect
        .poll(() => fieldError(page, "phone").textContent(), { timeout: UI_TIMEOUT })
        .toContain("请填写手机号");
      expect(await fieldError(page, "orderNo").textContent()).toContain("请填写订单号");
      expect(await fieldError(page, "description").textContent()).toContain("请描述遇到的问题");

      // Now the order is known, so its pack's minimum applies and is counted live.
      await page.getByLabel("手机号").fill(phone);
      await page.getByLabel("订单号").fill(orderNo);
      await page.getByLabel("订单号").blur();
      await expect.poll(() => page.getByText("已找到您的外卖订单").count(), { timeout: UI_TIMEOUT }).toBe(1);
      await page.getByLabel("问题描述").fill("饭凉了，骑手态度很差");
      await expect.poll(() => page.getByText("已输入 10 字 / 至少 100 字").count()).toBe(1);
      await page.getByRole("button", { name: "提交申请" }).click();
      await expect
        .poll(() => fieldError(page, "description").textContent(), { timeout: UI_TIMEOUT })
        .toContain("问题描述至少需要100字（当前10字）");
      expect(await fieldError(page, "phone").count()).toBe(0);
      expect(await page.getByRole("alert").filter({ hasText: "请按提示修改" }).count()).toBe(1);
      await screenshot(page, "h5-form-errors");

      // A foreign object needs its description and a photo; the form asks for both where they belong.
      await page.locator("label", { hasText: "食品问题" }).click();
      await page.locator("label", { hasText: "异物" }).click();
      await page.getByLabel("颜色").fill("黑色");
      await page.getByLabel("问题描述").fill(LONG_TEXT);
      await page.getByRole("button", { name: "提交申请" }).click();
      await expect
        .poll(() => fieldError(page, "attachments").textContent(), { timeout: UI_TIMEOUT })
        .toContain("异物问题请上传异物照片");
      expect(await fieldError(page, "description").count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("a request from a phone to an agent's reply, live", () => {
  it(
    "is submitted with a photo, found and answered in the console, and the open progress page shows the reply",
    async () => {
      const { phone, orderNo } = await createOrder(fixture.server.url, admin);

      // The agent has the queue open before the request arrives.
      const { context: staffContext, page: staff, errors: staffErrors } = await consoleAs(fixture, "agent1");
      await staff.getByText("实时更新中").waitFor({ timeout: UI_TIMEOUT });

      const customerContext = await fixture.browser.newContext(PHONE_VIEWPORT);
      const customer = await customerContext.newPage();
      const customerErrors = consoleErrors(customer);
      await customer.goto(`${fixture.server.url}/h5/new?channel=app`);
      await customer.getByLabel("手机号").fill(phone);
      await customer.getByLabel("订单号").fill(orderNo);
      await customer.getByLabel("订单号").blur();
      await customer.getByText("已找到您的外卖订单").waitFor({ timeout: UI_TIMEOUT });
      await customer.locator("label", { hasText: "配送问题" }).click();
      await customer.locator("label", { hasText: "配送超时" }).click();
      await customer.locator("label", { hasText: "退款" }).click();
      await customer.getByLabel("问题描述").fill(LONG_TEXT);
      await customer.locator("input[type=file]").setInputFiles({
        name: "晚到的外卖.png",
        mimeType: "image/png",
        buffer: await samplePhoto(),
      });
      await customer.locator(".ant-upload-list-item-done").waitFor({ timeout: UI_TIMEOUT });
      await screenshot(customer, "h5-form");

      await customer.getByRole("button", { name: "提交申请" }).click();
      const ticketNoText = customer.getByTestId("ticket-no");
      await ticketNoText.waitFor({ timeout: UI_TIMEOUT });
      const ticketNo = (await ticketNoText.textContent())?.match(/[A-Z]{2}\d{8,}/)?.[0];
      expect(ticketNo).toBeTruthy();
      await screenshot(customer, "h5-acknowledgement");

      await customer.getByRole("link", { name: "查看处理进度" }).click();
      await customer.getByText("实时更新中").waitFor({ timeout: UI_TIMEOUT });
      expect(await customer.getByTestId("progress-status").textContent()).toBe("已受理，等待处理");
      // Marks this page load: if the reply arrived by reloading, the mark would be gone.
      await customer.evaluate(() => {
        (window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
      });
      await screenshot(customer, "h5-progress");

      // The queue heard of the new ticket without a reload, masked phone and all.
      const row = staff.locator(".ant-table-row", { hasText: ticketNo! });
      await row.waitFor({ timeout: UI_TIMEOUT });
      expect(await row.textContent()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
      expect(await row.textContent()).not.toContain(phone);
      await screenshot(staff, "console-queue", false);

      await staff.getByRole("link", { name: ticketNo! }).click();
      await staff.getByTestId("staff-timeline").waitFor({ timeout: UI_TIMEOUT });
      await staff.getByTestId("evidence-image").first().waitFor({ timeout: UI_TIMEOUT });
      await staff.getByRole("button", { name: /领\s*取/ }).click();
      await expect
        .poll(() => staff.getByTestId("ticket-status").textContent(), { timeout: UI_TIMEOUT })
        .toBe("处理中");
      // Only the moves the state machine allows from in_progress are offered.
      expect(await staff.getByTestId("move-resolved").count()).toBe(1);
      expect(await staff.getByTestId("move-closed").count()).toBe(0);

      const reply = "非常抱歉让您久等了，已为您全额退款，并补偿一张10元无门槛券。";
      await staff.getByRole("textbox", { name: "回复客户" }).fill(reply);
      await staff.getByRole("textbox", { name: "回复客户" }).press("Control+Enter");
      await staff.getByTestId("staff-timeline").getByText(reply).waitFor({ timeout: UI_TIMEOUT });
      await screenshot(staff, "console-workspace");

      // The customer's page, still open, shows the reply and the new status without a reload.
      await customer
        .getByTestId("progress-timeline")
        .getByText(reply, { exact: false })
        .waitFor({ timeout: UI_TIMEOUT });
      await expect.poll(() => customer.getByTestId("progress-status").textContent()).toBe("客服处理中");
      expect(
        await customer.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage),
      ).toBe(true);
      await screenshot(customer, "h5-progress-replied");

      expect(customerErrors).toEqual([]);
      expect(staffErrors).toEqual([]);
      await Promise.all([customerContext.close(), staffContext.close()]);
    },
    TEST_TIMEOUT,
  );
});

describe("a merged duplicate in the console", () => {
  it(
    "offers no move, reopening included, and links to the ticket it went into",
    async () => {
      const first = await fileAppTicket(fixture.server.url, admin);
      const again = await client(fixture.server.url).post("/api/v1/tickets", {
        channel: "app",
        phone: first.phone,
        orderNo: first.orderNo,
        description: LONG_TEXT,
      });
      const agent = client(fixture.server.url, await login(fixture.server.url, "agent1"));
      const merged = await agent.post(`/api/v1/tickets/${again.body.ticketNo}/merge`, {
        into: first.ticketNo,
      });
      expect(merged.status).toBe(200);

      const { context, page: staff, errors } = await consoleAs(fixture, "agent1");
      await staff.goto(`${fixture.server.url}/console/tickets/${again.body.ticketNo}`);
      await staff.getByTestId("staff-timeline").waitFor({ timeout: UI_TIMEOUT });
      expect(await staff.getByTestId("ticket-status").textContent()).toBe("已关闭");
      await staff.getByText("当前状态没有可执行的操作").waitFor({ timeout: UI_TIMEOUT });
      // Closed tickets otherwise offer reopening; the API refuses it for a merged one (409 TICKET_MERGED).
      expect(await staff.getByTestId("move-reopened").count()).toBe(0);
      await staff.getByTestId("merged-into").getByRole("link", { name: first.ticketNo }).click();
      await staff.waitForURL(new RegExp(`/console/tickets/${first.ticketNo}$`), { timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("a caller's tickets in the console", () => {
  it(
    "lists the customer's other tickets beside a ticket, and the queue finds them all by the number",
    async () => {
      const first = await fileAppTicket(fixture.server.url, admin);
      const second = await fileAppTicket(fixture.server.url, admin, { customerPhone: first.phone });
      const other = await fileAppTicket(fixture.server.url, admin);

      const { context, page: staff, errors } = await consoleAs(fixture, "agent1");
      await staff.goto(`${fixture.server.url}/console/tickets/${second.ticketNo}`);
      const panel = staff.getByTestId("customer-tickets");
      await panel.getByRole("link", { name: first.ticketNo }).waitFor({ timeout: UI_TIMEOUT });
      // The order's merchant and rider by name, with the ids other systems use.
      await staff.getByText("老王麻辣烫（M001）").waitFor({ timeout: UI_TIMEOUT });
      await staff.getByText("骑手1号（R001）").waitFor({ timeout: UI_TIMEOUT });
      // The ticket on screen is not among its customer's "other" tickets, nor is a stranger's.
      expect(await panel.getByRole("link", { name: second.ticketNo }).count()).toBe(0);
      expect(await panel.getByRole("link", { name: other.ticketNo }).count()).toBe(0);

      await panel.getByRole("link", { name: "在队列中查看全部" }).click();
      await staff.waitForURL(/\/console\/tickets\?/, { timeout: UI_TIMEOUT });
      await staff.locator(".ant-table-row", { hasText: first.ticketNo }).waitFor({ timeout: UI_TIMEOUT });
      const rows = await staff.locator(".ant-table-row").allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows.some((r) => r.includes(second.ticketNo))).toBe(true);
      await screenshot(staff, "console-queue-by-phone", false);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

/**
 * Timing-sensitive on a loaded machine: in about one full CI run in five the confirmed reply was not on
 * screen within 20 s (not reproduced alone or under a CPU load). Each attempt is the whole story with a
 * ticket of its own, and must pass whole; the steps say which one a failure stopped at.
 */
const AGAIN_WHEN_LOADED = { timeout: TEST_TIMEOUT, retry: 2 };

describe("two agents answering one customer", () => {
  it(
    "quotes the colleague's reply sent while the agent was writing, and sends theirs when they confirm",
    AGAIN_WHEN_LOADED,
    async () => {
      const { ticketNo } = await fileAppTicket(fixture.server.url, admin);
      // The 409 that quotes the colleague's reply is expected; nothing else may go wrong.
      const { context, page, errors } = await consoleAs(fixture, "agent1", [/status of 409 \(Conflict\)/]);
      await page.goto(`${fixture.server.url}/console/tickets/${ticketNo}`);
      const box = page.getByRole("textbox", { name: "回复客户" });
      await box.fill("马上为您全额退款");
      // agent2 answers first, from another console; agent1's workspace updates live meanwhile.
      const agent2 = client(fixture.server.url, await login(fixture.server.url, "agent2"));
      const theirs = await agent2.post(`/api/v1/tickets/${ticketNo}/replies`, {
        body: "已联系骑手，十分钟内送达",
        visibility: "customer",
      });
      expect(theirs.status).toBe(201);
      await page
        .getByTestId("staff-timeline")
        .getByText("已联系骑手，十分钟内送达")
        .waitFor({ timeout: UI_TIMEOUT });

      await page.getByRole("button", { name: /发\s?送/ }).click();
      const confirm = page.getByRole("dialog").filter({ hasText: "同事已回复了客户" });
      await confirm.getByText(/已联系骑手，十分钟内送达/).waitFor({ timeout: UI_TIMEOUT });
      await confirm.getByRole("button", { name: "仍然发送" }).click();
      // The dialog closes once the reply is sent; then the server has both replies, and the page shows it.
      await confirm.waitFor({ state: "hidden", timeout: UI_TIMEOUT });
      const replies = async () =>
        (await agent2.get(`/api/v1/tickets/${ticketNo}`)).body.events
          .filter((e: { type: string }) => e.type === "reply")
          .map((e: { actor: string }) => e.actor);
      await expect.poll(replies, { timeout: UI_TIMEOUT }).toEqual(["agent2", "agent1"]);
      await page.getByTestId("staff-timeline").getByText("马上为您全额退款").waitFor({ timeout: UI_TIMEOUT });
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
