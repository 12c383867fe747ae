import { describe, expect, it } from "vitest";
import { randomOrderNo, randomPhone } from "./helpers/evidence.ts";
import { served } from "./helpers/served.ts";
import { client } from "./helpers/server.ts";

const app = served("admin");

const anOrder = (phone = randomPhone()) => ({
  businessLine: "ecommerce",
  customerPhone: phone,
  merchantId: "M012",
  region: "杭州-西湖",
  items: [
    { productId: "P0070", name: "蓝牙耳机", batchNo: "P0070-B3", quantity: 1, unitPriceFen: 19900 },
    { productId: "P0071", name: "保温杯", quantity: 2, unitPriceFen: 6900 },
  ],
  paidFen: 33700,
  paidAt: "2026-11-20T02:15:00.000Z",
  promisedAt: "2026-11-22T02:15:00.000Z",
});

describe("PUT /api/v1/orders/{orderNo}", () => {
  it("creates an order with 201 and echoes what was stored", async () => {
    const orderNo = randomOrderNo("EC");
    const body = anOrder();
    const r = await app.as("admin").put(`/api/v1/orders/${orderNo}`, body);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ orderNo, ...body, riderId: null, deliveredAt: null });
  });

  it("updates the same order with 200, and the customer can then complain about it", async () => {
    const orderNo = randomOrderNo("EC");
    const staff = app.as("admin");
    const first = anOrder();
    expect((await staff.put(`/api/v1/orders/${orderNo}`, first)).status).toBe(201);

    const delivered = { ...first, deliveredAt: "2026-11-21T09:40:00.000Z", paidFen: 32700 };
    const r = await staff.put(`/api/v1/orders/${orderNo}`, delivered);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ orderNo, ...delivered, riderId: null });

    const complaint = await client(app.url).post("/api/v1/tickets", {
      channel: "web",
      phone: first.customerPhone,
      orderNo,
      description: "收到的蓝牙耳机左耳没有声音，和商品页面描述的不一样",
    });
    expect(complaint.status).toBe(201);
    expect(complaint.body.businessLine).toBe("ecommerce");
  });

  it("names every bad field of a bad order in one 400", async () => {
    const { customerPhone: _, ...withoutPhone } = anOrder();
    const r = await app.as("admin").put(`/api/v1/orders/${randomOrderNo()}`, {
      ...withoutPhone,
      paidFen: 337.5,
      businessLine: "groceries",
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("VALIDATION_FAILED");
    const fields = new Set(r.body.error.details.map((d: { field: string }) => d.field));
    expect(fields).toEqual(new Set(["customerPhone", "paidFen", "businessLine"]));
    expect(r.body.error.details).toContainEqual(
      expect.objectContaining({ field: "customerPhone", code: "REQUIRED" }),
    );
  });

  it("keeps money in integer fen: a price in yuan with decimals is refused", async () => {
    const order = anOrder();
    const r = await app.as("admin").put(`/api/v1/orders/${randomOrderNo()}`, {
      ...order,
      items: [{ ...order.items[0], unitPriceFen: 199.5 }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain("items.0.unitPriceFen");

    const ok = await app.as("admin").put(`/api/v1/orders/${randomOrderNo()}`, order);
    expect(ok.status).toBe(201);
    expect(Number.isInteger(ok.body.paidFen)).toBe(true);
    expect(typeof ok.body.paidFen).toBe("number");
    for (const item of ok.body.items) expect(Number.isInteger(item.unitPriceFen)).toBe(true);
  });

  it("refuses a bad phone, a negative amount and an empty item list", async () => {
    const r = await app.as("admin").put(`/api/v1/orders/${randomOrderNo()}`, {
      ...anOrder("12345"),
      paidFen: -1,
      items: [],
    });
    expect(r.status).toBe(400);
    const fields = new Set(r.body.error.details.map((d: { field: string }) => d.field));
    expect(fields).toEqual(new Set(["customerPhone", "paidFen", "items"]));
  });

  it("refuses an amount past what the database column holds (21 million yuan), naming it, not a 500", async () => {
    const order = anOrder();
    const r = await app.as("admin").put(`/api/v1/orders/${randomOrderNo()}`, {
      ...order,
      paidFen: 3_000_000_000,
      items: [{ ...order.items[0], quantity: 2_147_483_648 }],
    });
    expect(r.status).toBe(400);
    const fields = new Set(r.body.error.details.map((d: { field: string }) => d.field));
    expect(fields).toEqual(new Set(["paidFen", "items.0.quantity"]));
  });
});
