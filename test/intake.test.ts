import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { download, HAIR_IN_FOOD, jpeg, pushOrder, randomPhone, upload } from "./helpers/evidence.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT } from "./helpers/server.ts";

const app = served("admin", "agent1");

const codesOf = (body: any): Record<string, string[]> => {
  const byField: Record<string, string[]> = {};
  for (const d of body.error.details) byField[d.field] = [...(byField[d.field] ?? []), d.code];
  return byField;
};

describe("validation of a request", () => {
  it("reports every problem of one request together in a single 400", async () => {
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "fax",
      phone: "12345",
      orderNo: "",
      description: "",
      name: "名".repeat(51),
      expectedResolution: "teleport",
      occurredAt: "yesterday-ish",
      urgent: "yes",
      attachmentIds: ["no-such-attachment"],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    expect(codesOf(r.body)).toEqual({
      channel: ["INVALID_CHANNEL"],
      phone: ["INVALID_PHONE"],
      orderNo: ["REQUIRED"],
      description: ["REQUIRED"],
      name: ["INVALID_NAME"],
      expectedResolution: ["UNKNOWN_RESOLUTION"],
      occurredAt: ["INVALID_TIME"],
      urgent: ["INVALID_TYPE"],
      attachmentIds: ["UNKNOWN_ATTACHMENT"],
    });
    for (const d of r.body.error.details) expect(d.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it("judges the request against the order's policy pack, again all at once", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: "饭凉了，很生气",
      category: "electronics",
      expectedResolution: "repair",
      occurredAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(r.status).toBe(400);
    expect(codesOf(r.body)).toEqual({
      description: ["TOO_SHORT"],
      category: ["UNKNOWN_CATEGORY"],
      expectedResolution: ["UNKNOWN_RESOLUTION"],
      occurredAt: ["IN_FUTURE"],
    });
    const tooShort = r.body.error.details.find((d: any) => d.field === "description");
    expect(tooShort.message).toContain("100");
  });

  it("answers in Chinese by default and in English with Accept-Language: en", async () => {
    const bad = { channel: "app", phone: "12345", orderNo: "X1", description: "" };
    const zh = await client(app.url).post("/api/v1/tickets", bad);
    const en = await client(app.url).post("/api/v1/tickets", bad, { "accept-language": "en-US,en;q=0.9" });
    expect(zh.status).toBe(400);
    expect(en.status).toBe(400);
    expect(zh.body.error.message).toBe("请求内容有误，请检查标出的字段");
    expect(en.body.error.message).toBe("Some fields are invalid");
    const phoneZh = zh.body.error.details.find((d: any) => d.field === "phone");
    const phoneEn = en.body.error.details.find((d: any) => d.field === "phone");
    expect(phoneZh.message).toContain("手机号");
    expect(phoneEn.message).toContain("mobile number");
    expect(en.body.error.details.map((d: any) => d.code)).toEqual(
      zh.body.error.details.map((d: any) => d.code),
    );
  });

  it("acknowledges in the customer's language", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const body = { channel: "app", phone, orderNo, description: LONG_TEXT };
    const en = await client(app.url).post("/api/v1/tickets", body, { "accept-language": "en" });
    expect(en.status).toBe(201);
    expect(en.body.acknowledgement.text).toContain(
      `Your after-sales request is registered as ${en.body.ticketNo}`,
    );
    expect(en.body.acknowledgement.serviceHours).toContain("workdays 09:00–21:00");
    const zh = await client(app.url).post("/api/v1/tickets", body);
    expect(zh.body.acknowledgement.text).toContain(`您的售后申请已受理，服务单号：${zh.body.ticketNo}`);
  });
});

describe("the order must belong to the phone", () => {
  it("answers a wrong phone and an unknown order alike, with no hint of whose order it is", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const someoneElse = randomPhone();
    const customer = client(app.url);
    const base = { channel: "app", description: LONG_TEXT };
    const wrongPhone = await customer.post("/api/v1/tickets", { ...base, phone: someoneElse, orderNo });
    const unknownOrder = await customer.post("/api/v1/tickets", {
      ...base,
      phone: someoneElse,
      orderNo: `${orderNo}X`,
    });
    expect(wrongPhone.status).toBe(400);
    expect(codesOf(wrongPhone.body)).toEqual({ orderNo: ["ORDER_NOT_FOUND"] });
    expect(wrongPhone.body).toEqual(unknownOrder.body);
    const said = JSON.stringify(wrongPhone.body);
    expect(said).not.toContain(phone);
    expect(said).not.toContain(phone.slice(-4));
    expect(said).not.toContain("M001");
  });
});

describe("Idempotency-Key", () => {
  it("answers a retried request with the same ticket and files only one", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const key = { "idempotency-key": `retry-${randomUUID()}` };
    const body = { channel: "app", phone, orderNo, description: LONG_TEXT, expectedResolution: "refund" };
    const first = await client(app.url).post("/api/v1/tickets", body, key);
    const again = await client(app.url).post("/api/v1/tickets", body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.ticketNo).toBe(first.body.ticketNo);
    expect(again.body.acknowledgement.text).toBe(first.body.acknowledgement.text);

    const list = await app.as("agent1").get(`/api/v1/tickets?q=${orderNo}`);
    expect(list.body.total).toBe(1);
  });

  it("refuses the same key with a different request with 422", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const key = { "idempotency-key": `reuse-${randomUUID()}` };
    const body = { channel: "app", phone, orderNo, description: LONG_TEXT };
    expect((await client(app.url).post("/api/v1/tickets", body, key)).status).toBe(201);
    const other = await client(app.url).post("/api/v1/tickets", { ...body, urgent: true }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect((await app.as("agent1").get(`/api/v1/tickets?q=${orderNo}`)).body.total).toBe(1);
  });
});

