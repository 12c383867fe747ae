import type { FastifyBaseLogger } from "fastify";
import type { Histogram } from "prom-client";
import type { WebSocket } from "ws";
import type { AppContext } from "../../platform/context.ts";
import { type Locale, text } from "../../platform/errors.ts";
import type { Principal } from "../users/roles.ts";
import { lineOut } from "./chat.customer.ts";
import { AGENT_RATE, handoverMs } from "./chat.domain.ts";
import { type ChatHub, heldPeer } from "./chat.hub.ts";
import { chatError, type Frame, lineOf, serveFrames, str, unknownFrame } from "./chat.socket.ts";
import { acceptChat, appendMessage, closeChat, findChat, listChats, transcriptOf } from "./chat.store.ts";
import { chatSummary } from "./chat.view.ts";

/**
 * An agent's workspace socket: the waiting queue on connect and every new hand-over as it happens;
 * accept one (the first agent wins), talk, end it. Ticket creation is a plain HTTP call (a 201 is durable).
 */
const WORDS = {
  joined: (name: string) => text(`人工客服 ${name} 为您服务`, `${name} from customer service has joined`),
  ended: text(
    "客服已结束本次会话，感谢您的耐心",
    "The agent has ended the chat. Thank you for your patience",
  ),
};

export function agentChat(
  ctx: AppContext,
  hub: ChatHub,
  socket: WebSocket,
  principal: Principal,
  locale: Locale,
  log: FastifyBaseLogger,
  handoverSeconds: Histogram,
): void {
  const me = { id: principal.id, name: principal.name };

  const ownActiveChat = async (frame: Frame) => {
    const chatId = str(frame.chatId) ?? "";
    const chat = chatId ? await findChat(ctx.db, chatId) : undefined;
    if (chat?.state !== "active" || chat.agent_id !== me.id)
      throw chatError("CHAT_NOT_YOURS", "这不是您正在接待的会话", "This is not one of your active chats");
    return chat;
  };

  const accept = async (frame: Frame) => {
    const chatId = str(frame.chatId) ?? "";
    const now = ctx.clock.now();
    const chat = chatId ? await acceptChat(ctx.db, chatId, me, now) : undefined;
    if (!chat)
      throw chatError("CHAT_NOT_WAITING", "该会话已被接入或已结束", "That chat was taken or has ended");
    const ms = handoverMs(chat.handover_requested_at, chat.accepted_at);
    if (ms !== null) handoverSeconds.observe(ms / 1000);
    // The customer may be on another process: the chat row, not this process's sockets, knows their language.
    const joined = WORDS.joined(me.name)[chat.customer_locale];
    await appendMessage(ctx.db, chat.id, { sender: "system", author: me.name, body: joined }, now);
    hub.toCustomer(
      chat.id,
      { type: "agent_joined", agent: me.name, text: joined },
      { state: "active", agentId: me.id },
    );
    hub.toAllAgents({ type: "taken", chatId: chat.id, by: me.name });
    peer.send({
      type: "accepted",
      chat: {
        ...chatSummary(chat, { maskPhone: false }),
        // A waiting chat is closed when its customer's socket closes, so one still waiting had it open.
        customerOnline: Boolean(hub.customer(chat.id)) || hub.sharedAcrossProcesses,
        transcript: (await transcriptOf(ctx.db, chat.id)).map(lineOut),
      },
    });
  };

  const message = async (frame: Frame) => {
    const line = lineOf(frame);
    const chat = await ownActiveChat(frame);
    const messageId = await appendMessage(
      ctx.db,
      chat.id,
      { sender: "agent", author: me.name, body: line },
      ctx.clock.now(),
    );
    peer.send({
      type: "ack",
      chatId: chat.id,
      messageId,
      ...(typeof frame.id === "string" ? { id: frame.id } : {}),
    });
    hub.toCustomer(chat.id, { type: "message", from: "agent", agent: me.name, text: line, messageId });
  };

  const end = async (frame: Frame) => {
    const chat = await ownActiveChat(frame);
    const now = ctx.clock.now();
    const ended = WORDS.ended[chat.customer_locale];
    await appendMessage(ctx.db, chat.id, { sender: "system", author: me.name, body: ended }, now);
    await closeChat(ctx.db, chat.id, now);
    hub.toCustomer(chat.id, { type: "closed", text: ended }, { state: "closed" });
    peer.send({ type: "closed", chatId: chat.id });
  };

  const peer = serveFrames(
    socket,
    AGENT_RATE,
    locale,
    log,
    async (frame) => {
      if (frame.type === "accept") return accept(frame);
      if (frame.type === "message") return message(frame);
      if (frame.type === "close") return end(frame);
      throw unknownFrame(frame);
    },
    async () => hub.leaveAgent(live),
  );
  // The workspace takes the hello's queue as the whole queue: a hand-over (or a take) told while the
  // queue is read would arrive first and be wiped by it, so those frames wait until the hello is sent.
  const live = heldPeer(peer);
  hub.joinAgent(live, me);
  void Promise.all([
    listChats(ctx.db, { states: ["waiting"], limit: 100 }),
    listChats(ctx.db, { states: ["active"], agentId: me.id, limit: 100 }),
  ])
    .then(([waiting, active]) =>
      peer.send({
        type: "hello",
        agent: me.name,
        waiting: waiting.map((c) => chatSummary(c, { maskPhone: true })),
        active: active.map((c) => chatSummary(c, { maskPhone: false })),
      }),
    )
    .catch((error) => log.error({ err: error }, "chat queue read failed"))
    .finally(live.release);
}
