import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, createOrder, LONG_TEXT, login, startServer, type TestServer } from "./helpers/server.ts";
import { smsGateway } from "./helpers/sms-gateway.ts";
import { advanceClock } from "./helpers/test-clock.ts";

/**
 * "My requests": a customer proves their phone with a one-time SMS code and lists every request filed
 * with it. The SMS goes through a local signed-HTTP provider; the clock moves for expiry and limits, so
 * the file has a database of its own.
 */
let server: TestServer;
let gateway: Awaited<ReturnType<typeof smsGateway>>;
let admin: string;
const pub = () => client(server.url);

beforeAll(async () => {
  gateway = await smsGateway();
  server = await startServerWithOwnDatabase("mine", {
    AFTERSALE_TEST_CLOCK: "1",
    CUSTOMER_CODE_RATE_LIMIT: "1000", // this file asks for many codes from one address; the limit has its own test
    ...gateway.env,
  });
  admin = await login(server.url, "admin");
});

afterAll(async () => {
  await server?.close();
  await gateway?.close();
});

/** A customer with one request filed on the app form; more with `fileAnother`. */
async function customerWithRequest(description = LONG_TEXT) {
  const { phone, orderNo } = await createOrder(server.url, admin);
  const r = await pub().post("/api/v1/tickets", { channel: "app", phone, orderNo, description });
  expect(r.status).toBe(201);
  return { phone, ticketNo: r.body.ticketNo as string };
}

async function fileAnother(phone: string, description: string): Promise<string> {
  const { orderNo } = await createOrder(server.url, admin, {
    customerPhone: phone,
    businessLine: "fresh_food",
  });
  const r = await pub().post("/api/v1/tickets", {
    channel: "app",
    phone,
    orderNo,
    description,
    category: "quality",
  });
  expect(r.status).toBe(201);
  return r.body.ticketNo;
}

/** Asks for a code and reads it from the SMS the provider received. */
async function codeFor(phone: string): Promise<string> {
  const before = gateway.to(phone).length;
  const asked = await pub().post("/api/v1/customer/codes", { phone });
  expect(asked.status).toBe(202);
  const sms = await gateway.waitFor(phone, before + 1);
  const code = /\d{6}/.exec(sms.at(-1)!.text)?.[0];
  if (!code) throw new Error(`no code in ${sms.at(-1)!.text}`);
  return code;
}

async function signIn(phone: string): Promise<string> {
  const r = await pub().post("/api/v1/customer/sessions", { phone, code: await codeFor(phone) });
  expect(r.status).toBe(201);
  return r.body.token;
}

