import { afterAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "../helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login } from "../helpers/server.ts";
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
 * A customer who lost their ticket number, on a phone: from the progress lookup to "my requests", a code
 * by SMS (a local signed gateway), the list of their own requests, and on to one's progress.
 */
let gateway: Awaited<ReturnType<typeof smsGateway>>;
const fixture = browserAndServer(async () => {
  gateway = await smsGateway();
  return startServerWithOwnDatabase("browser_mine", gateway.env);
});
afterAll(() => gateway?.close());

async function file(base: string, admin: string, phone: string | undefined, description: string) {
  const { phone: p, orderNo } = await createOrder(base, admin, phone ? { customerPhone: phone } : {});
  const r = await client(base).post("/api/v1/tickets", { channel: "app", phone: p, orderNo, description });
  expect(r.status).toBe(201);
  return { phone: p, ticketNo: r.body.ticketNo as string };
}

describe("my requests (H5)", () => {
  it(
    "signs in with the SMS code and lists the customer's requests, each opening its progress",
    async () => {
      const base = fixture.server.url;
      const admin = await login(base, "admin");
      const first = await file(base, admin, undefined, LONG_TEXT);
      const later = `汤洒了一半，包装袋里全是汤，米饭也泡了。${LONG_TEXT}`;
      const second = await file(base, admin, first.phone, later);

      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page, [/status of 400/, /status of 429/]);
      await page.goto(`${base}/h5/progress`);
      await page.getByRole("link", { name: "忘记服务单号？查看我的全部售后" }).click();
      await page.waitForURL(/\/h5\/mine$/, { timeout: UI_TIMEOUT });

      // No phone yet: the form says so under the field and sends nothing.
      await page.getByRole("button", { name: "获取验证码" }).click();
      await expect
        .poll(() => page.locator(".ant-form-item-explain-error").count(), { timeout: UI_TIMEOUT })
        .toBe(1);
      await page.getByLabel("手机号").fill(first.phone);
      await page.getByRole("button", { name: "获取验证码" }).click();
      await expect
        .poll(() => page.getByRole("status").textContent(), { timeout: UI_TIMEOUT })
        .toContain(`${first.phone.slice(0, 3)}****${first.phone.slice(-4)}`);
      expect(await page.getByRole("button", { name: /秒后可重新获取/ }).isDisabled()).toBe(true);
      const [sms] = await gateway.waitFor(first.phone);
      const code = /\d{6}/.exec(sms!.text)![0];

      // A wrong code is told under its field, with the tries left.
      await page.getByLabel("短信验证码").fill(code === "000000" ? "111111" : "000000");
      await page.getByRole("button", { name: "查看我的售后" }).click();
      await expect
        .poll(() => page.locator(".ant-form-item-explain-error").textContent(), { timeout: UI_TIMEOUT })
        .toBe("验证码不正确，还可再试 4 次");

      await page.getByLabel("短信验证码").fill(code);
      await page.getByRole("button", { name: "查看我的售后" }).click();
      const items = page.getByRole("list", { name: "我的售后" }).getByRole("button");
      await expect.poll(() => items.count(), { timeout: UI_TIMEOUT }).toBe(2);
      expect(await items.nth(0).getAttribute("aria-label")).toBe(`服务单号 ${second.ticketNo}`);
      expect(await items.nth(1).getAttribute("aria-label")).toBe(`服务单号 ${first.ticketNo}`);
      expect(await items.nth(0).textContent()).toContain("待处理");
      await screenshot(page, "h5-my-requests");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

      // The progress page does not ask again for the phone just proved.
      await items.nth(1).click();
      await page.waitForURL(new RegExp(`/h5/progress/${first.ticketNo}$`), { timeout: UI_TIMEOUT });
      await expect.poll(() => page.getByTestId("progress-status").count(), { timeout: UI_TIMEOUT }).toBe(1);

      // Back on the list (still signed in in this tab), then signed out.
      await page.goto(`${base}/h5/mine`);
      await expect.poll(() => items.count(), { timeout: UI_TIMEOUT }).toBe(2);
      await page.getByRole("button", { name: "退出登录" }).click();
      await expect
        .poll(() => page.getByRole("button", { name: "获取验证码" }).count(), { timeout: UI_TIMEOUT })
        .toBe(1);
      // Asked again within the minute (429 with Retry-After): the button counts down to when it may.
      await page.getByLabel("手机号").fill(first.phone);
      await page.getByRole("button", { name: "获取验证码" }).click();
      const countdown = page.getByRole("button", { name: /秒后可重新获取/ });
      await countdown.waitFor({ timeout: UI_TIMEOUT });
      expect(await countdown.isDisabled()).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );

  it(
    "lets the customer withdraw a request they no longer need, but not a food-safety complaint",
    async () => {
      const base = fixture.server.url;
      const admin = await login(base, "admin");
      const { phone, ticketNo } = await file(base, admin, undefined, LONG_TEXT);
      const unsafe = await file(
        base,
        admin,
        phone,
        `吃完这家的麻辣烫一小时后全家都开始腹泻呕吐，怀疑食物中毒，${"请尽快处理。".repeat(16)}`,
      );

      const context = await fixture.browser.newContext(PHONE_VIEWPORT);
      const page = await context.newPage();
      const errors = consoleErrors(page);
      const open = async (no: string) => {
        await page.goto(`${base}/h5/progress/${no}`);
        await page.getByLabel("手机号").fill(phone);
        await page.getByRole("button", { name: /查\s*询/ }).click();
        await page.getByTestId("progress-status").waitFor({ timeout: UI_TIMEOUT });
      };

      // A food-safety complaint is not offered for withdrawal at all.
      await open(unsafe.ticketNo);
      expect(await page.getByRole("button", { name: "不需要了？撤销申请" }).count()).toBe(0);

      await open(ticketNo);
      await page.getByRole("button", { name: "不需要了？撤销申请" }).click();
      await page.getByLabel("撤销原因（选填），例如：餐已送到，问题已解决").fill("餐已经送到了");
      await screenshot(page, "h5-withdraw");
      await page.getByRole("button", { name: "确认撤销" }).click();
      await expect
        .poll(() => page.getByTestId("progress-status").textContent(), { timeout: UI_TIMEOUT })
        .toBe("已关闭");
      expect(await page.getByTestId("progress-timeline").textContent()).toContain(
        "顾客撤销申请：餐已经送到了",
      );
      expect(await page.getByRole("button", { name: "不需要了？撤销申请" }).count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT,
  );
});
