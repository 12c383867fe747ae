import "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Histogram, type Registry } from "prom-client";
import { Type as T } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, notFound, pickLocale, text } from "../../platform/errors.ts";
import { ErrorSchema } from "../../platform/http.ts";
import { verifyStreamToken } from "../live/stream-token.ts";
import { need, principalOf } from "../users/auth.ts";
import { principalById } from "../users/users.directory.store.ts";
import { agentChat } from "./chat.agent.ts";
import { ticketFromChat } from "./chat.commands.ts";
import { customerChat, lineOut } from "./chat.customer.ts";
import type { ChatState } from "./chat.domain.ts";
import { ChatHub } from "./chat.hub.ts";
import { shareChatHub } from "./chat.relay.ts";
import { findChat, listChats, transcriptOf } from "./chat.store.ts";
import { ChatSummary, chatSummary } from "./chat.view.ts";

/**
 * Live chat: two WebSocket endpoints (the customer's widget, the agent's workspace) and the console's
 * HTTP reads and ticket action. A plain GET on a socket endpoint answers 426 with the protocol described,
 * so the endpoints appear in /openapi.json like every route.
 */
const UPGRADE = {
  426: ErrorSchema,
};

const upgradeRequired = () =>
  new AppError(
    "UPGRADE_REQUIRED",
    426,
    text("请使用 WebSocket 连接此地址", "Connect to this address with a WebSocket"),
  );

const CUSTOMER_PROTOCOL =
  'Customer live chat over WebSocket (JSON text frames). Send {"type":"hello","phone","orderNo"?} → ' +
  '{"type":"welcome","chatId"}; {"type":"message","text","id"?} → {"type":"ack","id","messageId"} once ' +
  'stored, then the bot\'s {"type":"message","from":"bot","text","confidence","offerHuman"?}; "转人工", ' +
  '{"type":"human"} or two unsure answers → {"type":"queued","position"}; later {"type":"agent_joined"}, ' +
  '{"type":"message","from":"agent"}, {"type":"ticket","ticketNo"}, {"type":"closed"}. Problems answer ' +
  '{"type":"error","code","message"}; frames over 16 KiB close the socket (1009).';

const AGENT_PROTOCOL =
  "Agent chat workspace over WebSocket; staff with chat.work, by `Authorization: Bearer` or `?token=` " +
  '(a one-minute token from POST /api/v1/live/tokens, for browsers). Receives {"type":"hello","waiting",' +
  '"active"} and {"type":"handover","chat":{…,"transcript"}}; sends {"type":"accept","chatId"} → ' +
  '{"type":"accepted","chat"} (or error CHAT_NOT_WAITING), {"type":"message","chatId","text","id"?} → ack, ' +
  '{"type":"close","chatId"}; also receives customer messages, "taken", "withdrawn", "customer_left".';

/** Browsers cannot set headers on a WebSocket: the console trades its session for a stream token. */
async function agentFromToken(ctx: AppContext, request: FastifyRequest) {
  const token = (request.query as { token?: string }).token;
  if (request.principal || !token) return;
  const userId = verifyStreamToken(ctx.config.authSecret, token, ctx.clock.now());
  request.principal = userId ? await principalById(ctx.db, userId) : null;
}

