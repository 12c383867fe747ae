import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import { AppError, type Locale, text } from "../../platform/errors.ts";
import { unstorableFields, unstorableText } from "../../platform/unstorable.ts";
import { type Bucket, lineProblem, type Rate, takeToken } from "./chat.domain.ts";
import type { Peer } from "./chat.hub.ts";

/**
 * One chat socket, customer's or agent's: JSON text frames `{"type": …}` handled one after another (so a
 * line is stored and acknowledged before the next one is read), a token bucket against floods, and every
 * failure answered with an error frame. Nothing a client sends may throw out of here and take the server
 * down; a frame larger than the server's `maxPayload` is closed by `ws` itself (code 1009).
 */
export type Frame = Record<string, unknown> & { type: string };

export const chatError = (code: string, zh: string, en: string) => new AppError(code, 400, text(zh, en));

export function serveFrames(
  socket: WebSocket,
  rate: Rate,
  locale: Locale,
  log: FastifyBaseLogger,
  handle: (frame: Frame) => Promise<void>,
  onClose: () => void,
): Peer {
  const peer: Peer = {
    send(frame) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    },
  };
  const fail = (error: unknown, replyTo: unknown) => {
    if (!(error instanceof AppError)) log.error({ err: error }, "chat frame failed");
    const e =
      error instanceof AppError
        ? error
        : new AppError(
            "INTERNAL",
            500,
            text("服务暂时不可用，请稍后再试", "Something went wrong, please retry"),
          );
    peer.send({
      type: "error",
      code: e.code,
      message: e.text[locale],
      ...(typeof replyTo === "string" ? { replyTo } : {}),
    });
  };
  let bucket: Bucket = { tokens: rate.burst, at: Date.now() };
  let queue: Promise<void> = Promise.resolve();
  socket.on("message", (data, isBinary) => {
    const turn = takeToken(bucket, Date.now(), rate);
    bucket = turn.bucket;
    if (!turn.allowed)
      return fail(chatError("RATE_LIMITED", "发送太频繁，请稍后再试", "Too many messages, slow down"), null);
    const frame = isBinary ? null : parseFrame(data.toString());
    if (!frame)
      return fail(
        chatError("BAD_FRAME", "消息格式不正确", 'A frame must be a JSON object with a "type"'),
        null,
      );
    queue = queue
      .then(() => {
        refuseUnstorable(frame);
        return handle(frame);
      })
      .catch((error) => fail(error, frame.id));
  });
  socket.on("error", (error) => log.warn({ err: error }, "chat socket error"));
  socket.on("close", () => {
    // After the frames already read: a customer's last line is stored before the chat is let go.
    queue = queue.then(onClose).catch((error) => log.error({ err: error }, "chat close failed"));
  });
  return peer;
}

/** A value the database cannot keep (see platform/unstorable.ts): a frame holding one is refused whole. */
function refuseUnstorable(frame: Frame): void {
  const [first] = unstorableFields(frame, "");
  if (first) throw new AppError(first.problem, 400, unstorableText(first));
}

function parseFrame(raw: string): Frame | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== "object" || Array.isArray(value)) return null;
    const type = (value as { type?: unknown }).type;
    return typeof type === "string" ? (value as Frame) : null;
  } catch {
    return null;
  }
}

export const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The line of a message frame, trimmed, or the reason it is refused. */
export function lineOf(frame: Frame): string {
  const problem = lineProblem(frame.text);
  if (problem === "EMPTY_MESSAGE") throw chatError(problem, "消息不能为空", "The message is empty");
  if (problem) throw chatError(problem, "消息太长了，请分几次发送", "The message is too long");
  return String(frame.text).trim();
}

export const unknownFrame = (frame: Frame) =>
  chatError("UNKNOWN_FRAME", "无法识别的消息类型", `Unknown frame type "${frame.type.slice(0, 40)}"`);
