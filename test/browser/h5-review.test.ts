import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import { openTicket } from "../helpers/remedies.ts";
import { client, createOrder, fileAppTicket, LONG_TEXT, login } from "../helpers/server.ts";
import { smsGateway } from "../helpers/sms-gateway.ts";
import {
  browserAndServer,
  consoleErrors,
  PHONE_VIEWPORT,
  screenshot,
  TEST_TIMEOUT,
  UI_TIMEOUT,
} from "./browser.ts";

/**
 * What a customer on a phone noticed on the H5 pages, in Chinese and in English: a page wider than the
 * screen, a language or channel lost on the way to the next page, a phone typed in vain, an error that
 * only repeats the hint, and a finished request that still "assigns an agent".
 */
let gateway: Awaited<ReturnType<typeof smsGateway>>;
let admin: string;
let agent: string;
const fixture = browserAndServer(async () => {
  gateway = await smsGateway();
  return startServerWithOwnDatabase("browser_h5_review", { ...gateway.env, AFTERSALE_TEST_CLOCK: "1" });
});
beforeAll(async () => {
  [admin, agent] = await Promise.all([
    login(fixture.server.url, "admin"),
    login(fixture.server.url, "agent1"),
  ]);
});
afterAll(() => gateway?.close());

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

async function phonePage(lang: "zh-CN" | "en" = "zh-CN") {
  const context = await fixture.browser.newContext({ ...PHONE_VIEWPORT, locale: lang });
  const page = await context.newPage();
  return { context, page, errors: consoleErrors(page, [/status of 40[04]/]) };
}

/** The progress page of a ticket, past the lookup. */
async function openProgress(page: Page, ticketNo: string, phone: string, query = "") {
  await page.goto(`${fixture.server.url}/h5/progress/${ticketNo}${query}`);
  await page.getByLabel(/^(手机号|Phone)$/).fill(phone);
  await page.getByRole("button", { name: /^(查\s*询|Check)$/ }).click();
  await page.getByTestId("progress-status").waitFor({ timeout: UI_TIMEOUT });
}

