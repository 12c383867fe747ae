import { beforeAll, describe, expect, it } from "vitest";
import { createOrder, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleErrors,
  logInConsole,
  PHONE_VIEWPORT,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/** A customer on the H5 help page chats with the bot, asks for a person, and an agent at the console answers. */
let admin: string;
const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
});

describe("live chat in the browser", () => {
  it(
    "hands a customer's chat from the bot to an agent's workspace and back, and opens a ticket",
    async () => {
      const { phone, orderNo } = await createOrder(fixture.server.url, admin);
      const staff = await fixture.browser.newContext({ viewport: { width: 1400, height: 900 } });
      const desk = await staff.newPage();
      const deskErrors = consoleErrors(desk);
      await logInConsole(desk, fixture.server.url, "agent1");
      await desk.goto(`${fixture.server.url}/console/chat`);
      await desk.getByText("已连接").waitFor({ timeout: UI_TIMEOUT });

      const phoneContext = await fixture.browser.newContext(PHONE_VIEWPORT);
      const h5 = await phoneContext.newPage();
      const h5Errors = consoleErrors(h5);
      await h5.goto(`${fixture.server.url}/h5/help?phone=${phone}&orderNo=${orderNo}`);
      const widget = h5.getByTestId("chat-widget");
      await widget.getByRole("button", { name: "开始咨询" }).click();
      await widget.getByLabel("请输入您的问题").fill("餐没到怎么办");
      await widget.getByLabel("请输入您的问题").press("Enter");
      // The bot's answer, tagged 智能客服 (the welcome line names the bot too, inside its text).
      await widget
        .getByTestId("chat-lines")
        .getByText("智能客服", { exact: true })
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
      await widget.getByRole("button", { name: "转人工" }).click();

      const waiting = desk.getByTestId("waiting-chat");
      await waiting.first().waitFor({ timeout: UI_TIMEOUT });
      await waiting
        .first()
        .getByRole("button", { name: /接\s?入/ })
        .click();
      await desk.getByTestId("transcript").getByText("餐没到怎么办").waitFor({ timeout: UI_TIMEOUT });
      await widget.getByText(/人工客服 .* 为您服务/).waitFor({ timeout: UI_TIMEOUT });
      // The FAQ's {{eta}} is worded for the customer, never shown raw.
      expect(await widget.textContent()).not.toContain("{{");

      await desk.getByLabel("输入回复，回车发送").fill("您好，骑手还有五分钟到");
      await desk.getByLabel("输入回复，回车发送").press("Enter");
      await widget.getByText("您好，骑手还有五分钟到").waitFor({ timeout: UI_TIMEOUT });

      await desk.getByRole("button", { name: "创建服务单" }).click();
      const told = widget.getByText(/已为您登记售后服务单 [A-Z]{2}\d{8,}/);
      await told.waitFor({ timeout: UI_TIMEOUT });
      await desk.getByText(/已关联服务单 [A-Z]{2}\d{8,}/).waitFor({ timeout: UI_TIMEOUT });
      await screenshot(desk, "console-chat-workspace");
      await screenshot(h5, "h5-chat-widget");
      expect(deskErrors).toEqual([]);
      expect(h5Errors).toEqual([]);
      await staff.close();
      await phoneContext.close();
    },
    TEST_TIMEOUT,
  );
});
