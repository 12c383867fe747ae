import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { AppContext } from "../../platform/context.ts";
import { type Locale, text } from "../../platform/errors.ts";
import { randomId } from "../../platform/ids.ts";
import { normalisePhone } from "../intake/intake.domain.ts";
import { fillFaqAnswer } from "../knowledge/knowledge.domain.ts";
import { indexOf } from "../knowledge/knowledge.routes.ts";
import { findOrderForIntake } from "../orders/orders.store.ts";
import { callbackTicket } from "./chat.commands.ts";
import { botTurn, CUSTOMER_RATE, type FaqAnswer, maskPhone } from "./chat.domain.ts";
import type { ChatHub, CustomerSide } from "./chat.hub.ts";
import { chatError, type Frame, lineOf, serveFrames, str, unknownFrame } from "./chat.socket.ts";
import {
  appendMessage,
  closeChat,
  findChat,
  openChat,
  placeInLine,
  queueForAgent,
  setUnsureTurns,
  transcriptOf,
} from "./chat.store.ts";

/**
 * The customer's side of a chat: say who you are (phone, and the order if you have it), ask, get the
 * bot's answer, ask for a person. Each line is stored before it is acknowledged.
 */
const PHONE = /^1[3-9]\d{9}$/;

const WORDS = {
  welcome: text(
    "您好，我是智能客服小售。请直接描述您的问题；需要人工服务时发送“转人工”。",
    'Hello, I am the service bot. Describe your problem; send "转人工" (human) to talk to an agent.',
  ),
  offer: text(
    "抱歉，我没能确定您的问题。需要为您转人工客服吗？回复“是”或“转人工”即可。",
    'Sorry, I am not sure I understood. Shall I pass you to a human agent? Reply "yes" or "转人工".',
  ),
  queued: (n: number) =>
    text(
      `正在为您转接人工客服，您前面还有 ${n - 1} 位，请稍候。`,
      `Passing you to an agent; ${n - 1} ${n === 2 ? "person is" : "people are"} ahead of you.`,
    ),
  closedByCustomer: text("您已结束本次会话", "You ended the chat"),
  callbackOffer: text(
    "人工客服暂时繁忙，您可以继续等待，或回复“回电”，我们会为您登记服务单并在服务时间内给您回电。",
    'All agents are busy. Keep waiting, or reply "回电" (call me back): we will register your request and call you back within service hours.',
  ),
  callbackNeedsOrder: text(
    "登记回电需要订单号，请重新开始会话并填写订单号，或继续等待人工客服。",
    "A callback needs your order number: start the chat again with it, or keep waiting for an agent.",
  ),
};

const CALLBACK_WORDS = ["回电", "回拨", "call me back", "callback"];

async function faqAnswer(ctx: AppContext, question: string, businessLine: string | null): Promise<FaqAnswer> {
  const m = (await indexOf(ctx)).matchFaq(question, businessLine ?? undefined);
  return {
    answered: m.answered,
    confidence: m.confidence,
    text: m.entry?.body ?? null,
    entryId: m.entry?.id ?? null,
    wantsPerson: m.entry?.data.intent === "human_agent",
  };
}

