import { describe, expect, it } from "vitest";
import { timelineText } from "../src/modules/tickets/timeline.ts";
import { type Frame, Peer } from "./helpers/chat-peer.ts";
import { served } from "./helpers/served.ts";
import { client, createOrder, LONG_TEXT, login } from "./helpers/server.ts";

/**
 * Live chat over real WebSocket clients: the customer's widget and an agent's workspace, as the browser
 * and the console speak to the server.
 */
const app = served("admin", "agent1");

const wsUrl = (path: string) => app.url.replace(/^http/, "ws") + path;
const customerSocket = () => Peer.open(wsUrl("/api/v1/chat/customer"));
const agentSocket = (token: string) =>
  Peer.open(wsUrl("/api/v1/chat/agent"), { authorization: `Bearer ${token}` });

async function startChat(phone: string, orderNo?: string) {
  const customer = await customerSocket();
  customer.send({ type: "hello", phone, ...(orderNo ? { orderNo } : {}) });
  const welcome = await customer.next((f) => f.type === "welcome" || f.type === "error");
  expect(welcome.type).toBe("welcome");
  return { customer, chatId: welcome.chatId as string };
}

describe("a chat from the bot to an agent to a ticket", () => {
  it("answers from the FAQ, hands over on 转人工 with the transcript, relays both ways and opens a ticket", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const agent = await agentSocket(app.token.agent1);
    await agent.next((f) => f.type === "hello");
    const { customer, chatId } = await startChat(phone, orderNo);

    customer.send({ type: "message", text: "餐没到怎么办", id: "q1" });
    const ack = await customer.next((f) => f.type === "ack" && f.id === "q1");
    expect(ack.messageId).toBeTruthy();
    const answer = await customer.next((f) => f.type === "message" && f.from === "bot");
    expect(answer.text.length).toBeGreaterThan(5);
    expect(answer.confidence).toBeGreaterThan(0);
    expect(answer.offerHuman).toBeUndefined();
    expect(answer.text).not.toContain("{{");

    customer.send({ type: "message", text: "转人工" });
    const queued = await customer.next((f) => f.type === "queued");
    expect(queued.position).toBeGreaterThanOrEqual(1);
    expect(queued.text).toContain("人工客服");

    const handover = await agent.next((f) => f.type === "handover" && f.chat.chatId === chatId);
    expect(handover.chat.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(handover.chat.transcript.map((l: Frame) => l.text)).toEqual(
      expect.arrayContaining(["餐没到怎么办", answer.text, "转人工"]),
    );

    agent.send({ type: "accept", chatId });
    const accepted = await agent.next((f) => f.type === "accepted");
    expect(accepted.chat.phone).toBe(phone);
    expect(accepted.chat.handoverMs).toBeGreaterThanOrEqual(0);
    const joined = await customer.next((f) => f.type === "agent_joined");
    expect(joined.agent).toBeTruthy();

    agent.send({ type: "message", chatId, text: "您好，我来帮您查一下骑手的位置", id: "a1" });
    await agent.next((f) => f.type === "ack" && f.id === "a1");
    const fromAgent = await customer.next((f) => f.type === "message" && f.from === "agent");
    expect(fromAgent.text).toBe("您好，我来帮您查一下骑手的位置");
    customer.send({ type: "message", text: LONG_TEXT });
    const relayed = await agent.next((f) => f.type === "message" && f.from === "customer");
    expect(relayed).toMatchObject({ chatId, text: LONG_TEXT });

    const staff = app.as("agent1");
    const detail = await staff.get(`/api/v1/chats/${chatId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.state).toBe("active");
    expect(detail.body.handoverMs).toBe(accepted.chat.handoverMs);
    expect(detail.body.transcript.map((l: Frame) => l.from)).toEqual(
      expect.arrayContaining(["customer", "bot", "system", "agent"]),
    );

    const made = await staff.post(`/api/v1/chats/${chatId}/ticket`, {});
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.created).toBe(true);
    const told = await customer.next((f) => f.type === "ticket");
    expect(told.ticketNo).toBe(made.body.ticketNo);

    const queue = await staff.get(`/api/v1/tickets?q=${orderNo}`);
    expect(queue.body.items).toEqual([
      expect.objectContaining({ ticketNo: made.body.ticketNo, channel: "web", status: "new" }),
    ]);
    const ticket = await staff.get(`/api/v1/tickets/${made.body.ticketNo}`);
    const received = ticket.body.events.find((e: Frame) => e.type === "received");
    expect(received.data.chatId).toBe(chatId);
    expect(received.data.transcript.map((l: Frame) => l.text)).toContain("转人工");

    const again = await staff.post(`/api/v1/chats/${chatId}/ticket`, {});
    expect(again.status).toBe(409);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/aftersale_chat_handover_seconds_count [1-9]/);
    customer.closeNow();
    agent.closeNow();
  });

  it("offers a person when unsure and hands over after the second unsure answer", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const { customer, chatId } = await startChat(phone, orderNo);
    customer.send({ type: "message", text: "zxqv 哔哩吧啦 qwerty" });
    const offer = await customer.next((f) => f.type === "message" && f.from === "bot");
    expect(offer.offerHuman).toBe(true);
    customer.send({ type: "message", text: "ploof 嘀嘀嗒嗒 asdf" });
    const queued = await customer.next((f) => f.type === "queued");
    expect(queued.position).toBeGreaterThanOrEqual(1);
    const listed = await app.as("agent1").get("/api/v1/chats?state=waiting");
    expect(listed.body.items).toContainEqual(expect.objectContaining({ chatId, handoverReason: "unsure" }));
    customer.closeNow();
  });

  it("attaches a chat to the customer's ticket that awaited them, and the ticket is worked again", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const intake = await client(app.url).post("/api/v1/tickets", {
      channel: "app",
      phone,
      orderNo,
      description: LONG_TEXT,
    });
    expect(intake.status).toBe(201);
    const ticketNo = intake.body.ticketNo;
    const staff = app.as("agent1");
    expect((await staff.post(`/api/v1/tickets/${ticketNo}/take`, {})).status).toBeLessThan(300);
    const wait = await staff.post(`/api/v1/tickets/${ticketNo}/transitions`, { to: "awaiting_customer" });
    expect(wait.body.status).toBe("awaiting_customer");

    const { customer, chatId } = await startChat(phone, orderNo);
    customer.send({ type: "human" });
    await customer.next((f) => f.type === "queued");
    const agent = await agentSocket(app.token.agent1);
    await agent.next((f) => f.type === "hello" && f.waiting.some((c: Frame) => c.chatId === chatId));
    agent.send({ type: "accept", chatId });
    await agent.next((f) => f.type === "accepted");
    customer.send({ type: "message", text: "照片我补充好了，麻烦再看看" });
    await customer.next((f) => f.type === "ack");

    const attached = await staff.post(`/api/v1/chats/${chatId}/ticket`, { ticketNo });
    expect(attached.status).toBe(201);
    expect(attached.body).toEqual({ ticketNo, created: false });
    const ticket = await staff.get(`/api/v1/tickets/${ticketNo}`);
    expect(ticket.body.status).toBe("in_progress");
    const progress = await client(app.url).get(`/api/v1/tickets/${ticketNo}/progress?phone=${phone}`);
    expect(progress.body.status).toBe("in_progress");
    expect(progress.body.timeline.map((t: Frame) => t.text)).toContain(
      "您与在线客服的对话记录已附到本服务单",
    );

    const stranger = await createOrder(app.url, app.token.admin);
    const other = await startChat(stranger.phone, stranger.orderNo);
    const refused = await staff.post(`/api/v1/chats/${other.chatId}/ticket`, { ticketNo });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].field).toBe("ticketNo");
    for (const p of [customer, agent, other.customer]) p.closeNow();
  });

  it("words a customer's message on the timeline as a sentence to the customer", () => {
    const event = { type: "customer_message", data: { body: "请尽快处理，谢谢" } };
    expect(timelineText(event, undefined, "zh-CN")).toBe(
      "我们已收到您的留言：“请尽快处理，谢谢”，客服会尽快回复您",
    );
    expect(timelineText(event, undefined, "en")).toBe(
      'We received your message: "请尽快处理，谢谢". Customer service will reply soon',
    );
  });
});

describe("who may take chats", () => {
  it("refuses an agent socket without a token and a role without chat.work", async () => {
    await expect(Peer.open(wsUrl("/api/v1/chat/agent"))).rejects.toThrow("HTTP 401");
    const qa = await login(app.url, "qa1");
    await expect(agentSocket(qa)).rejects.toThrow("HTTP 403");
    await expect(agentSocket("not-a-session")).rejects.toThrow("HTTP 401");
  });

  it("accepts a browser's one-minute stream token instead of a header", async () => {
    const issued = await app.as("agent1").post("/api/v1/live/tokens", {});
    const agent = await Peer.open(wsUrl(`/api/v1/chat/agent?token=${issued.body.token}`));
    expect((await agent.next((f) => f.type === "hello")).agent).toBeTruthy();
    agent.closeNow();
  });

  it("lets only the first of two agents take a chat", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const { customer, chatId } = await startChat(phone, orderNo);
    customer.send({ type: "human" });
    await customer.next((f) => f.type === "queued");
    const first = await agentSocket(app.token.agent1);
    const second = await agentSocket(await login(app.url, "agent2"));
    first.send({ type: "accept", chatId });
    await first.next((f) => f.type === "accepted");
    second.send({ type: "accept", chatId });
    expect(await second.next((f) => f.type === "error")).toMatchObject({ code: "CHAT_NOT_WAITING" });
    second.send({ type: "message", chatId, text: "我也来" });
    expect(await second.next((f) => f.type === "error" && f.code !== "CHAT_NOT_WAITING")).toMatchObject({
      code: "CHAT_NOT_YOURS",
    });
    for (const p of [customer, first, second]) p.closeNow();
  });

  it("refuses someone else's order at the start", async () => {
    const { orderNo } = await createOrder(app.url, app.token.admin);
    const customer = await customerSocket();
    customer.send({ type: "hello", phone: "13900001111", orderNo });
    expect(await customer.next((f) => f.type === "error")).toMatchObject({ code: "ORDER_NOT_FOUND" });
    customer.closeNow();
  });
});

describe("hostile input", () => {
  it("answers bad frames with error frames and keeps the socket serving", async () => {
    const customer = await customerSocket();
    customer.send("{not json");
    customer.send("[1,2,3]");
    customer.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    customer.send({ type: "message", text: "先说话" });
    customer.send({ type: "🙃".repeat(100) });
    await customer.next((f) => f.type === "error" && f.code === "UNKNOWN_FRAME");
    const codes = customer.frames.filter((f) => f.type === "error").map((f) => f.code);
    expect(codes).toEqual(["BAD_FRAME", "BAD_FRAME", "BAD_FRAME", "NOT_STARTED", "UNKNOWN_FRAME"]);

    customer.send({ type: "hello", phone: "13800138000", orderNo: "FDO000001" });
    await customer.next((f) => f.type === "welcome");
    customer.closeNow();
  });

  it("refuses empty, non-text, overlong and NUL-holding lines one by one and goes on", async () => {
    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const { customer } = await startChat(phone, orderNo);
    customer.send({ type: "message", text: "长".repeat(1001) });
    customer.send({ type: "message", text: "   " });
    customer.send({ type: "message", text: { $gt: "" } });
    // PostgreSQL cannot store a NUL: refused with the frame, not a failed insert.
    customer.send({ type: "message", text: "餐没到\u0000" });
    customer.send({ type: "message", text: "餐没到怎么办", id: "still-here" });
    await customer.next((f) => f.type === "ack" && f.id === "still-here");
    const codes = customer.frames.filter((f) => f.type === "error").map((f) => f.code);
    expect(codes).toEqual(["MESSAGE_TOO_LONG", "EMPTY_MESSAGE", "EMPTY_MESSAGE", "INVALID_CHARACTER"]);
    customer.closeNow();
  });

  it("slows a flood down with RATE_LIMITED and closes an oversized frame without harm to others", async () => {
    const flooder = await customerSocket();
    for (let i = 0; i < 40; i++) flooder.send({ type: "ping" });
    await flooder.next((f) => f.type === "error" && f.code === "RATE_LIMITED");
    expect(flooder.closed).toBeNull();

    const big = await customerSocket();
    big.send({ type: "message", text: "x".repeat(20_000) });
    await expect(big.next(() => false)).rejects.toThrow("socket closed (1009)");

    const { phone, orderNo } = await createOrder(app.url, app.token.admin);
    const { customer } = await startChat(phone, orderNo);
    customer.closeNow();
    flooder.closeNow();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("answers a plain GET on the socket endpoint with 426 in the error shape", async () => {
    const r = await client(app.url).get("/api/v1/chat/customer");
    expect(r.status).toBe(426);
    expect(r.body.error.code).toBe("UPGRADE_REQUIRED");
  });
});

describe("nobody takes the chat in time", () => {
  // The offer comes after one second here instead of thirty.
  const quick = served({ env: { CHAT_CALLBACK_OFFER_SECONDS: "1" } });

  it("offers a callback, and 回电 turns the waiting chat into a ticket with the customer's question", async () => {
    const quickAdmin = await login(quick.url, "admin");
    const { phone, orderNo } = await createOrder(quick.url, quickAdmin);
    const customer = await Peer.open(`${quick.url.replace(/^http/, "ws")}/api/v1/chat/customer`);
    customer.send({ type: "hello", phone, orderNo });
    await customer.next((f) => f.type === "welcome");
    customer.send({ type: "message", text: "外卖洒了一半" });
    customer.send({ type: "human" });
    await customer.next((f) => f.type === "queued");
    const offer = await customer.next((f) => f.type === "callback_offer");
    expect(offer.text).toContain("回电");

    customer.send({ type: "message", text: "回电" });
    const ticket = await customer.next((f) => f.type === "ticket" || f.type === "error");
    expect(ticket.type, JSON.stringify(ticket)).toBe("ticket");
    const agent = await login(quick.url, "agent1");
    const t = (await client(quick.url, agent).get(`/api/v1/tickets/${ticket.ticketNo}`)).body;
    expect(t).toMatchObject({ channel: "web", status: "new" });
    expect(t.description).toContain("请求回电");
    expect(t.description).toContain("外卖洒了一半");
    // The chat left the queue: an agent connecting now is not handed it.
    const chats = (await client(quick.url, agent).get("/api/v1/chats?state=waiting")).body;
    expect(JSON.stringify(chats)).not.toContain(ticket.ticketNo);
    customer.closeNow();
  });
});