describe("my requests", () => {
  it("lists every request of the phone, newest first, after the code sent to it", async () => {
    const { phone, ticketNo: first } = await customerWithRequest();
    const second = await fileAnother(
      phone,
      "收到的草莓有一半发霉了，表面长了白毛，完全不能吃，希望尽快处理退款。",
    );
    const stranger = await customerWithRequest();

    const spaced = `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    const asked = await pub().post("/api/v1/customer/codes", { phone: spaced });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({
      sentTo: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      expiresAt: expect.any(String),
      resendAfterSeconds: 60,
    });
    const [sms] = await gateway.waitFor(phone);
    expect(sms!.signed).toBe(true);
    expect(sms!.ticketNo).toBeNull();
    expect(sms!.text).toMatch(/验证码是 \d{6}，5 分钟内有效/);
    const code = /\d{6}/.exec(sms!.text)![0];

    const session = await pub().post("/api/v1/customer/sessions", { phone, code });
    expect(session.status).toBe(201);
    const mine = await client(server.url, session.body.token).get("/api/v1/customer/tickets");
    expect(mine.status).toBe(200);
    expect(mine.body.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(mine.body.items.map((i: { ticketNo: string }) => i.ticketNo)).toEqual([second, first]);
    expect(mine.body.items).not.toContainEqual(expect.objectContaining({ ticketNo: stranger.ticketNo }));
    const [fresh, old] = mine.body.items;
    expect(fresh).toMatchObject({
      businessLine: "fresh_food",
      category: "quality",
      categoryLabel: "质量问题",
      status: "new",
      mergedInto: null,
      waitingForYou: false,
      summary: "收到的草莓有一半发霉了，表面长了白毛，完全不能吃，希望尽快处理退款。",
    });
    expect(Date.parse(fresh.expectedCompletionAt)).toBeGreaterThan(Date.parse(fresh.createdAt));
    expect(old.summary).toBe(`${[...LONG_TEXT].slice(0, 60).join("")}…`);

    // A code signs in once.
    const again = await pub().post("/api/v1/customer/sessions", { phone, code });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("CODE_EXPIRED");
    expect(again.body.error.details).toEqual([
      expect.objectContaining({ field: "code", code: "CODE_EXPIRED" }),
    ]);
  });

  it("marks the requests waiting for the customer, and a merged duplicate with where it went", async () => {
    const { phone, ticketNo } = await customerWithRequest();
    const duplicate = await fileAnother(
      phone,
      "同一个订单我再提交一次：草莓发霉了，表面长了白毛，不能吃，请退款。",
    );
    const agent = client(server.url, await login(server.url, "agent1"));
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/take`)).status).toBe(200);
    const asked = await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, {
      to: "needs_info",
      reason: "请补充餐品照片",
    });
    expect(asked.status).toBe(200);
    const merged = await agent.post(`/api/v1/tickets/${duplicate}/merge`, {
      into: ticketNo,
      reason: "重复提交",
    });
    expect(merged.status).toBe(200);

    const mine = await client(server.url, await signIn(phone)).get("/api/v1/customer/tickets");
    const byNo = Object.fromEntries(mine.body.items.map((i: { ticketNo: string }) => [i.ticketNo, i]));
    expect(byNo[ticketNo]).toMatchObject({ status: "needs_info", waitingForYou: true, mergedInto: null });
    expect(byNo[duplicate]).toMatchObject({ status: "closed", waitingForYou: false, mergedInto: ticketNo });
  });

  it("counts wrong codes: four tell the tries left, the fifth kills the code, even for the right one after", async () => {
    const { phone } = await customerWithRequest();
    const code = await codeFor(phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await pub().post("/api/v1/customer/sessions", { phone, code: wrong });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("CODE_WRONG");
      messages.push(r.body.error.message);
    }
    expect(messages).toEqual([4, 3, 2, 1].map((n) => `验证码不正确，还可再试 ${n} 次`));
    const fifth = await pub().post("/api/v1/customer/sessions", { phone, code: wrong });
    expect(fifth.body.error).toMatchObject({
      code: "CODE_EXPIRED",
      message: "验证码错误次数过多，已失效，请重新获取",
    });
    const right = await pub().post("/api/v1/customer/sessions", { phone, code });
    expect(right.status).toBe(400);
    expect(right.body.error.code).toBe("CODE_EXPIRED");
  });

  it("answers a phone without requests exactly alike, and texts it nothing", async () => {
    const nobody = `139${String(Date.now()).slice(-8)}`;
    const { phone } = await customerWithRequest();
    const a = await pub().post("/api/v1/customer/codes", { phone: nobody });
    expect(a.status).toBe(202);
    expect(Object.keys(a.body).sort()).toEqual(["expiresAt", "resendAfterSeconds", "sentTo"]);
    await codeFor(phone);
    expect(gateway.to(nobody)).toEqual([]);
    // A guess is "wrong" as for anyone, not "no code": the answer does not tell who has complained.
    const guess = await pub().post("/api/v1/customer/sessions", { phone: nobody, code: "000000" });
    expect(guess.body.error.code).toBe("CODE_WRONG");
    // The same limits apply.
    const soon = await pub().post("/api/v1/customer/codes", { phone: nobody });
    expect(soon.status).toBe(429);
  });

  it("refuses bad input naming each field, in the customer's language", async () => {
    const en = { "accept-language": "en" };
    const phone = await pub().post("/api/v1/customer/codes", { phone: "1234" }, en);
    expect(phone.status).toBe(400);
    expect(phone.body.error.details).toEqual([
      {
        field: "phone",
        code: "INVALID_PHONE",
        message: "Please enter an 11-digit mainland China mobile number",
      },
    ]);
    const both = await pub().post("/api/v1/customer/sessions", { phone: "1234", code: "12ab" });
    expect(both.status).toBe(400);
    expect(
      both.body.error.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`),
    ).toEqual(["phone:INVALID_PHONE", "code:INVALID_CODE"]);
    const missing = await pub().post("/api/v1/customer/sessions", { phone: "13800138000" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toContainEqual(expect.objectContaining({ field: "code" }));
  });

  it("keeps customer and staff tokens apart, and a sign-out or 30 minutes end the customer's", async () => {
    const { phone } = await customerWithRequest();
    const token = await signIn(phone);
    expect((await client(server.url, token).get("/api/v1/tickets")).status).toBe(401);
    expect((await client(server.url, admin).get("/api/v1/customer/tickets")).status).toBe(401);
    expect((await pub().get("/api/v1/customer/tickets")).status).toBe(401);

    await advanceClock(server, 61); // a second code for the phone, on another device
    const other = await signIn(phone);
    expect((await client(server.url, other).delete("/api/v1/customer/sessions/current")).status).toBe(204);
    const out = await client(server.url, other).get("/api/v1/customer/tickets");
    expect(out.status).toBe(401);
    expect(out.body.error.message).toBe("验证已过期，请重新获取验证码");

    expect((await client(server.url, token).get("/api/v1/customer/tickets")).status).toBe(200);
    await advanceClock(server, 30 * 60 + 1);
    expect((await client(server.url, token).get("/api/v1/customer/tickets")).status).toBe(401);
  });

  it("lets a code live five minutes, and one phone have a new code once a minute", async () => {
    const { phone } = await customerWithRequest();
    const first = await codeFor(phone);
    const soon = await pub().post("/api/v1/customer/codes", { phone });
    expect(soon.status).toBe(429);
    expect(soon.body.error.code).toBe("CODE_TOO_SOON");
    expect(soon.body.error.details).toEqual([
      expect.objectContaining({ field: "phone", code: "CODE_TOO_SOON" }),
    ]);
    expect(Number(soon.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(Number(soon.headers.get("retry-after"))).toBeLessThanOrEqual(60);

    await advanceClock(server, 5 * 60 + 1);
    const late = await pub().post("/api/v1/customer/sessions", { phone, code: first });
    expect(late.body.error.code).toBe("CODE_EXPIRED");

    // A new code replaces the old one.
    const second = await codeFor(phone);
    await advanceClock(server, 61);
    const third = await codeFor(phone);
    if (second !== third) {
      const stale = await pub().post("/api/v1/customer/sessions", { phone, code: second });
      expect(stale.body.error.code).toBe("CODE_WRONG");
    }
    expect((await pub().post("/api/v1/customer/sessions", { phone, code: third })).status).toBe(201);
  });

  it("lets the customer ask again at once when the SMS provider fails", async () => {
    const { phone } = await customerWithRequest();
    gateway.failing = true;
    try {
      expect((await pub().post("/api/v1/customer/codes", { phone })).status).toBe(202);
      await gateway.waitFor(phone);
      expect(gateway.to(phone)[0]!.status).toBe(500);
    } finally {
      gateway.failing = false;
    }
    // The failed send voids the code just after the provider answers.
    const until = Date.now() + 5_000;
    let again = await pub().post("/api/v1/customer/codes", { phone });
    while (again.status === 429 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      again = await pub().post("/api/v1/customer/codes", { phone });
    }
    expect(again.status).toBe(202);
    const [, resent] = await gateway.waitFor(phone, 2);
    expect(resent!.status).toBe(200);
  });

  it("forgets the phone's sign-ins when the customer's data is erased", async () => {
    const { phone, ticketNo } = await customerWithRequest();
    const token = await signIn(phone);
    const agent = client(server.url, await login(server.url, "agent1"));
    for (const to of ["in_progress", "resolved", "closed"])
      expect((await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to })).status).toBe(200);
    const erased = await client(server.url, admin).post("/api/v1/privacy/subjects/erasure", {
      phone,
      reason: "客户来电要求删除",
    });
    expect(erased.status).toBe(200);
    expect((await client(server.url, token).get("/api/v1/customer/tickets")).status).toBe(401);
    const db = server.app.ctx.db;
    expect(await db.selectFrom("customer_codes").where("phone", "=", phone).selectAll().execute()).toEqual(
      [],
    );
    expect(await db.selectFrom("customer_sessions").where("phone", "=", phone).selectAll().execute()).toEqual(
      [],
    );
  });

  it("lets one address ask for codes to a few numbers a minute, whoever's they are", async () => {
    const limited = await startServer({ CUSTOMER_CODE_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      for (const phone of ["13900000001", "13900000002", "13900000003", "13900000004"])
        statuses.push((await client(limited.url).post("/api/v1/customer/codes", { phone })).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
    } finally {
      await limited.close();
    }
  });

  it("sends a phone at most ten codes in 24 hours", async () => {
    const { phone } = await customerWithRequest();
    for (let i = 0; i < 10; i++) {
      expect((await pub().post("/api/v1/customer/codes", { phone })).status).toBe(202);
      await advanceClock(server, 61);
    }
    const eleventh = await pub().post("/api/v1/customer/codes", { phone }, { "accept-language": "en" });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error).toMatchObject({
      code: "TOO_MANY_CODES",
      message: "This phone has had too many codes today; try again tomorrow",
    });
    await advanceClock(server, 24 * 3600 - 10 * 61 + 1);
    expect((await pub().post("/api/v1/customer/codes", { phone })).status).toBe(202);
    await gateway.waitFor(phone, 11);
  });
});
