import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleErrors,
  logInConsole,
  PHONE_VIEWPORT,
  samplePhoto,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/** A rider on a phone at the customer's door: registers the spilled order with a photo for the customer. */
let admin: string;
const fixture = browserAndServer();
beforeAll(async () => {
  admin = await login(fixture.server.url, "admin");
});

describe("on-site feedback from a phone", () => {
  it(
    "lets a rider register what they see with a photo, and the customer's ticket has it",
    async () => {
      const { orderNo } = await createOrder(fixture.server.url, admin, { riderId: "R001" });
      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await logInConsole(page, fixture.server.url, "rider1");
      await page.goto(`${fixture.server.url}/console/onsite`);
      const form = page.getByTestId("onsite-report");
      await form.getByLabel("订单号").fill(orderNo);
      await form.getByLabel("看到的情况").fill("送达时发现汤洒了一半，包装袋里全是汤，顾客拒收。");
      await form.locator('input[type="file"]').setInputFiles({
        name: "spill.png",
        mimeType: "image/png",
        buffer: await samplePhoto(),
      });
      await form.locator(".ant-upload-list-item-done").waitFor({ timeout: UI_TIMEOUT });
      await form.getByRole("button", { name: "提交登记" }).click();
      const done = form.locator(".ant-alert-success");
      await done.waitFor({ timeout: UI_TIMEOUT });
      const ticketNo = (await done.textContent())!.match(/[A-Z]{2}\d{8,}/)![0];
      await screenshot(page, "console-onsite-report");

      const agent = await login(fixture.server.url, "agent1");
      const ticket = (await client(fixture.server.url, agent).get(`/api/v1/tickets/${ticketNo}`)).body;
      expect(ticket).toMatchObject({ channel: "onsite", category: "packaging" });
      expect(ticket.attachments).toHaveLength(1);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