export function customerChat(
  ctx: AppContext,
  hub: ChatHub,
  socket: WebSocket,
  locale: Locale,
  log: FastifyBaseLogger,
): void {
  let chat: { id: string; phone: string; businessLine: string | null; side: CustomerSide } | null = null;

  const hello = async (frame: Frame) => {
    if (chat) throw chatError("ALREADY_STARTED", "会话已开始", "The chat has already started");
    const phone = normalisePhone(str(frame.phone) ?? "");
    if (!PHONE.test(phone))
      throw chatError("INVALID_PHONE", "请输入正确的手机号", "Enter a valid mobile number");
    const orderNo = str(frame.orderNo)?.trim().slice(0, 64) || null;
    const order = orderNo ? await findOrderForIntake(ctx.db, orderNo) : null;
    // As at intake: an unknown order and someone else's order answer alike.
    if (orderNo && order?.customerPhone !== phone)
      throw chatError(
        "ORDER_NOT_FOUND",
        "未找到该手机号下的这笔订单，请核对订单号",
        "No order with this number for this phone",
      );
    const id = `C${randomId(9)}`;
    const businessLine = order?.businessLine ?? null;
    await openChat(ctx.db, { id, phone, orderNo, businessLine, locale }, ctx.clock.now());
    const side: CustomerSide = {
      peer,
      locale,
      state: "bot",
      unsureTurns: 0,
      offeredPerson: false,
      agentId: null,
    };
    chat = { id, phone, businessLine, side };
    hub.joinCustomer(id, side);
    await say(WORDS.welcome[locale], {});
    peer.send({ type: "welcome", chatId: id, text: WORDS.welcome[locale] });
  };

  const say = (body: string, data: Record<string, unknown>) =>
    appendMessage(ctx.db, chat!.id, { sender: "bot", author: null, body, data }, ctx.clock.now());

  const handOver = async (reason: string) => {
    const c = chat!;
    if (!(await queueForAgent(ctx.db, c.id, reason, ctx.clock.now()))) return;
    c.side.state = "waiting";
    const position = await placeInLine(ctx.db, c.id);
    const words = WORDS.queued(position)[locale];
    await say(words, { handover: reason });
    peer.send({ type: "queued", position, text: words, agentsOnline: hub.agentsOnline });
    // The promise is a person within the offer time; past it the customer may take a callback instead.
    setTimeout(() => {
      if (c.side.state !== "waiting") return;
      void say(WORDS.callbackOffer[locale], { offerCallback: true })
        .then(() => peer.send({ type: "callback_offer", text: WORDS.callbackOffer[locale] }))
        .catch((error: unknown) => log.warn({ err: error }, "chat callback offer"));
    }, ctx.config.chatCallbackOfferSeconds * 1000).unref();
    const transcript = await transcriptOf(ctx.db, c.id);
    hub.toAllAgents({
      type: "handover",
      chat: {
        chatId: c.id,
        phone: maskPhone(c.phone),
        businessLine: c.businessLine,
        reason,
        requestedAt: ctx.clock.now().toISOString(),
        transcript: transcript.map(lineOut),
      },
    });
  };

  /**
   * An agent on another process may have accepted the chat a moment ago, its word still on the way: the
   * chat row says so already. The line just stored then goes to the agent too (their workspace may also
   * have it in the transcript it was sent; lines carry their id).
   */
  const heardOfAcceptance = async (side: CustomerSide) => {
    if (!hub.sharedAcrossProcesses) return;
    const row = await findChat(ctx.db, chat!.id);
    if (row?.state === "active" && row.agent_id && side.state === "waiting") {
      side.state = "active";
      side.agentId = row.agent_id;
    }
  };

  const callback = async () => {
    const c = chat!;
    const made = await callbackTicket(ctx, hub, c.id, locale);
    if (!made) {
      await say(WORDS.callbackNeedsOrder[locale], {});
      return peer.send({ type: "message", from: "bot", text: WORDS.callbackNeedsOrder[locale] });
    }
    c.side.state = "closed";
  };

  const message = async (frame: Frame) => {
    if (!chat) throw chatError("NOT_STARTED", "请先输入手机号开始会话", 'Send "hello" with your phone first');
    const line = lineOf(frame);
    const c = chat;
    if (c.side.state === "closed") throw chatError("CHAT_CLOSED", "会话已结束", "The chat has ended");
    const messageId = await appendMessage(
      ctx.db,
      c.id,
      { sender: "customer", author: null, body: line },
      ctx.clock.now(),
    );
    peer.send({ type: "ack", messageId, ...(typeof frame.id === "string" ? { id: frame.id } : {}) });
    if (c.side.state === "waiting") await heardOfAcceptance(c.side);
    if (c.side.state === "active" && c.side.agentId)
      hub.toAgent(c.side.agentId, { type: "message", chatId: c.id, from: "customer", text: line, messageId });
    if (c.side.state === "waiting" && CALLBACK_WORDS.some((w) => line.toLowerCase().includes(w)))
      return callback();
    if (c.side.state !== "bot") return;
    const turn = botTurn(line, await faqAnswer(ctx, line, c.businessLine), c.side);
    if (turn.kind === "handover") return handOver(turn.reason);
    c.side.unsureTurns = turn.unsureTurns;
    c.side.offeredPerson = turn.kind === "offer";
    await setUnsureTurns(ctx.db, c.id, turn.unsureTurns);
    const reply = turn.kind === "answer" ? fillFaqAnswer(turn.text, locale) : WORDS.offer[locale];
    const data =
      turn.kind === "answer"
        ? { confidence: turn.confidence, entryId: turn.entryId }
        : { confidence: turn.confidence, offerHuman: true };
    await say(reply, data);
    peer.send({ type: "message", from: "bot", text: reply, ...data });
  };

  const peer = serveFrames(
    socket,
    CUSTOMER_RATE,
    locale,
    log,
    async (frame) => {
      if (frame.type === "hello") return hello(frame);
      if (frame.type === "message") return message(frame);
      if (frame.type === "human") {
        if (!chat) throw chatError("NOT_STARTED", "请先输入手机号开始会话", 'Send "hello" first');
        return handOver("asked");
      }
      if (frame.type === "callback" && chat?.side.state === "waiting") return callback();
      if (frame.type === "bye") return socket.close(1000, "bye");
      throw unknownFrame(frame);
    },
    async () => {
      if (!chat) return;
      const c = chat;
      hub.leaveCustomer(c.id);
      // An agent keeps an accepted chat to finish it (e.g. open its ticket); the rest end with the socket.
      if (c.side.state === "active" && c.side.agentId)
        hub.toAgent(c.side.agentId, { type: "customer_left", chatId: c.id });
      else if (c.side.state !== "closed") {
        await closeChat(ctx.db, c.id, ctx.clock.now());
        if (c.side.state === "waiting") hub.toAllAgents({ type: "withdrawn", chatId: c.id });
      }
    },
  );
}

export const lineOut = (l: {
  id: string;
  sender: string;
  author: string | null;
  body: string;
  at: Date;
}) => ({
  messageId: String(l.id),
  from: l.sender,
  author: l.author,
  text: l.body,
  at: new Date(l.at).toISOString(),
});
