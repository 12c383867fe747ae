import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../../platform/context.ts";
import { AppError, text } from "../../../platform/errors.ts";
import { ErrorSchema } from "../../../platform/http.ts";
import { serviceHoursText } from "../../intake/intake.commands.ts";
import { indexOf } from "../../knowledge/knowledge.routes.ts";
import {
  type BotAnswer,
  parseWechatXml,
  signatureValid,
  textReplyXml,
  timestampFresh,
  wechatAnswer,
} from "./wechat.domain.ts";

/**
 * The official account's server URL. WeChat waits 5 seconds for the answer and then retries; the bot's
 * FAQ match takes about a millisecond, and is given up after 3 seconds (a cold start of the knowledge
 * index) so the customer still gets the hand-over in time.
 */

const BOT_BUDGET_MS = 3000;

const Signed = T.Object({
  signature: T.Optional(T.String()),
  timestamp: T.Optional(T.String()),
  nonce: T.Optional(T.String()),
  echostr: T.Optional(T.String()),
  openid: T.Optional(T.String()),
});
type SignedQuery = { signature?: string; timestamp?: string; nonce?: string; echostr?: string };

function checkSignature(ctx: AppContext, request: FastifyRequest): void {
  const token = ctx.config.channels.wechatToken;
  if (!token)
    throw new AppError(
      "CHANNEL_NOT_CONFIGURED",
      503,
      text("未配置微信公众号（WECHAT_TOKEN）", "The WeChat account is not configured (WECHAT_TOKEN)"),
    );
  const q = request.query as SignedQuery;
  const nowSeconds = Math.floor(ctx.clock.now().getTime() / 1000);
  if (!signatureValid(token, q) || !timestampFresh(q.timestamp!, nowSeconds))
    throw new AppError("INVALID_SIGNATURE", 401, text("签名无效", "Invalid signature"), [
      {
        field: "signature",
        code: "INVALID_SIGNATURE",
        message: text("签名校验失败或已过期", "signature does not match or is stale"),
      },
    ]);
}

async function botAnswer(ctx: AppContext, question: string): Promise<BotAnswer | null> {
  const match = indexOf(ctx).then((index) => {
    const m = index.matchFaq(question);
    return {
      answered: m.answered,
      text: m.entry?.body ?? null,
      wantsPerson: m.entry?.data.intent === "human_agent",
    };
  });
  const late = new Promise<null>((resolve) => setTimeout(() => resolve(null), BOT_BUDGET_MS).unref());
  return Promise.race([match, late]);
}

export function wechatRoutes(app: FastifyInstance, ctx: AppContext): void {
  const formUrl = `${ctx.config.publicUrl}/h5/new?channel=wechat`;
  const serviceHours = serviceHoursText(
    ctx.packs.get("food_delivery") ?? [...ctx.packs.values()][0]!,
    "zh-CN",
  );
  void app.register(async (scope) => {
    scope.addContentTypeParser(["text/xml", "application/xml"], { parseAs: "string" }, (_req, body, done) =>
      done(null, body),
    );

    scope.get(
      "/api/v1/channels/wechat",
      {
        schema: {
          tags: ["channels"],
          summary:
            "WeChat official account: server URL verification (echoes echostr when the signature holds)",
          querystring: Signed,
          response: { 200: T.String(), 401: ErrorSchema, 503: ErrorSchema },
        },
      },
      async (request, reply: FastifyReply) => {
        checkSignature(ctx, request);
        return reply.type("text/plain").send((request.query as SignedQuery).echostr ?? "");
      },
    );

    scope.post(
      "/api/v1/channels/wechat",
      {
        schema: {
          tags: ["channels"],
          summary: "WeChat official account: a message or event (XML); answered with a passive XML reply",
          querystring: Signed,
          consumes: ["text/xml", "application/xml"],
          response: { 200: T.String(), 400: ErrorSchema, 401: ErrorSchema, 503: ErrorSchema },
        },
      },
      async (request, reply: FastifyReply) => {
        checkSignature(ctx, request);
        const message = typeof request.body === "string" ? parseWechatXml(request.body) : null;
        if (!message?.FromUserName || !message.ToUserName || !message.MsgType)
          throw new AppError("INVALID_MESSAGE", 400, text("消息格式不正确", "Not a WeChat message"), [
            {
              field: "body",
              code: "INVALID_XML",
              message: text("需要微信的 XML 消息", "a WeChat XML message is expected"),
            },
          ]);
        const bot =
          message.MsgType === "text" && message.Content ? await botAnswer(ctx, message.Content) : null;
        const answer = wechatAnswer(message, bot, { formUrl, serviceHours });
        const now = Math.floor(ctx.clock.now().getTime() / 1000);
        return reply
          .type("application/xml")
          .send(textReplyXml(message.FromUserName, message.ToUserName, now, answer));
      },
    );
  });
}
