import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, LONG_TEXT, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleAs,
  consoleErrors,
  PHONE_VIEWPORT,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

let admin: string;

const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
});

/** The Form.Item holding a field, where antd shows that field's message. */
const fieldError = (page: Page, label: string) =>
  page
    .locator(".ant-form-item", { has: page.getByLabel(label, { exact: true }) })
    .locator(".ant-form-item-explain-error");

describe("the knowledge base in the console", () => {
  it(
    "lets an administrator edit a FAQ answer into a new version, with the server's errors by the field",
    async () => {
      // The refused save (a bad intent code) is expected to show as one failed request.
      const { context, page, errors } = await consoleAs(fixture, "admin", [
        /Failed to load resource: the server responded with a status of 400/,
      ]);
      await page.getByRole("link", { name: "知识库" }).click();
      await page.locator(".ant-segmented-item", { hasText: "常见问题" }).click();
      await page.getByRole("searchbox", { name: "搜索标题、内容、问法" }).fill("冷冻肉怎么解冻");
      await page.getByRole("searchbox", { name: "搜索标题、内容、问法" }).press("Enter");
      await page.getByRole("link", { name: "冷冻肉怎么解冻？" }).click();
      await page.getByTestId("kb-version-1").waitFor({ timeout: UI_TIMEOUT });
      await page.getByRole("button", { name: "编辑" }).click();

      await page.getByLabel("意图代码").fill("Thaw Meat");
      await page.getByRole("button", { name: "保存为新版本" }).click();
      await expect
        .poll(() => fieldError(page, "意图代码").textContent(), { timeout: UI_TIMEOUT })
        .toContain("意图须为小写英文代码");
      await screenshot(page, "console-knowledge-error");

      const answer = "建议前一晚移到冷藏室慢慢解冻（约8-12小时），不要用热水解冻；解冻后请在24小时内烹饪。";
      await page.getByLabel("意图代码").fill("thaw");
      await page.getByLabel("标准答案").fill(answer);
      await page.getByLabel("修改说明").fill("补充解冻后的食用时限");
      await page.getByRole("button", { name: "保存为新版本" }).click();
      await page.getByText("已保存为第 2 版").waitFor({ timeout: UI_TIMEOUT });
      // The page re-reads the entry after the save message: wait for the new text rather than race it.
      await page.getByTestId("kb-body").filter({ hasText: answer }).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId("kb-body").textContent()).toBe(answer);
      const v2 = page.getByTestId("kb-version-2");
      await v2.waitFor({ timeout: UI_TIMEOUT });
      const v2Text = await v2.textContent();
      expect(v2Text).toContain("admin");
      expect(v2Text).toContain("补充解冻后的食用时限");
      expect(v2Text).toContain("内容");
      expect(v2Text).not.toContain("标题");
      expect(v2Text).not.toContain("意图");
      // The customers' matcher answers with the new text at once.
      const matched = await client(fixture.server.url).get(
        `/api/v1/knowledge/faq/match?q=${encodeURIComponent("牛排怎么解冻")}&businessLine=fresh_food`,
      );
      expect(matched.body.answer.text).toBe(answer);
      await screenshot(page, "console-knowledge-entry");
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "lets agents and supervisors read it but shows them no way to edit, and the server refuses them too",
    async () => {
      for (const username of ["agent1", "supervisor1"]) {
        const { context, page, errors } = await consoleAs(fixture, username);
        await page.getByRole("link", { name: "知识库" }).click();
        await page.locator(".ant-table-row").first().waitFor({ timeout: UI_TIMEOUT });
        expect(await page.getByRole("button", { name: /新建条目/ }).count()).toBe(0);
        await page.goto(`${fixture.server.url}/console/knowledge/macro.refund_done`);
        await page.getByTestId("kb-version-1").waitFor({ timeout: UI_TIMEOUT });
        await page.getByText("您的角色只能查看知识库").waitFor();
        expect(await page.getByRole("button", { name: /编\s*辑/ }).count()).toBe(0);
        await page.goto(`${fixture.server.url}/console/knowledge/new`);
        await page.getByText("您的角色只能查看知识库").waitFor({ timeout: UI_TIMEOUT });
        expect(await page.getByRole("button", { name: /创\s*建/ }).count()).toBe(0);
        const token = await login(fixture.server.url, username);
        const put = await client(fixture.server.url, token).put(
          "/api/v1/knowledge/entries/macro.refund_done",
          {
            expectedVersion: 1,
            body: "改掉",
          },
        );
        expect(put.status).toBe(403);
        expect(errors).toEqual([]);
        await context.close();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    "gives an agent canned replies filled in for the ticket, inserted into the reply box",
    async () => {
      const { phone, orderNo } = await createOrder(fixture.server.url, admin);
      const filed = await client(fixture.server.url).post("/api/v1/tickets", {
        channel: "app",
        phone,
        orderNo,
        description: LONG_TEXT,
        expectedResolution: "refund",
      });
      expect(filed.status).toBe(201);
      const ticketNo: string = filed.body.ticketNo;
      const { context, page, errors } = await consoleAs(fixture, "agent1");
      await page.goto(`${fixture.server.url}/console/tickets/${ticketNo}`);
      const box = page.getByRole("textbox", { name: "回复客户" });
      await box.waitFor({ timeout: UI_TIMEOUT });
      await box.fill("您好，");

      await page.getByRole("button", { name: /快捷回复/ }).click();
      await page.getByRole("searchbox", { name: "按标题搜索快捷回复" }).fill("退款");
      await page.getByRole("button", { name: "退款已完成" }).click();
      await expect.poll(() => box.inputValue(), { timeout: UI_TIMEOUT }).toContain(`服务单${ticketNo}的退款`);
      // What the ticket cannot tell stays visible for the agent to fill, and the agent is told so.
      expect(await box.inputValue()).toMatch(/^您好，\n.*\{\{amount\}\}元已原路退回/);
      await page.getByText("请补全模板中的：amount").waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, "console-workspace-macro", false);

      const reply = (await box.inputValue()).replace("{{amount}}", "28.00");
      await box.fill(reply);
      await box.press("Control+Enter");
      await page.getByTestId("staff-timeline").getByText("28.00元已原路退回", { exact: false }).waitFor({
        timeout: UI_TIMEOUT,
      });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});

describe("self-service help on the phone", () => {
  it(
    "answers a customer's question and sends an unanswerable one to the request form",
    async () => {
      const { phone, orderNo } = await createOrder(fixture.server.url, admin);
      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await page.goto(`${fixture.server.url}/h5/new?channel=app&orderNo=${orderNo}&phone=${phone}`);
      await page.getByRole("link", { name: "先看看常见问题" }).click();
      await page.waitForURL(/\/h5\/help\?channel=app/, { timeout: UI_TIMEOUT });

      const ask = page.getByRole("searchbox", { name: /输入您的问题/ });
      await ask.fill("牛排怎么保存");
      await ask.press("Enter");
      const best = page.getByTestId("help-best");
      await best.waitFor({ timeout: UI_TIMEOUT });
      expect(await best.textContent()).toMatch(/冷冻|冷藏/);
      // Usage guides come along; cases and canned replies never reach a customer.
      await page.getByText("冷冻牛排的保存、解冻与煎制").waitFor();
      expect(await page.getByText("退款已完成").count()).toBe(0);
      await screenshot(page, "h5-help-answer");

      await ask.fill("你们老板叫什么名字");
      await ask.press("Enter");
      await page.getByTestId("help-none").waitFor({ timeout: UI_TIMEOUT });
      await page.getByText("没有找到确定的答案").waitFor();
      await screenshot(page, "h5-help-none");
      await page.getByRole("button", { name: "提交售后申请" }).click();
      await page.waitForURL(`${fixture.server.url}/h5/new?channel=app&orderNo=${orderNo}&phone=${phone}`, {
        timeout: UI_TIMEOUT,
      });
      expect(await page.getByLabel("手机号").inputValue()).toBe(phone);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
