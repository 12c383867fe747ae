import { beforeAll, describe, expect, it } from "vitest";
import { client, fileAppTicket, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleErrors,
  PHONE_VIEWPORT,
  samplePhoto,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/**
 * 需补充材料 on the customer's phone: the agent asks for a photo, the progress page asks the customer,
 * and what they send is on the ticket with the request back in work, without leaving the page.
 */
let admin: string;
let agent: ReturnType<typeof client>;
const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
  agent = client(fixture.server.url, await login(fixture.server.url, "agent1"));
});

describe("adding to a request on the progress page", () => {
  it(
    "sends the words and photo an agent asked for, and the request is handled again",
    async () => {
      const { ticketNo, phone } = await fileAppTicket(fixture.server.url, admin);
      expect((await agent.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
      const asked = await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, {
        to: "needs_info",
        reason: "请补充餐品照片",
      });
      expect(asked.status).toBe(200);

      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await page.goto(`${fixture.server.url}/h5/progress/${ticketNo}`);
      await page.getByLabel("手机号").fill(phone);
      await page.getByRole("button", { name: /^查\s*询$/ }).click();
      expect(await page.getByTestId("progress-status").textContent()).toBe("需要您补充材料");

      // Asked for, the form is open at once and says why.
      await page.getByText("客服需要您补充说明或照片").waitFor({ timeout: UI_TIMEOUT });
      await page.getByLabel("请写下您要补充的内容").fill("照片补上了，头发在米饭上");
      await page.locator("input[type=file]").setInputFiles({
        name: "头发.png",
        mimeType: "image/png",
        buffer: await samplePhoto(),
      });
      await page.locator(".ant-upload-list-item-done").waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, "h5-add-to-request");
      await page.getByRole("button", { name: "提交补充" }).click();

      await page.getByText("已收到您的补充。").waitFor({ timeout: UI_TIMEOUT });
      await expect.poll(() => page.getByTestId("progress-status").textContent()).toBe("客服处理中");
      await page
        .getByTestId("progress-timeline")
        .getByText("我们已收到您的留言：“照片补上了，头发在米饭上”")
        .waitFor({ timeout: UI_TIMEOUT });

      const detail = (await agent.get(`/api/v1/tickets/${ticketNo}`)).body;
      expect(detail.status).toBe("in_progress");
      expect(detail.attachments).toHaveLength(1);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
