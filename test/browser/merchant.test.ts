import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, LONG_TEXT, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleErrors,
  DESKTOP_VIEWPORT,
  logInConsole,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/** A merchant in the console: answers a complaint sent to it for verification, then files a suggestion. */
let admin: string;
let agent: string;

const fixture = browserAndServer();
beforeAll(async () => {
  [admin, agent] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "agent1"),
  ]);
});

/** A complaint about M001's food, sent by the agent to the merchant to verify. */
async function awaitingVerification(): Promise<string> {
  const { phone, orderNo } = await createOrder(fixture.server.url, admin, { merchantId: "M001" });
  const r = await client(fixture.server.url).post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    category: "food",
    description: LONG_TEXT,
  });
  expect(r.status).toBe(201);
  const sent = await client(fixture.server.url, agent).post(
    `/api/v1/tickets/${r.body.ticketNo}/merchant-verification/request`,
  );
  expect(sent.status).toBe(201);
  return r.body.ticketNo;
}

describe("the merchant portal", () => {
  it(
    "lets a merchant accept a complaint within its deadline and file a suggestion",
    async () => {
      const ticketNo = await awaitingVerification();
      const context = await fixture.browser.newContext(DESKTOP_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      await logInConsole(page, fixture.server.url, "merchant1");

      await page.goto(`${fixture.server.url}/console/tickets/${ticketNo}`);
      const panel = page.getByTestId("merchant-verification");
      await panel.waitFor({ timeout: UI_TIMEOUT });
      // The countdown to the verification deadline runs while the merchant decides.
      await panel.getByTestId("sla-countdown").waitFor({ timeout: UI_TIMEOUT });
      expect(await panel.getByTestId("sla-countdown").getAttribute("data-state")).toBe("running");
      await screenshot(page, "console-merchant-verification", false);

      await panel.getByRole("textbox", { name: "核实说明" }).fill("核实为出餐时漏放餐具和汤品，同意承担责任");
      await panel.getByRole("button", { name: "确认责任" }).click();
      await panel.getByText("已确认责任").waitFor({ timeout: UI_TIMEOUT });
      // The server recorded it: the merchant is liable and the ticket is back with the agent.
      const ticket = await client(fixture.server.url, agent).get(`/api/v1/tickets/${ticketNo}`);
      expect(ticket.body.status).toBe("in_progress");
      const liability = await client(fixture.server.url, agent).get(
        `/api/v1/tickets/${ticketNo}/verification`,
      );
      expect(liability.body.verification.liableParty).toBe("merchant");

      await page.getByRole("link", { name: "我的建议" }).click();
      await page.getByRole("textbox", { name: "主题" }).fill("希望开放差评申诉入口");
      await page
        .getByRole("textbox", { name: "详细内容" })
        .fill("恶意差评目前只能打电话申诉，希望后台能直接提交申诉和证据。");
      await page.getByRole("button", { name: /提\s*交/ }).click();
      const row = page.locator(".ant-table-row", { hasText: "希望开放差评申诉入口" });
      await row.waitFor({ timeout: UI_TIMEOUT });
      expect(await row.textContent()).toContain("已提交");
      expect(await row.textContent()).toContain("平台规则");
      await screenshot(page, "console-merchant-suggestions", false);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
