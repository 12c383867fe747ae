import { describe, expect, it } from "vitest";
import { jpeg, upload } from "./helpers/evidence.ts";
import { scopedUser } from "./helpers/merchants.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder } from "./helpers/server.ts";

/**
 * On-site feedback (现场反馈) over real HTTP: a rider at the door registers what they see for the
 * customer, with a photo; the customer follows it with their own phone; a rider reaches only their
 * deliveries, a warehouse worker any order, an agent uses the ordinary intake instead.
 */
const app = served("admin", "rider1", "warehouse1", "agent1");

const SEEN = "送达时发现汤洒了一半，包装袋里全是汤，顾客拒收，已拍照。";

describe("a rider's on-site report", () => {
  it("becomes the customer's ticket on the onsite channel, with the photo, followed with the customer's phone", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin, { riderId: "R001" });
    const photo = await upload(app.url, await jpeg());
    expect(photo.status).toBe(201);
    const r = await app.as("rider1").post("/api/v1/onsite-reports", {
      orderNo,
      description: SEEN,
      attachmentIds: [photo.body.id],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.acknowledgement.trackingUrl).toContain(r.body.ticketNo);
    expect(JSON.stringify(r.body)).not.toContain(phone);

    const ticket = (await app.as("agent1").get(`/api/v1/tickets/${r.body.ticketNo}`)).body;
    expect(ticket).toMatchObject({ channel: "onsite", category: "packaging" });
    expect(ticket.attachments).toHaveLength(1);
    const received = ticket.events.find((e: any) => e.type === "received");
    expect(received.data.reportedOnSiteBy).toEqual({ role: "rider", name: expect.any(String) });

    const progress = await client(app.url).get(`/api/v1/tickets/${r.body.ticketNo}/progress?phone=${phone}`);
    expect(progress.status).toBe(200);
  });

  it("answers a retry on a weak signal with the same ticket", async () => {
    const { orderNo } = await createOrder(app.url, app.token.admin, { riderId: "R001" });
    const send = () =>
      app
        .as("rider1")
        .post(
          "/api/v1/onsite-reports",
          { orderNo, description: SEEN },
          { "idempotency-key": `retry-${orderNo}` },
        );
    const first = await send();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.body.ticketNo).toBe(first.body.ticketNo);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("reaches only the rider's own deliveries, naming the order field", async () => {
    const { orderNo } = await createOrder(app.url, app.token.admin, { riderId: "R002" });
    const r = await app.as("rider1").post("/api/v1/onsite-reports", { orderNo, description: SEEN });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      expect.objectContaining({ field: "orderNo", code: "UNKNOWN_ORDER" }),
    ]);
    // A rider account not linked to a rider has no deliveries, not even the orders without a rider.
    const riderless = await createOrder(app.url, app.token.admin, { riderId: null });
    const unlinked = await scopedUser(app.url, app.token.admin, { role: "rider" });
    const none = await client(app.url, unlinked).post("/api/v1/onsite-reports", {
      orderNo: riderless.orderNo,
      description: SEEN,
    });
    expect(none.status).toBe(400);
    expect(none.body.error.details[0]).toMatchObject({ field: "orderNo", code: "UNKNOWN_ORDER" });
    const short = await app.as("warehouse1").post("/api/v1/onsite-reports", {
      orderNo,
      description: "坏了",
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.map((d: any) => d.field)).toContain("description");
  });

  it("lets a warehouse worker report on any order and keeps agents to the ordinary intake", async () => {
    const { orderNo } = await createOrder(app.url, app.token.admin, {
      businessLine: "fresh_food",
      riderId: "R002",
    });
    const r = await app.as("warehouse1").post("/api/v1/onsite-reports", {
      orderNo,
      description: "出库复核时发现这单的草莓整盒发霉，已拦截，需要给顾客补发。",
      expectedResolution: "exchange",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.businessLine).toBe("fresh_food");
    expect(
      (await app.as("agent1").post("/api/v1/onsite-reports", { orderNo, description: SEEN })).status,
    ).toBe(403);
  });
});
