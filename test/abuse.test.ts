import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushOrder } from "./helpers/evidence.ts";
import { startServerWithOwnDatabase } from "./helpers/own-database.ts";
import { client, freshCustomer, login, type TestServer } from "./helpers/server.ts";
import { advanceClock, runDueJobs } from "./helpers/test-clock.ts";

/**
 * Malicious-complaint scores, the blacklist applied within the law, appeals, expiry and the legal export,
 * over real HTTP. The clock moves days ahead for expiry, so the file has a database of its own.
 */
let server: TestServer;
let admin: string;
let agent: string;
let supervisor: string;
let merchant: string;
const DAY = 86_400;

beforeAll(async () => {
  server = await startServerWithOwnDatabase("abuse", {
    AFTERSALE_TEST_CLOCK: "1",
    SESSION_TTL_MINUTES: String(60 * 24 * 30),
  });
  [admin, agent, supervisor, merchant] = await Promise.all([
    login(server.url, "admin"),
    login(server.url, "agent1"),
    login(server.url, "supervisor1"),
    login(server.url, "merchant1"),
  ]);
});

afterAll(async () => {
  await server?.close();
});

const LATE = "外卖比预计送达时间晚了一个多小时才到，饭菜都凉了，骑手也没有提前联系我说明情况。".repeat(3);
const ILLNESS =
  "中午在这家店点的套餐，吃完不到两个小时就开始肚子疼、拉肚子，还有点发烧，家里一起吃的人也不舒服。" +
  "饭菜闻起来有点馊味，当时没在意。现在去了医院，医生说像是食物中毒，希望平台尽快核实处理并给个说法，谢谢。";

