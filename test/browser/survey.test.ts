import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import { openTicket } from "../helpers/remedies.ts";
import { client, login } from "../helpers/server.ts";
import {
  browserAndServer,
  consoleErrors,
  PHONE_VIEWPORT,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/**
 * The customer's survey on a phone: the link the ticket's timeline announced opens the H5 page, the
 * customer rates it low and says it is not solved, and the ticket goes back to the supervisors.
 */
let admin: string;
let agent: string;

const fixture = browserAndServer(() =>
  startServerWithOwnDatabase("survey_h5", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  }),
);
beforeAll(async () => {
  [admin, agent] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "agent1"),
  ]);
});

/** Clicks the n-th star (1–5) of the rating whose form label is `label`. */
const rate = (page: Page, label: string, stars: number) =>
  page
    .locator(".ant-form-item", { hasText: label })
    .locator(".ant-rate-star")
    .nth(stars - 1)
    .click();

describe("H5 survey", () => {
  it(
    "takes a low rating on a phone and sends the ticket back to a supervisor",
    async () => {
      const { ticketNo, phone } = await openTicket(fixture.server, admin, agent, {
        category: "delivery",
        subType: "late",
      });
      const staff = client(fixture.server.url, agent);
      expect((await staff.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "resolved" })).status).toBe(
        200,
      );
      expect(
        (await client(fixture.server.url).post("/__test__/clock", { advanceSeconds: 61 * 60 })).status,
      ).toBe(200);
      const invited = (await staff.get(`/api/v1/tickets/${ticketNo}`)).body.events.find(
        (e: any) => e.type === "survey_invited",
      );
      const path = new URL(invited.data.surveyUrl).pathname;

      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      // The customer finds the link on the progress page, as the notice will bring it.
      await page.goto(`${fixture.server.url}/h5/progress/${ticketNo}`);
      await page.getByLabel("手机号").fill(phone);
      await page.getByRole("button", { name: /查\s*询/ }).click();
      const rateLink = page.getByRole("link", { name: "去评价" });
      await expect.poll(() => rateLink.getAttribute("href"), { timeout: UI_TIMEOUT }).toBe(path);
      await rateLink.click();

      await expect
        .poll(() => page.getByText(`服务单号 ${ticketNo}`).count(), { timeout: UI_TIMEOUT })
        .toBe(1);
      expect(await page.getByTestId("survey-done").textContent()).toContain("配送问题");
      await page.getByRole("button", { name: "提交评价" }).click();
      await expect
        .poll(() => page.locator(".ant-form-item-explain-error").count(), { timeout: UI_TIMEOUT })
        .toBe(5);

      await rate(page, "总体满意度", 2);
      await page.locator("label", { hasText: "没有解决" }).click();
      await rate(page, "处理速度", 2);
      await rate(page, "处理结果", 1);
      await rate(page, "服务态度", 4);
      const words = "钱退了，但是骑手还是每次都超时，希望平台管一管";
      await page.getByLabel("还想告诉我们（选填）").fill(words);
      await screenshot(page, "h5-survey-filled");
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(375);
      await page.getByRole("button", { name: "提交评价" }).click();
      await expect
        .poll(() => page.getByTestId("survey-thanks").textContent(), { timeout: UI_TIMEOUT })
        .toContain("主管将重新处理");
      await screenshot(page, "h5-survey-thanks");
      expect(errors).toEqual([]);

      const t = (await staff.get(`/api/v1/tickets/${ticketNo}`)).body;
      expect(t).toMatchObject({ status: "reopened", queue: "supervisor" });
      expect(t.events.find((e: any) => e.type === "second_round").data).toMatchObject({
        words,
        score: 2,
        resolved: false,
        dimensions: { efficiency: 2, resolution: 1, attitude: 4 },
      });

      // The same link again shows it was answered instead of a second form.
      await page.goto(`${fixture.server.url}${path}`);
      await expect
        .poll(() => page.getByTestId("survey-thanks").textContent(), { timeout: UI_TIMEOUT })
        .toContain("您已评价过本次服务");
      expect(await page.getByRole("button", { name: "提交评价" }).count()).toBe(0);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
