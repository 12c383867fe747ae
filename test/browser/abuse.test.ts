import { beforeAll, describe, expect, it } from "vitest";
import { pushOrder } from "../helpers/evidence.ts";
import { client, freshCustomer, LONG_TEXT, login } from "../helpers/server.ts";
import { browserAndServer, consoleAs, screenshot, TEST_TIMEOUT, UI_TIMEOUT } from "./browser.ts";

let admin: string;
let supervisor: string;
const fixture = browserAndServer();
beforeAll(async () => {
  [admin, supervisor] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "supervisor1"),
  ]);
});

describe("blacklist in the console", () => {
  it(
    "shows a listed customer's ticket flagged in the workspace, and lets a supervisor grant the appeal",
    async () => {
      const { phone } = freshCustomer();
      const listing = await client(fixture.server.url, supervisor).post("/api/v1/blacklist", {
        phone,
        reason: "多次以不实理由索赔",
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      });
      expect(listing.status).toBe(201);
      const orderNo = await pushOrder(fixture.server.url, admin, phone);
      const ticket = await client(fixture.server.url).post("/api/v1/tickets", {
        channel: "app",
        phone,
        orderNo,
        description: LONG_TEXT,
      });
      expect(ticket.status).toBe(201);
      const appeal = await client(fixture.server.url).post("/api/v1/blacklist/appeals", {
        ticketNo: ticket.body.ticketNo,
        phone,
        statement: "我每次投诉都有照片为证",
      });
      expect(appeal.status).toBe(201);

      const { context, page, errors } = await consoleAs(fixture, "supervisor1");
      await page.goto(`${fixture.server.url}/console/tickets/${ticket.body.ticketNo}`);
      await page.getByText("黑名单客户（由主管处理，不得拒绝受理）").waitFor({ timeout: UI_TIMEOUT });
      await page.getByText("多次以不实理由索赔").first().waitFor({ timeout: UI_TIMEOUT });
      await screenshot(page, "abuse-workspace-flags");

      await page.goto(`${fixture.server.url}/console/blacklist`);
      await page.locator(".ant-table-row", { hasText: phone }).click({ timeout: UI_TIMEOUT });
      await page.getByText("我每次投诉都有照片为证").waitFor({ timeout: UI_TIMEOUT });
      await page.getByPlaceholder("处理意见").fill("照片核实属实");
      await screenshot(page, "abuse-blacklist-appeal");
      await page.getByRole("button", { name: /^解\s?除$/ }).click();
      await page.getByText("已处理").waitFor({ timeout: UI_TIMEOUT });

      const after = await client(fixture.server.url, supervisor).get(`/api/v1/blacklist/${listing.body.id}`);
      expect(after.body.status).toBe("lifted");
      expect(after.body.audit.at(-1)).toMatchObject({ type: "appeal_granted", actor: "supervisor1" });
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
