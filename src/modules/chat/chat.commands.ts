import type { AppContext } from "../../platform/context.ts";
import { conflict, type Locale, notFound, text, validationError } from "../../platform/errors.ts";
import type { BusinessLine } from "../../policy-packs/schema.ts";
import { registerRequest } from "../intake/intake.commands.ts";
import { MAX_DESCRIPTION } from "../intake/intake.domain.ts";
import { recordCustomerMessage } from "../tickets/customer-message.ts";
import { findTicket } from "../tickets/tickets.store.ts";
import type { Principal } from "../users/roles.ts";
import { type TranscriptLine, ticketDescription, transcriptText } from "./chat.domain.ts";
import type { ChatHub } from "./chat.hub.ts";
import { type ChatRow, findChat, linkTicket, transcriptOf, withdrawWaiting } from "./chat.store.ts";

/**
 * A chat becomes a ticket (channel `web`: the widget is part of the H5 web pages, the same place as the
 * web form, and the customer identified by phone and order exactly as that form asks), or is attached
 * to a ticket the customer already has. Either way the transcript goes with it.
 */
const CHANNEL = "web";

const transcriptData = (chatId: string, lines: readonly TranscriptLine[]) => ({
  chatId,
  transcript: lines.map((l) => ({ from: l.sender, author: l.author, text: l.body, at: l.at.toISOString() })),
});

export async function ticketFromChat(
  ctx: AppContext,
  hub: ChatHub,
  p: Principal,
  chatId: string,
  ask: { ticketNo?: string; description?: string; category?: string; orderNo?: string },
  locale: Locale,
): Promise<{ ticketNo: string; created: boolean }> {
  const chat = await findChat(ctx.db, chatId);
  if (!chat) throw notFound(text("会话", "Chat"));
  if (chat.ticket_no)
    throw conflict(
      "CHAT_ALREADY_LINKED",
      text(`该会话已关联服务单 ${chat.ticket_no}`, `The chat already belongs to ${chat.ticket_no}`),
    );
  const lines: TranscriptLine[] = (await transcriptOf(ctx.db, chatId)).map((l) => ({
    sender: l.sender,
    author: l.author,
    body: l.body,
    at: new Date(l.at),
  }));
  const customer = { id: null, name: chat.customer_phone, role: "customer" };
  if (ask.ticketNo) {
    const t = await findTicket(ctx.db, ask.ticketNo);
    // Another customer's ticket looks like no ticket: the agent must not mix two people's cases.
    if (!t || t.customer_phone !== chat.customer_phone)
      throw validationError([
        {
          field: "ticketNo",
          code: "NOT_THIS_CUSTOMERS_TICKET",
          message: text("该客户名下没有这张服务单", "this customer has no such ticket"),
        },
      ]);
    await recordCustomerMessage(ctx, t.ticket_no, customer, {
      type: "chat_transcript",
      visibility: "customer",
      channel: CHANNEL,
      data: { ...transcriptData(chatId, lines), attachedBy: p.name },
    });
    await linkTicket(ctx.db, chatId, t.ticket_no);
    notifyCustomer(hub, chat, t.ticket_no, false);
    return { ticketNo: t.ticket_no, created: false };
  }
  const orderNo = ask.orderNo ?? chat.order_no;
  const line = ctx.packs.get((chat.business_line ?? "food_delivery") as BusinessLine);
  const minChars = line
    ? ((line.descriptionMinLength as Record<string, number>)[CHANNEL] ?? line.descriptionMinLength.default)
    : 10;
  const description = ask.description?.trim() || ticketDescription(lines, minChars, MAX_DESCRIPTION);
  const registered = await registerRequest(
    ctx,
    {
      channel: CHANNEL,
      phone: chat.customer_phone,
      orderNo: orderNo ?? "",
      description,
      ...(ask.category ? { category: ask.category } : {}),
    },
    { id: p.id, name: p.name, role: p.role },
    // A retried click answers the same ticket instead of opening a second one.
    { key: `chat:${chatId}`, requestHash: `chat:${chatId}` },
    locale,
    // In the `received` event, written in the ticket's own statement: the ticket never exists without it.
    { ...transcriptData(chatId, lines), transcriptText: transcriptText(lines) },
  );
  if (!registered.ok) throw validationError(registered.details);
  await linkTicket(ctx.db, chatId, registered.ticketNo);
  notifyCustomer(hub, chat, registered.ticketNo, true);
  return { ticketNo: registered.ticketNo, created: !registered.replayed };
}

function notifyCustomer(hub: ChatHub, chat: ChatRow, ticketNo: string, created: boolean) {
  const words = created
    ? text(
        `已为您登记售后服务单 ${ticketNo}，可凭服务单号和手机号查询进度`,
        `Your request is registered as ${ticketNo}; check its progress with the number and your phone`,
      )
    : text(`本次对话已附到您的服务单 ${ticketNo}`, `This chat was added to your request ${ticketNo}`);
  hub.toCustomer(chat.id, { type: "ticket", ticketNo, text: words[chat.customer_locale] });
}

/** The chat bot registers the callback ticket: no person has taken the chat, so none is its author. */
const CHAT_BOT: Principal = {
  kind: "apiKey",
  id: "chat-bot",
  name: "在线客服机器人",
  role: "integration",
  merchantIds: [],
  riderId: null,
  scopes: [],
};

/**
 * Nobody took the chat in time and the customer asked to be called back: the chat leaves the queue and
 * becomes a ticket whose first words say so, with the transcript, for an agent to call the customer.
 */
export async function callbackTicket(
  ctx: AppContext,
  hub: ChatHub,
  chatId: string,
  locale: Locale,
): Promise<{ ticketNo: string } | null> {
  const chat = await findChat(ctx.db, chatId);
  if (!chat?.order_no) return null;
  if (!(await withdrawWaiting(ctx.db, chatId, ctx.clock.now()))) return null;
  hub.toAllAgents({ type: "withdrawn", chatId });
  const lines = (await transcriptOf(ctx.db, chatId)).map((l) => ({
    sender: l.sender,
    author: l.author,
    body: l.body,
    at: new Date(l.at),
  }));
  // The whole conversation follows the note: the web form's minimum length holds, and the agent who
  // calls back reads what was already said.
  const description = `顾客在线等待人工客服超时，请求回电。对话记录：\n${transcriptText(lines)}`.slice(
    0,
    MAX_DESCRIPTION,
  );
  const { ticketNo } = await ticketFromChat(ctx, hub, CHAT_BOT, chatId, { description }, locale);
  return { ticketNo };
}