describe("H5 pages as a customer sees them", () => {
  it(
    "a resolved request: messages within the screen, its completion time, an English survey link",
    async () => {
      const base = fixture.server.url;
      const { ticketNo, phone } = await openTicket(fixture.server, admin, agent, {
        category: "delivery",
        subType: "late",
      });
      const staff = client(base, agent);
      // A refund reference is one long word: the page wraps it rather than scroll sideways.
      const reference = `RF${"20261208".repeat(6)}`;
      const reply = await staff.post(`/api/v1/tickets/${ticketNo}/replies`, {
        body: `已为您退款，退款凭证号：${reference}`,
        visibility: "customer",
      });
      expect(reply.status).toBe(201);
      expect((await staff.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "resolved" })).status).toBe(
        200,
      );
      // An hour on, the survey is sent, and the messages about the ticket with it.
      expect((await client(base).post("/__test__/clock", { advanceSeconds: 61 * 60 })).status).toBe(200);

      const { context, page, errors } = await phonePage();
      await openProgress(page, ticketNo, phone);
      await page.getByTestId("progress-messages").waitFor({ timeout: UI_TIMEOUT });
      await expect
        .poll(() => page.getByTestId("progress-messages").textContent(), { timeout: UI_TIMEOUT })
        .toContain(reference);
      await screenshot(page, "h5-review-resolved");
      // The survey's address in the messages is a link to tap, opening by its path on this very site.
      const surveyLink = page.getByTestId("progress-messages").locator('a[href^="/h5/survey/"]');
      await surveyLink.first().waitFor({ timeout: UI_TIMEOUT });
      expect(await surveyLink.first().textContent()).toMatch(/^https?:\/\/.+\/h5\/survey\//);
      expect(await pageWidth(page)).toBeLessThanOrEqual(375);
      // Done is done: the time it was resolved, not an "expected" one.
      expect(await page.locator(".h5-facts dt").allTextContents()).toEqual(["处理人", "完成时间"]);

      // In English, the survey opens in English too (it is a new page, reading the language from the link).
      await page.getByRole("button", { name: "English" }).click();
      const rate = page.getByRole("link", { name: "Rate our service" });
      await expect.poll(() => rate.getAttribute("href"), { timeout: UI_TIMEOUT }).toMatch(/\?lang=en$/);
      expect(await page.locator(".h5-facts dt").allTextContents()).toEqual(["Handled by", "Completed"]);
      expect(errors).toEqual([]);
      await context.close();

      // My requests says the same of it.
      const mine = await phonePage("en");
      await mine.page.goto(`${base}/h5/mine?lang=en`);
      await mine.page.getByLabel("Phone").fill(phone);
      await mine.page.getByRole("button", { name: "Send code" }).click();
      const [sms] = await gateway.waitFor(phone);
      await mine.page.getByLabel("Code from the SMS").fill(/\d{6}/.exec(sms!.text)![0]);
      await mine.page.getByRole("button", { name: "Show my requests" }).click();
      const card = mine.page.getByRole("button", { name: `Ticket number ${ticketNo}` });
      await card.waitFor({ timeout: UI_TIMEOUT });
      expect(await card.textContent()).toContain("Completed");
      expect(await card.textContent()).not.toContain("Expected completion");
      expect(mine.errors).toEqual([]);
      await mine.context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "a withdrawn request is not still assigning an agent, nor shown as resolved",
    async () => {
      const base = fixture.server.url;
      const { ticketNo, phone } = await fileAppTicket(base, admin);
      expect((await client(base).post(`/api/v1/tickets/${ticketNo}/withdraw`, { phone })).status).toBe(200);
      const { context, page, errors } = await phonePage();
      await openProgress(page, ticketNo, phone);
      await expect
        .poll(() => page.getByTestId("progress-status").textContent(), { timeout: UI_TIMEOUT })
        .toBe("已关闭");
      expect(await page.locator(".h5-facts").textContent()).not.toContain("正在分配客服");
      expect(await page.locator(".h5-facts dt").nth(1).textContent()).toBe("完成时间");
      // Withdrawn is where it ended, and the steps say so: not "resolved".
      expect(await page.locator(".ant-steps-item-title").last().textContent()).toBe("已关闭");
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "submitting another request keeps the app's channel, the phone and English, not the order",
    async () => {
      const base = fixture.server.url;
      const { phone, orderNo } = await createOrder(base, admin);
      const { context, page, errors } = await phonePage("en");
      await page.goto(`${base}/h5/new?channel=wechat&lang=en&orderNo=${orderNo}&phone=${phone}`);
      await page.getByText("Found your Food delivery order").waitFor({ timeout: UI_TIMEOUT });
      await page.getByLabel("Description").fill(LONG_TEXT);
      await page.getByRole("button", { name: "Submit request" }).click();
      await page.getByTestId("ticket-no").waitFor({ timeout: UI_TIMEOUT });

      await page.getByRole("link", { name: "Submit another request" }).click();
      await page.waitForURL((url) => !url.searchParams.has("orderNo"), { timeout: UI_TIMEOUT });
      const url = new URL(page.url());
      expect(url.searchParams.get("channel")).toBe("wechat");
      await page.getByRole("button", { name: "Submit request" }).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
      expect(await page.getByLabel("Phone").inputValue()).toBe(phone);
      expect(await page.getByLabel("Order number").inputValue()).toBe("");
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "a refused photo is named with English punctuation on the English form",
    async () => {
      const base = fixture.server.url;
      const { context, page, errors } = await phonePage("en");
      await page.goto(`${base}/h5/new?channel=app&lang=en`);
      await page.locator("input[type=file]").setInputFiles({
        name: "receipt.png",
        mimeType: "image/png",
        buffer: Buffer.from("not really a picture"),
      });
      const refused = page.getByRole("alert").filter({ hasText: "receipt.png" });
      await refused.waitFor({ timeout: UI_TIMEOUT });
      expect(await refused.textContent()).toMatch(/^receipt\.png: \S/);
      // The refused upload is expected to show as a failed request, and only that.
      expect(errors.filter((e) => !/status of 415/.test(e))).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "the progress lookup keeps the phone after 'not found', and asks for a missing one in plain words",
    async () => {
      const base = fixture.server.url;
      const { ticketNo } = await fileAppTicket(base, admin);
      const { context, page, errors } = await phonePage();
      await page.goto(`${base}/h5/progress/${ticketNo}`);

      // No phone: the message says what to do, not the field's hint again.
      await page.getByRole("button", { name: /^查\s*询$/ }).click();
      await expect
        .poll(() => page.locator(".ant-form-item-explain-error").allTextContents(), { timeout: UI_TIMEOUT })
        .toEqual(["请填写手机号"]);

      // A mistyped phone: not found, and the number stays there to be corrected.
      await page.getByLabel("手机号").fill("13900000001");
      await page.getByRole("button", { name: /^查\s*询$/ }).click();
      await page.getByText("没有找到这张服务单，请核对服务单号和手机号").waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByLabel("手机号").inputValue()).toBe("13900000001");
      await screenshot(page, "h5-review-not-found");

      // The same on "my requests", in English.
      await page.goto(`${base}/h5/mine?lang=en`);
      await page.getByRole("button", { name: "Send code" }).click();
      await expect
        .poll(() => page.locator(".ant-form-item-explain-error").allTextContents(), { timeout: UI_TIMEOUT })
        .toEqual(["Enter your phone number"]);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