describe("channels", () => {
  it("takes the public app form without a login", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: LONG_TEXT,
    });
    expect(r.status).toBe(201);
  });

  it("needs a staff login to register a phone call, and records the agent who did", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const call = { channel: "phone", phone, orderNo, description: "顾客来电：外卖超时一个多小时还没到" };
    const anonymous = await client(app.url).post("/api/v1/tickets", call);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("UNAUTHORIZED");

    const byAgent = await app.as("agent1").post("/api/v1/tickets", call);
    expect(byAgent.status).toBe(201);
    const detail = await app.as("agent1").get(`/api/v1/tickets/${byAgent.body.ticketNo}`);
    expect(detail.body.channel).toBe("phone");
    expect(detail.body.events[0]).toMatchObject({ type: "received", actor: "agent1", channel: "phone" });
  });
});

describe("a foreign object in the food", () => {
  it("is refused on the app without a photo, asking for photo, colour, shape and size", async () => {
    expect([...HAIR_IN_FOOD].length).toBeGreaterThanOrEqual(100);
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      category: "food",
      description: HAIR_IN_FOOD,
    });
    expect(r.status).toBe(400);
    const detail = r.body.error.details.find((d: any) => d.code === "FOREIGN_OBJECT_EVIDENCE_REQUIRED");
    expect(detail).toBeDefined();
    for (const word of ["照片", "颜色", "形状", "大小"]) expect(detail.message).toContain(word);
  });

  it("is registered from a phone call by an agent, with the evidence awaited", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const r = await app.as("agent1").post("/api/v1/tickets", {
      channel: "phone",
      phone,
      orderNo,
      category: "food",
      description: "顾客来电：菜里吃出一根头发",
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ category: "food", severity: "serious", evidenceAwaited: true });
    const detail = await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`);
    expect(detail.body.evidenceAwaited).toBe(true);
  });

  it("is accepted on the app with a photo and the object described, and the photo is on the ticket", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const photo = await upload(app.url, await jpeg());
    expect(photo.status).toBe(201);
    const r = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      category: "food",
      description: HAIR_IN_FOOD,
      attachmentIds: [photo.body.id],
      foreignObject: { colour: "黑色", shape: "细长", size: "约10厘米" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ category: "food", subType: "foreign_object", severity: "serious" });
    expect(r.body.evidenceAwaited).toBe(false);

    const detail = await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`);
    expect(detail.body.severity).toBe("serious");
    expect(detail.body.details.foreignObject).toEqual({ colour: "黑色", shape: "细长", size: "约10厘米" });
    expect(detail.body.attachments).toHaveLength(1);
    expect(detail.body.attachments[0]).toMatchObject({ id: photo.body.id, kind: "image" });
    const thumb = await download(app.url, detail.body.attachments[0].thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.contentType).toBe("image/webp");
    expect(thumb.bytes.subarray(8, 12).toString("ascii")).toBe("WEBP");
  });
});

describe("a customer who keeps complaining", () => {
  it("goes to the supervisor queue with the 4th complaint within 30 days", async () => {
    const phone = randomPhone();
    const queues: string[] = [];
    for (let i = 0; i < 4; i++) {
      const orderNo = await pushOrder(app.url, app.token.admin, phone);
      const r = await client(app.url).post("/api/v1/tickets", {
        channel: "app",
        phone,
        orderNo,
        description: LONG_TEXT,
      });
      expect(r.status).toBe(201);
      queues.push((await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`)).body.queue);
    }
    expect(queues).toEqual(["rider_logistics", "rider_logistics", "rider_logistics", "supervisor"]);
  });
});

describe("a customer who complains again and again", () => {
  it("sends the fourth food-delivery complaint within 30 days to the supervisor queue", async () => {
    const first = await createOrder(app.url, app.token.admin);
    const queues: string[] = [];
    for (let i = 0; i < 4; i++) {
      const orderNo = i === 0 ? first.orderNo : `${first.orderNo}R${i}`;
      if (i > 0) {
        const { order } = first as { order: Record<string, unknown> };
        const put = await app.as("admin").put(`/api/v1/orders/${orderNo}`, {
          businessLine: "food_delivery",
          customerPhone: first.phone,
          merchantId: order.merchantId,
          riderId: order.riderId,
          region: order.region,
          items: order.items,
          paidFen: order.paidFen,
          paidAt: order.paidAt,
        });
        expect(put.status).toBe(201);
      }
      const r = await client(app.url).post("/api/v1/tickets", {
        channel: "app",
        phone: first.phone,
        orderNo,
        description: LONG_TEXT,
      });
      expect(r.status).toBe(201);
      const detail = await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`);
      queues.push(detail.body.queue);
    }
    expect(queues.slice(0, 3)).not.toContain("supervisor");
    expect(queues[3]).toBe("supervisor");
  });
});
