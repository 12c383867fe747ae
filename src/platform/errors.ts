/**
 * The one error type of the platform. A stable `code` for programs, an HTTP status, and a message in
 * both languages for people; `details` names every field at fault so a form can show them all at once.
 */
export type Locale = "zh-CN" | "en";

export interface Text {
  "zh-CN": string;
  en: string;
}

export interface ErrorDetail {
  field: string;
  code: string;
  message: Text;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly text: Text,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(text.en);
  }
}

export const text = (zh: string, en: string): Text => ({ "zh-CN": zh, en });

export function validationError(details: ErrorDetail[]): AppError {
  return new AppError(
    "VALIDATION_FAILED",
    400,
    text("请求内容有误，请检查标出的字段", "Some fields are invalid"),
    details,
  );
}

export const notFound = (what: Text): AppError =>
  new AppError("NOT_FOUND", 404, text(`${what["zh-CN"]}不存在`, `${what.en} not found`));

export const unauthorized = (): AppError =>
  new AppError("UNAUTHORIZED", 401, text("请先登录", "Authentication required"));

export const forbidden = (): AppError =>
  new AppError("FORBIDDEN", 403, text("无权执行此操作", "Not allowed for your role"));

export const conflict = (code: string, message: Text): AppError => new AppError(code, 409, message);

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return "zh-CN";
  // The first language the client names decides; anything that is not English gets Chinese, the default.
  const first = acceptLanguage.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "zh-CN";
}