/** A request the customer files on the web form, on a new order of theirs. */
async function complain(phone: string, description = LATE, extra: Record<string, unknown> = {}) {
  const orderNo = await pushOrder(server.url, admin, phone);
  const r = await client(server.url).post("/api/v1/tickets", {
    channel: "web",
    phone,
    orderNo,
    description,
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.ticketNo as string;
}

const detail = async (ticketNo: string) => {
  const r = await client(server.url, agent).get(`/api/v1/tickets/${ticketNo}`);
  expect(r.status).toBe(200);
  return r.body;
};

/** The scorer is an outbox consumer: run the jobs until the ticket's score is stored. */
async function scored(ticketNo: string) {
  for (let i = 0; i < 50; i++) {
    await runDueJobs(server);
    const d = await detail(ticketNo);
    if (d.abuseScore) return d.abuseScore;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no score for ${ticketNo}`);
}

async function blacklist(phone: string, days = 30) {
  const now = await runDueJobs(server);
  const r = await client(server.url, supervisor).post("/api/v1/blacklist", {
    phone,
    reason: "反复以不实理由索要高额赔偿",
    expiresAt: new Date(now.getTime() + days * DAY * 1000).toISOString(),
    evidence: { ticketNos: [], attachmentIds: [] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe("malicious-complaint score", () => {
  it("gives a frequent complainant a high score with the frequency reason, and a first-time customer none", async () => {
    const { phone } = freshCustomer();
    const filed: string[] = [];
    for (let i = 0; i < 6; i++) filed.push(await complain(phone, LATE, { deviceId: `device-${phone}` }));
    const last = filed[5]!;
    const score = await scored(last);
    // Scored in the order they came, even when one page of the outbox holds them all: the first request
    // saw only itself.
    const earliest = await scored(filed[0]!);
    expect(earliest.reasons.map((r: { code: string }) => r.code)).not.toContain("FREQUENT_PHONE");
    expect(score.score).toBeGreaterThanOrEqual(50);
    const codes = score.reasons.map((r: { code: string }) => r.code);
    expect(codes).toContain("FREQUENT_PHONE");
    expect(codes).toContain("FREQUENT_DEVICE");
    const frequency = score.reasons.find((r: { code: string }) => r.code === "FREQUENT_PHONE");
    expect(frequency.zh).toContain("6次");
    expect(frequency.en).toContain("6 requests");
    // The merchant reads its ticket without the platform's view of the customer.
    const asMerchant = await client(server.url, merchant).get(`/api/v1/tickets/${last}`);
    expect(asMerchant.status).toBe(200);
    expect(asMerchant.body.abuseScore).toBeNull();

    const first = await complain(freshCustomer().phone);
    const clean = await scored(first);
    expect(clean.score).toBe(0);
    expect(clean.reasons).toEqual([]);
  });

  it("names threats and excessive demands in the reasons", async () => {
    const t = await complain(
      freshCustomer().phone,
      `${LATE}必须赔我十倍，外加精神损失费，不赔就天天给你们刷差评，走着瞧。`,
    );
    const score = await scored(t);
    const codes = score.reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(expect.arrayContaining(["THREAT", "EXCESSIVE_DEMAND"]));
  });
});

describe("blacklist applied within the law", () => {
  it("still registers a listed customer's request (201) and gives it to a supervisor, flagged", async () => {
    const { phone } = freshCustomer();
    const before = await complain(phone);
    expect((await detail(before)).blacklisted).toBeNull();
    const listing = await blacklist(phone);
    const t = await complain(phone);
    const d = await detail(t);
    expect(d.queue).toBe("supervisor");
    expect(d.blacklisted).toMatchObject({ id: listing.id, reason: listing.reason });
    expect(d.details.blacklisted).toMatchObject({ listingId: listing.id });
    const supervisorQueue = await client(server.url, supervisor).get(`/api/v1/tickets?q=${t}`);
    expect(supervisorQueue.body.items.map((i: { ticketNo: string }) => i.ticketNo)).toContain(t);
  });

  it("never refuses a listed customer's food-safety claim: registered, serious, with its deadlines", async () => {
    const { phone } = freshCustomer();
    await blacklist(phone);
    const orderNo = await pushOrder(server.url, admin, phone);
    const r = await client(server.url).post("/api/v1/tickets", {
      channel: "web",
      phone,
      orderNo,
      category: "food",
      description: ILLNESS,
    });
    expect(r.status).toBe(201);
    expect(r.body.severity).toBe("serious");
    expect(r.body.status).toBe("new");
    const d = await detail(r.body.ticketNo);
    expect(d.status).toBe("new");
    expect(d.details.blacklisted.foodSafety).toBe(true);
    const plain = await complain(freshCustomer().phone, ILLNESS, { category: "food" });
    // The same claim from an unlisted customer, filed a moment later, gets the same severity, priority and
    // first-response deadline (to the minute): the listing delays nothing.
    const unlisted = await detail(plain);
    expect(d.severity).toBe(unlisted.severity);
    expect(d.priority).toBe(unlisted.priority);
    const gap =
      new Date(unlisted.sla.firstResponseDueAt).getTime() - new Date(d.sla.firstResponseDueAt).getTime();
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(60_000);
  });

  it("lifts a listing when a supervisor grants the customer's appeal, and audits every step", async () => {
    const { phone } = freshCustomer();
    const t = await complain(phone);
    const listing = await blacklist(phone);
    const wrong = await client(server.url).post("/api/v1/blacklist/appeals", {
      ticketNo: t,
      phone: "13900000000",
      statement: "我没有恶意投诉",
    });
    expect(wrong.status).toBe(404);
    const appeal = await client(server.url).post("/api/v1/blacklist/appeals", {
      ticketNo: t,
      phone,
      statement: "上次确实是餐品问题，有照片为证，请重新核实",
    });
    expect(appeal.status).toBe(201);
    const decided = await client(server.url, supervisor).post(
      `/api/v1/blacklist/appeals/${appeal.body.id}/decision`,
      { decision: "lift", note: "核实照片属实，解除" },
    );
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe("lifted");
    const again = await client(server.url, supervisor).post(
      `/api/v1/blacklist/appeals/${appeal.body.id}/decision`,
      { decision: "uphold", note: "再次处理" },
    );
    expect(again.status).toBe(409);

    const entry = await client(server.url, supervisor).get(`/api/v1/blacklist/${listing.id}`);
    expect(entry.body.status).toBe("lifted");
    expect(entry.body.audit.map((e: { type: string }) => e.type)).toEqual([
      "listed",
      "appealed",
      "appeal_granted",
    ]);
    expect(entry.body.audit[2]).toMatchObject({ actor: "supervisor1", data: { note: "核实照片属实，解除" } });
    const after = await detail(await complain(phone));
    expect(after.blacklisted).toBeNull();
    expect(after.details.blacklisted).toBeUndefined();
  });

  it("ends a listing at its expiry by itself", async () => {
    const { phone } = freshCustomer();
    const listing = await blacklist(phone, 2);
    await advanceClock(server, DAY);
    expect((await client(server.url, supervisor).get(`/api/v1/blacklist/${listing.id}`)).body.status).toBe(
      "active",
    );
    await advanceClock(server, 1.5 * DAY);
    const entry = await client(server.url, supervisor).get(`/api/v1/blacklist/${listing.id}`);
    expect(entry.body.status).toBe("expired");
    expect(entry.body.audit.at(-1)).toMatchObject({ type: "expired", actor: "system" });
    expect((await detail(await complain(phone))).queue).not.toBe("supervisor");
  });

  it("refuses a second listing of the same phone and an expiry in the past", async () => {
    const { phone } = freshCustomer();
    await blacklist(phone);
    const now = await runDueJobs(server);
    const twice = await client(server.url, supervisor).post("/api/v1/blacklist", {
      phone,
      reason: "再次列入",
      expiresAt: new Date(now.getTime() + DAY * 1000).toISOString(),
    });
    expect(twice.status).toBe(409);
    const past = await client(server.url, supervisor).post("/api/v1/blacklist", {
      phone: freshCustomer().phone,
      reason: "过期时间错误",
      expiresAt: new Date(now.getTime() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0].field).toBe("expiresAt");
  });
});

describe("customer record for legal use", () => {
  it("contains every ticket of the customer and nobody else's, unmasked, and logs the access", async () => {
    const a = freshCustomer().phone;
    const b = freshCustomer().phone;
    const mine = [await complain(a), await complain(a, ILLNESS, { category: "food" })];
    const theirs = await complain(b);
    await client(server.url, agent).post(`/api/v1/tickets/${mine[0]}/replies`, {
      body: "您好，我们已联系商家核实。",
      visibility: "customer",
    });
    const r = await client(server.url, supervisor).get(`/api/v1/customers/${a}/record?download=true`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toContain("attachment");
    const ticketNos = r.body.tickets.map((t: { ticketNo: string }) => t.ticketNo);
    expect(ticketNos).toEqual(mine);
    expect(ticketNos).not.toContain(theirs);
    expect(r.body.tickets[0].customerPhone).toBe(a);
    expect(r.body.tickets[0].events.map((e: { type: string }) => e.type)).toContain("received");
    expect(JSON.stringify(r.body.tickets[0].events)).toContain("我们已联系商家核实");
    expect(r.body.accessLog.at(-1)).toMatchObject({ actor: "supervisor1", format: "download" });

    // Anything but a phone number is refused naming it; it once reached the file name's header (a 500).
    const notAPhone = await client(server.url, supervisor).get(
      `/api/v1/customers/${encodeURIComponent("Ā")}/record?download=true`,
    );
    expect(notAPhone.status).toBe(400);
    expect(notAPhone.body.error.details[0]).toMatchObject({ field: "phone", code: "INVALID_PHONE" });
  });

  it("is refused to agents, as are listing and lifting (403)", async () => {
    const { phone } = freshCustomer();
    const as = client(server.url, agent);
    expect((await as.get(`/api/v1/customers/${phone}/record`)).status).toBe(403);
    expect(
      (await as.post("/api/v1/blacklist", { phone, reason: "代理尝试", expiresAt: new Date().toISOString() }))
        .status,
    ).toBe(403);
    expect((await as.get("/api/v1/blacklist")).status).toBe(403);
    const listing = await blacklist(phone);
    expect((await as.post(`/api/v1/blacklist/${listing.id}/lift`, { reason: "x" })).status).toBe(403);
  });
});

describe("batch suspension shown at intake", () => {
  it("flags a ticket whose merchant is suspended by an open food-safety emergency", async () => {
    const merchantId = `MS${Date.now() % 1_000_000}`;
    const { phone } = freshCustomer();
    const orderNo = await pushOrder(server.url, admin, phone, {
      merchantId,
      region: "上海-徐汇",
      items: [{ productId: "P0001", name: "麻辣烫套餐", quantity: 1, unitPriceFen: 2800 }],
    });
    const t = await client(server.url).post("/api/v1/tickets", {
      channel: "web",
      phone,
      orderNo,
      description: ILLNESS,
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect((await detail(t.body.ticketNo)).batchSuspended).toBeNull();
    const emergency = await client(server.url, supervisor).post("/api/v1/incidents/emergency", {
      merchantId,
      ticketNos: [t.body.ticketNo],
      reason: "多人食物中毒",
    });
    expect(emergency.status).toBe(201);
    const d = await detail(t.body.ticketNo);
    expect(d.batchSuspended.items).toEqual([
      expect.objectContaining({ kind: "merchant", subject: merchantId }),
    ]);
  });
});

describe("batch detector: an abnormal rise at one merchant", () => {
  it("opens one incident for the merchant holding every complaint of the rise, across products and regions", async () => {
    const merchantId = `MV${Date.now() % 1_000_000}`;
    const ticketNos: string[] = [];
    for (let k = 0; k < 5; k++) {
      const { phone } = freshCustomer();
      const orderNo = await pushOrder(server.url, admin, phone, {
        merchantId,
        region: `量测区-${merchantId}-${k}`,
        items: [{ productId: `PV${merchantId}${k}`, name: "套餐", quantity: 1, unitPriceFen: 2800 }],
      });
      const r = await client(server.url).post("/api/v1/tickets", {
        channel: "web",
        phone,
        orderNo,
        category: "food",
        subType: "food_safety",
        description: ILLNESS,
      });
      expect(r.status).toBe(201);
      ticketNos.push(r.body.ticketNo);
    }
    let mine: { ticketNos: string[]; key: { merchantId?: string } }[] = [];
    for (let i = 0; i < 50 && !mine.some((x) => x.ticketNos.length === 5); i++) {
      await runDueJobs(server);
      const open = await client(server.url, supervisor).get("/api/v1/incidents?status=open&limit=200");
      mine = open.body.items.filter((x: { key: { merchantId?: string } }) => x.key.merchantId === merchantId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mine).toHaveLength(1);
    expect([...mine[0]!.ticketNos].sort()).toEqual([...ticketNos].sort());
  });
});
