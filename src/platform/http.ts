import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type ErrorDetail, type Locale, pickLocale, text, validationError } from "./errors.ts";
import { unstorableFields, unstorableText } from "./unstorable.ts";

/** The one error body of the API: `{"error":{"code","message","details":[{"field","code","message"}]}}`. */
export function errorBody(error: AppError, locale: Locale) {
  return {
    error: {
      code: error.code,
      message: error.text[locale],
      details: error.details.map((d: ErrorDetail) => ({
        field: d.field,
        code: d.code,
        message: d.message[locale],
      })),
    },
  };
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
]);

function isDatabaseDown(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e.code !== undefined && CONNECTION_CODES.has(e.code)) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/.test(e.message ?? "")
  );
}

/** JSON-schema failures name their field and why, in the shape of the error contract. */
function schemaDetails(error: FastifyError): ErrorDetail[] {
  return (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const path = `${v.instancePath ?? ""}`.replace(/^\//, "").replace(/\//g, ".");
    const field = missing
      ? path
        ? `${path}.${missing}`
        : missing
      : path || (error.validationContext ?? "body");
    const code = missing
      ? "REQUIRED"
      : `INVALID_${String(v.keyword)
          .replace(/[A-Z]/g, (c) => `_${c}`)
          .toUpperCase()}`;
    return {
      field,
      code,
      message: text(
        `${field}：${missing ? "必填" : v.message}`,
        `${field}: ${missing ? "is required" : v.message}`,
      ),
    };
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const locale = pickLocale(request.headers["accept-language"]);
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else if (error.validation) {
      appError = validationError(schemaDetails(error));
    } else if (error.statusCode === 429) {
      appError = new AppError(
        "RATE_LIMITED",
        429,
        text("请求过于频繁，请稍后再试", "Too many requests, try again later"),
      );
    } else if (error.statusCode === 413 || error.code === "FST_REQ_FILE_TOO_LARGE") {
      appError = new AppError("PAYLOAD_TOO_LARGE", 413, text("文件或请求过大", "File or request too large"));
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      appError = new AppError(
        error.code ?? "BAD_REQUEST",
        error.statusCode,
        text(`请求无效：${error.message}`, error.message),
      );
    } else if (isDatabaseDown(error)) {
      request.log.warn({ err: error }, "database unavailable");
      appError = new AppError(
        "DATABASE_UNAVAILABLE",
        503,
        text("服务暂时不可用，请稍后重试", "Service temporarily unavailable, retry shortly"),
        [],
        { "retry-after": "5" },
      );
    } else {
      request.log.error({ err: error }, "unhandled error");
      appError = new AppError("INTERNAL", 500, text("系统错误，请稍后重试", "Internal error, please retry"));
    }
    for (const [k, v] of Object.entries(appError.headers)) reply.header(k, v);
    reply.status(appError.status).send(errorBody(appError, locale));
  });
  app.setNotFoundHandler((request, reply) => {
    const locale = pickLocale(request.headers["accept-language"]);
    reply
      .status(404)
      .send(errorBody(new AppError("NOT_FOUND", 404, text("接口不存在", "No such route")), locale));
  });
}

/**
 * Refuses a request whose parameters, query or body hold a value the database cannot store, naming each
 * such field (see unstorable.ts). A global preHandler: it runs after a staff route's permission check and
 * after schema validation, so callers still get 401/403 and the schema's own 400s first.
 */
export function refuseUnstorableInput(app: FastifyInstance): void {
  app.addHook("preHandler", async (request) => {
    const found = (["params", "query", "body"] as const).flatMap((part) =>
      unstorableFields(request[part], "").map((u) => ({ ...u, field: u.field || part })),
    );
    if (found.length === 0) return;
    throw validationError(
      found.map((u) => ({ field: u.field, code: u.problem, message: unstorableText(u) })),
    );
  });
}

export const localeOf = (request: FastifyRequest): Locale => pickLocale(request.headers["accept-language"]);

/** The error schema every route documents for its failures. */
export const ErrorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: {
          type: "array",
          items: {
            type: "object",
            properties: { field: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
} as const;

/**
 * Errors Fastify's router raises before any hook or the error handler (a malformed URL, a path parameter
 * over maxParamLength → 414): the contract's error body too, instead of Fastify's own shape.
 */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const appError = new AppError(
    error.code ?? "BAD_REQUEST",
    status,
    text("请求地址无效", "Invalid request address"),
  );
  reply.status(status).send(errorBody(appError, localeOf(request)));
}
