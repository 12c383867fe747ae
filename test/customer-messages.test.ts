import { describe, expect, it } from "vitest";
import { jpeg, upload } from "./helpers/evidence.ts";
import { served } from "./helpers/served.ts";
import { client, fileAppTicket } from "./helpers/server.ts";

/** The customer answers on the progress page: the details and photos an agent asked for. */
const app = served("admin", "agent1");

async function askedForPhoto() {
  const filed = await fileAppTicket(app.url, app.token.admin);
  const agent = app.as("agent1");
  expect((await agent.post(`/api/v1/tickets/${filed.ticketNo}/take`)).status).toBe(200);
  const asked = await agent.post(`/api/v1/tickets/${filed.ticketNo}/transitions`, {
    to: "needs_info",
    reason: "请补充餐品照片",
  });
  expect(asked.status).toBe(200);
  return filed;
}

const messagesOf = (ticketNo: string) => `/api/v1/tickets/${ticketNo}/messages`;

describe("a customer's message on their ticket", () => {
  it("brings the photo and words an agent asked for, and puts the ticket back to work", async () => {
    const { ticketNo, phone } = await askedForPhoto();
    const photo = await upload(app.url, await jpeg());
    expect(photo.status).toBe(201);

    const sent = await client(app.url).post(messagesOf(ticketNo), {
      phone,
      body: "照片已补上，头发就在米饭上面",
      attachmentIds: [photo.body.id],
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ ticketNo, status: "in_progress" });

    const detail = (await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body;
    expect(detail.status).toBe("in_progress");
    expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([photo.body.id]);
    expect(detail.events.find((e: { type: string }) => e.type === "customer_message")).toMatchObject({
      actor: "customer",
      channel: "web",
      data: { body: "照片已补上，头发就在米饭上面", attachments: 1 },
    });
    const progress = await client(app.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    const texts = progress.body.timeline.map((e: { text: string }) => e.text).join("|");
    expect(texts).toContain("我们已收到您的留言：“照片已补上，头发就在米饭上面”");

    // Words alone are enough.
    const words = await client(app.url).post(messagesOf(ticketNo), { phone, body: "补充一句：是昨天的晚餐" });
    expect(words.status).toBe(201);

    // A file already part of a ticket cannot be added again, to this ticket or another.
    const again = await client(app.url).post(messagesOf(ticketNo), {
      phone,
      body: "再发一次",
      attachmentIds: [photo.body.id],
    });
    expect(again.status).toBe(400);
    expect(again.body.error.details).toMatchObject([{ field: "attachmentIds", code: "UNKNOWN_ATTACHMENT" }]);
  });

  it("answers a wrong phone as an unknown ticket, asks for words or a photo, and refuses a closed ticket", async () => {
    const { ticketNo, phone } = await askedForPhoto();
    const wrong = await client(app.url).post(messagesOf(ticketNo), { phone: "13911112222", body: "你好" });
    expect(wrong.status).toBe(404);
    const unknown = await client(app.url).post(messagesOf("FD20000101999999"), { phone, body: "你好" });
    expect(unknown.status).toBe(404);

    const empty = await client(app.url).post(messagesOf(ticketNo), { phone, body: "  " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toMatchObject([{ field: "body", code: "REQUIRED" }]);
    expect((await app.as("agent1").get(`/api/v1/tickets/${ticketNo}`)).body.status).toBe("needs_info");

    const agent = app.as("agent1");
    expect((await agent.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "closed" })).status).toBe(200);
    const late = await client(app.url).post(messagesOf(ticketNo), { phone, body: "还在吗" });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("TICKET_CLOSED");
  });
});
