import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type as T } from "typebox";
import type { AppContext } from "../../../platform/context.ts";
import { AppError, text } from "../../../platform/errors.ts";
import { ErrorSchema } from "../../../platform/http.ts";
import { serviceHoursText } from "../../intake/intake.commands.ts";
import { indexOf } from "../../knowledge/knowledge.routes.ts";
import { decryptMessage, encryptedReplyXml, messageSignatureValid } from "./wechat.cipher.ts";
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
  encrypt_type: T.Optional(T.String({ description: "`aes` in safe mode (安全模式)" })),
  msg_signature: T.Optional(T.String({ description: "safe mode: the signature over the ciphertext" })),
});
type SignedQuery = {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
};

const notAMessage = () =>
  new AppError("INVALID_MESSAGE", 400, text("消息格式不正确", "Not a WeChat message"), [
    {
      field: "body",
      code: "INVALID_XML",
      message: text("需要微信的 XML 消息", "a WeChat XML message is expected"),
    },
  ]);

/**
 * Safe mode: the body's <Encrypt> must carry a valid msg_signature and decrypt under our key and AppID;
 * anything else is refused before the message is read.
 */
function openSafeMode(ctx: AppContext, q: SignedQuery, body: string): string {
  const c = ctx.config.channels.wechatCipher;
  const token = ctx.config.channels.wechatToken!;
  if (!c)
    throw new AppError(
      "CHANNEL_NOT_CONFIGURED",
      503,
      text("未配置公众号安全模式（WECHAT_AES_KEY）", "WeChat safe mode is not configured (WECHAT_AES_KEY)"),
    );
  const encrypted = parseWechatXml(body)?.Encrypt;
  if (!encrypted) throw notAMessage();
  if (!messageSignatureValid({ token, ...c }, q, encrypted))
    throw new AppError("INVALID_SIGNATURE", 401, text("签名无效", "Invalid signature"), [
      {
        field: "msg_signature",
        code: "INVALID_SIGNATURE",
        message: text("密文签名校验失败", "msg_signature does not match the ciphertext"),
      },
    ]);
  const plain = decryptMessage({ token, ...c }, encrypted);
  if (plain === null)
    throw new AppError("INVALID_MESSAGE", 400, text("消息无法解密", "The message cannot be decrypted"), [
      {
        field: "body",
        code: "UNDECRYPTABLE",
        message: text("密文与本公众号的密钥或 AppID 不符", "not encrypted for this account's key and AppID"),
      },
    ]);
  return plain;
}

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
  const mineUrl = `${ctx.config.publicUrl}/h5/mine`;
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
        const q = request.query as SignedQuery;
        const safeMode = q.encrypt_type === "aes";
        const body = typeof request.body === "string" ? request.body : "";
        const message = parseWechatXml(safeMode ? openSafeMode(ctx, q, body) : body);
        if (!message?.FromUserName || !message.ToUserName || !message.MsgType) throw notAMessage();
        const bot =
          message.MsgType === "text" && message.Content ? await botAnswer(ctx, message.Content) : null;
        const answer = wechatAnswer(message, bot, { formUrl, mineUrl, serviceHours });
        const now = Math.floor(ctx.clock.now().getTime() / 1000);
        const xml = textReplyXml(message.FromUserName, message.ToUserName, now, answer);
        const c = ctx.config.channels.wechatCipher;
        return reply
          .type("application/xml")
          .send(
            safeMode && c
              ? encryptedReplyXml(
                  { token: ctx.config.channels.wechatToken!, ...c },
                  xml,
                  String(now),
                  randomBytes(8).toString("hex"),
                )
              : xml,
          );
      },
    );
  });
}
