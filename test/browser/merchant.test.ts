import { beforeAll, describe, expect, it } from "vitest";
import { client, createOrder, LONG_TEXT, login } from "../helpers/server.ts";
import { browserAndServer, consoleAs, screenshot, TEST_TIMEOUT, UI_TIMEOUT } from "./browser.ts";

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
      const { context, page, errors } = await consoleAs(fixture, "merchant1");

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

  it(
    "lets a merchant ask merchant service, the agent answer from the desk, and the merchant rate the result",
    async () => {
      const { context: merchantContext, page: merchant, errors } = await consoleAs(fixture, "merchant1");
      await merchant.getByRole("link", { name: "我的工单" }).click();
      await merchant.getByRole("textbox", { name: "主题" }).fill("满减活动报名");
      await merchant.getByRole("textbox", { name: "问题描述" }).fill("下周的满减活动在哪里报名？");
      await merchant.getByRole("button", { name: /提\s*交/ }).click();
      const row = merchant.locator(".ant-table-row", { hasText: "满减活动报名" });
      await row.waitFor({ timeout: UI_TIMEOUT });
      expect(await row.textContent()).toContain("活动报名");
      const requestNo = (await row.locator("td").first().textContent())!.trim();

      const { context: agentContext, page: desk, errors: deskErrors } = await consoleAs(fixture, "agent1");
      await desk.getByRole("link", { name: "商家工单" }).click();
      await desk.locator(".ant-table-row", { hasText: requestNo }).click();
      const drawer = desk.locator(".ant-drawer");
      await drawer.getByTestId("request-view").waitFor({ timeout: UI_TIMEOUT });
      await drawer.locator("textarea").fill("在商家后台“营销中心-活动报名”提交即可。");
      await drawer.getByRole("button", { name: "处理完毕" }).click();
      await drawer.getByText("已处理，待评价").waitFor({ timeout: UI_TIMEOUT });
      await screenshot(desk, "console-merchant-request-desk", false);

      await row.click();
      const mine = merchant.locator(".ant-drawer");
      await mine.getByText("在商家后台“营销中心-活动报名”提交即可。").waitFor({ timeout: UI_TIMEOUT });
      await mine.getByRole("button", { name: /^满\s*意$/ }).click();
      await mine.getByText("已关闭").waitFor({ timeout: UI_TIMEOUT });
      const stored = await client(fixture.server.url, agent).get(`/api/v1/merchant-requests/${requestNo}`);
      expect(stored.body.request).toMatchObject({ status: "closed", satisfaction: 5 });
      expect([...errors, ...deskErrors]).toEqual([]);
      await merchantContext.close();
      await agentContext.close();
    },
    TEST_TIMEOUT,
  );
});