export function chatRoutes(app: FastifyInstance, ctx: AppContext, registry: Registry): void {
  const hub = new ChatHub();
  // Several processes on one PostgreSQL: a customer and an agent connected to different ones still talk.
  const stopSharing = shareChatHub(hub, ctx, app.log);
  if (stopSharing) app.addHook("onClose", async () => stopSharing());
  const handoverSeconds = new Histogram({
    name: "aftersale_chat_handover_seconds",
    help: "Live chat: from the customer's request for a person to an agent accepting (promise: 30 s)",
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });

  app.route({
    method: "GET",
    url: "/api/v1/chat/customer",
    config: { rateLimit: { max: ctx.config.publicRateLimit, timeWindow: "1 minute" } },
    schema: {
      tags: ["chat"],
      summary: CUSTOMER_PROTOCOL,
      security: [],
      response: UPGRADE,
    },
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: (socket, request) =>
      customerChat(ctx, hub, socket, pickLocale(request.headers["accept-language"]), request.log),
  });

  const chatWork = need("chat.work");
  app.route({
    method: "GET",
    url: "/api/v1/chat/agent",
    preValidation: async (request) => {
      await agentFromToken(ctx, request);
      await chatWork(request);
    },
    schema: {
      tags: ["chat"],
      summary: AGENT_PROTOCOL,
      querystring: T.Object({ token: T.Optional(T.String({ maxLength: 200 })) }),
      response: { 401: ErrorSchema, 403: ErrorSchema, ...UPGRADE },
    },
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: (socket, request) =>
      agentChat(
        ctx,
        hub,
        socket,
        principalOf(request),
        pickLocale(request.headers["accept-language"]),
        request.log,
        handoverSeconds,
      ),
  });

  app.get(
    "/api/v1/chats",
    {
      preValidation: chatWork,
      schema: {
        tags: ["chat"],
        summary: "Chats by state: the waiting queue (phones masked), the caller's active chats, recent ones",
        querystring: T.Object({
          state: T.Optional(
            T.Union([T.Literal("waiting"), T.Literal("active"), T.Literal("closed"), T.Literal("bot")]),
          ),
          mine: T.Optional(T.Boolean()),
          limit: T.Optional(T.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: T.Object({ items: T.Array(ChatSummary) }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => {
      const q = request.query as { state?: ChatState; mine?: boolean; limit?: number };
      const p = principalOf(request);
      const rows = await listChats(ctx.db, {
        states: q.state ? [q.state] : ["waiting", "active"],
        ...(q.mine ? { agentId: p.id } : {}),
        limit: q.limit ?? 50,
      });
      // Only the agent who took a chat sees the whole number; everyone else sees the list's mask.
      return { items: rows.map((c) => chatSummary(c, { maskPhone: c.agent_id !== p.id })) };
    },
  );

  app.get(
    "/api/v1/chats/:chatId",
    {
      preValidation: chatWork,
      schema: {
        tags: ["chat"],
        summary: "One chat with its transcript and its measured hand-over time",
        params: T.Object({ chatId: T.String({ maxLength: 40 }) }),
        response: {
          200: T.Intersect([
            ChatSummary,
            T.Object({
              transcript: T.Array(
                T.Object({
                  messageId: T.String(),
                  from: T.String(),
                  author: T.Union([T.String(), T.Null()]),
                  text: T.String(),
                  at: T.String(),
                }),
              ),
            }),
          ]),
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { chatId } = request.params as { chatId: string };
      const p = principalOf(request);
      const chat = await findChat(ctx.db, chatId);
      if (!chat) throw notFound(text("会话", "Chat"));
      const transcript = (await transcriptOf(ctx.db, chatId)).map(lineOut);
      return { ...chatSummary(chat, { maskPhone: chat.agent_id !== p.id }), transcript };
    },
  );

  app.post(
    "/api/v1/chats/:chatId/ticket",
    {
      preValidation: chatWork,
      schema: {
        tags: ["chat"],
        summary:
          "Turn the chat into a ticket (channel web, transcript in its first event), or attach it to the " +
          "customer's existing ticket (`ticketNo`; a ticket awaiting the customer goes back to in_progress)",
        params: T.Object({ chatId: T.String({ maxLength: 40 }) }),
        body: T.Object({
          ticketNo: T.Optional(T.String({ pattern: "^[A-Z]{2}\\d{8,}$" })),
          orderNo: T.Optional(T.String({ minLength: 1, maxLength: 64 })),
          description: T.Optional(T.String({ maxLength: 2000 })),
          category: T.Optional(T.String({ maxLength: 40 })),
        }),
        response: {
          201: T.Object({ ticketNo: T.String(), created: T.Boolean() }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { chatId } = request.params as { chatId: string };
      const out = await ticketFromChat(
        ctx,
        hub,
        principalOf(request),
        chatId,
        request.body as { ticketNo?: string; description?: string; category?: string; orderNo?: string },
        pickLocale(request.headers["accept-language"]),
      );
      reply.status(201);
      return out;
    },
  );
}
