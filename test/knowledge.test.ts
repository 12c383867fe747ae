import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { served } from "./helpers/served.ts";
import { client } from "./helpers/server.ts";

const app = served("admin", "agent1");

const q = encodeURIComponent;

describe("the chat bot's FAQ match", () => {
  it("answers 餐没到怎么办 for anyone, without a login", async () => {
    const r = await client(app.url).get(
      `/api/v1/knowledge/faq/match?q=${q("餐没到怎么办")}&businessLine=food_delivery`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ answered: true, handover: false, answer: { intent: "delivery_eta" } });
    expect(r.body.answer.text).toContain("退款");
    expect(r.body.confidence).toBeGreaterThan(0.3);
    // The answer is the customer's to read: its {{eta}} is said in words, in the caller's language.
    expect(r.body.answer.text).toContain("您的订单预计订单页显示的时间送达");
    expect(r.body.answer.text).not.toContain("{{");
  });

  it("gives customers searching the knowledge base answers without placeholders, and staff the template", async () => {
    const path = `/api/v1/knowledge/search?q=${q("餐没到怎么办")}&businessLine=food_delivery`;
    const eta = (items: { data: { intent?: string }; body: string }[]) =>
      items.find((e) => e.data.intent === "delivery_eta")!.body;
    expect(eta((await client(app.url).get(path)).body.items)).toContain("预计订单页显示的时间送达");
    expect(eta((await app.as("agent1").get(path)).body.items)).toContain("预计{{eta}}送达");
  });

  it("hands over when it has no confident answer", async () => {
    const r = await client(app.url).get(`/api/v1/knowledge/faq/match?q=${q("你们老板叫什么名字")}`);
    expect(r.body).toMatchObject({ answered: false, handover: true, answer: null });
  });

  it("hands over when the customer asks for a person", async () => {
    const r = await client(app.url).get(`/api/v1/knowledge/faq/match?q=${q("转人工")}`);
    expect(r.body).toMatchObject({ answered: true, handover: true, answer: { intent: "human_agent" } });
  });

  it("asks for a question", async () => {
    expect((await client(app.url).get("/api/v1/knowledge/faq/match")).status).toBe(400);
  });
});

describe("knowledge search", () => {
  it("shows customers FAQ answers and usage guides only", async () => {
    const r = await client(app.url).get(
      `/api/v1/knowledge/search?q=${q("牛排怎么解冻")}&businessLine=fresh_food`,
    );
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(0);
    expect(r.body.items.map((i: any) => i.id)).toContain("guide.steak");
    for (const item of r.body.items) expect(["faq", "guide"]).toContain(item.kind);
    const macros = await client(app.url).get(`/api/v1/knowledge/search?q=${q("退款")}&kind=macro`);
    expect(macros.body.items).toEqual([]);
  });

  it("shows staff typical cases and canned replies too", async () => {
    const r = await app.as("agent1").get(`/api/v1/knowledge/search?q=${q("超时 致歉 优惠券")}&kind=macro`);
    expect(r.body.items[0].id).toBe("macro.apology_late");
  });

  it("fills a canned reply for an agent", async () => {
    const r = await app.as("agent1").post("/api/v1/knowledge/macros/macro.refund_done/render", {
      variables: { customerName: "王女士", ticketNo: "FD20261125000001", amount: "28.00" },
    });
    expect(r.status).toBe(200);
    expect(r.body.text).toContain("王女士您好，服务单FD20261125000001的退款28.00元已原路退回");
    expect(r.body.missing).toEqual([]);
    expect(
      (await client(app.url).post("/api/v1/knowledge/macros/macro.refund_done/render", { variables: {} }))
        .status,
    ).toBe(401);
  });
});

describe("editing the knowledge base", () => {
  const id = `faq.test.${randomUUID().slice(0, 8)}`;
  const question = `骑手冒雨送餐很辛苦，怎么给骑手送锦旗表扬${id.slice(-4)}`;

  it("is for admins only", async () => {
    const r = await app.as("agent1").post("/api/v1/knowledge/entries", {
      id,
      kind: "faq",
      businessLines: ["food_delivery"],
      title: question,
      body: "在订单评价中点亮“好骑手”即可表扬。",
      data: { intent: "praise_rider" },
    });
    expect(r.status).toBe(403);
  });

  it("reports every problem of an entry at once", async () => {
    const r = await app.as("admin").post("/api/v1/knowledge/entries", {
      kind: "faq",
      businessLines: ["moon"],
      title: "",
      body: "",
      data: {},
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: any) => d.field).sort()).toEqual([
      "body",
      "businessLines",
      "data.intent",
      "title",
    ]);
  });

  it("creates, versions and archives an entry, searchable at once at every step", async () => {
    const admins = app.as("admin");
    const created = await admins.post("/api/v1/knowledge/entries", {
      id,
      kind: "faq",
      businessLines: ["food_delivery"],
      title: question,
      body: "在订单评价中点亮“好骑手”即可表扬。",
      tags: ["表扬"],
      data: { intent: "praise_rider", variants: ["想表扬骑手", "骑手服务很好怎么夸他"] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, version: 1, status: "published" });
    expect(
      (
        await admins.post("/api/v1/knowledge/entries", {
          ...created.body,
          version: undefined,
          updatedAt: undefined,
          status: undefined,
        })
      ).status,
    ).toBe(409);

    const matched = await client(app.url).get(
      `/api/v1/knowledge/faq/match?q=${q("想表扬骑手")}&businessLine=food_delivery`,
    );
    expect(matched.body.answer?.id).toBe(id);

    const v2 = await admins.put(`/api/v1/knowledge/entries/${id}`, {
      expectedVersion: 1,
      body: "在订单评价中点亮“好骑手”，平台每月奖励获赞最多的骑手。",
      note: "说明奖励",
    });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, title: question });
    const stale = await admins.put(`/api/v1/knowledge/entries/${id}`, {
      expectedVersion: 1,
      body: "旧版本上的修改",
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("VERSION_CONFLICT");
    const again = await client(app.url).get(
      `/api/v1/knowledge/faq/match?q=${q("想表扬骑手")}&businessLine=food_delivery`,
    );
    expect(again.body.answer.text).toContain("奖励");

    const archived = await admins.put(`/api/v1/knowledge/entries/${id}`, {
      expectedVersion: 2,
      status: "archived",
    });
    expect(archived.body).toMatchObject({ version: 3, status: "archived" });
    const gone = await client(app.url).get(
      `/api/v1/knowledge/faq/match?q=${q("想表扬骑手")}&businessLine=food_delivery`,
    );
    expect(gone.body.answer?.id).not.toBe(id);
    expect((await client(app.url).get(`/api/v1/knowledge/entries/${id}`)).status).toBe(404);
    expect((await app.as("agent1").get(`/api/v1/knowledge/entries/${id}`)).body.status).toBe("archived");

    const versions = await app.as("agent1").get(`/api/v1/knowledge/entries/${id}/versions`);
    expect(versions.body.items.map((v: any) => [v.version, v.status, v.note])).toEqual([
      [3, "archived", null],
      [2, "published", "说明奖励"],
      [1, "published", null],
    ]);
    expect(versions.body.items[0].editedBy).toBeTruthy();
  });

  it("lists entries for staff, paged, with the shipped ones seeded", async () => {
    const r = await app.as("agent1").get("/api/v1/knowledge/entries?kind=guide&limit=5");
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(5);
    expect(r.body.total).toBeGreaterThanOrEqual(12);
    expect((await client(app.url).get("/api/v1/knowledge/entries")).status).toBe(401);
  });
});
