import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Every setting of the process, read once from the environment with defaults that work on a fresh machine. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A read replica for reports (REPORTS_DATABASE_URL); reads fall back to the primary while it is down. */
  reportsDatabaseUrl: string | undefined;
  publicUrl: string;
  authSecret: string;
  sessionTtlMinutes: number;
  demo: boolean;
  /** AFTERSALE_DEMO=day: the demo data and a working day of tickets at every stage (src/modules/demo/demo-day.ts). */
  demoDay: boolean;
  testClock: boolean;
  /** Requests per minute per address on the public routes (intake, progress, login, upload). */
  publicRateLimit: number;
  /** Sign-in codes of "my requests" per minute per address: each may cost an SMS. */
  codeRateLimit: number;
  uploadMaxImageBytes: number;
  uploadMaxVideoBytes: number;
  logLevel: string;
  /** How long SIGTERM waits for requests and jobs to finish before the process exits anyway (SHUTDOWN_TIMEOUT_SECONDS). */
  shutdownTimeoutSeconds: number;
  /**
   * How long a chat waits for an agent before the customer is offered a callback ticket instead
   * (CHAT_CALLBACK_OFFER_SECONDS; the service promise is a person within 30 seconds).
   */
  chatCallbackOfferSeconds: number;
  /**
   * Months after a month's end before its tickets may leave the hot tables for the `archive` schema
   * (ARCHIVE_AFTER_MONTHS, default 24: the longest retention of the packs).
   */
  archiveAfterMonths: number;
  payments: PaymentConfig;
  notifications: NotificationConfig;
  /** The order system's signed webhook (ORDER_SYSTEM_WEBHOOK_*): batch and merchant suspensions; unset, they are logged. */
  orderSystem: { url: string; secret: string } | null;
  /** Inbound e-mail, the WeChat official account and the hotline's CTI (SMTP_PORT, WECHAT_TOKEN, CTI_SECRET). */
  channels: ChannelsConfig;
}

/** How refunds and compensation are paid: the built-in simulator, or the operator's signed webhook. */
export interface PaymentConfig {
  adapter: "simulator" | "webhook";
  simulator: { latencyMs: number; failureRate: number };
  webhook: { url: string; secret: string; timeoutMs: number } | null;
  /** Attempts before a payout is given up to finance; 0 means the default. */
  maxAttempts: number | undefined;
  /** The first retry's delay, doubling after each failure. */
  retryBaseSeconds: number | undefined;
}

export class ConfigError extends Error {}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** A number in [0, max], fractions allowed (a failure rate, say). */
function numberSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > max)
    throw new ConfigError(`${name} must be a number from 0 to ${max}, got "${raw}"`);
  return value;
}

const optional = (env: NodeJS.ProcessEnv, name: string) =>
  env[name] === undefined || env[name] === "" ? undefined : numberSetting(env, name, 0);

/** The payment settings (PAYMENT_*), with the simulator as the default on a fresh machine. */
export function paymentConfig(env: NodeJS.ProcessEnv): PaymentConfig {
  const adapter = env.PAYMENT_ADAPTER || "simulator";
  if (adapter !== "simulator" && adapter !== "webhook")
    throw new ConfigError(`PAYMENT_ADAPTER must be simulator or webhook, got "${adapter}"`);
  let webhook: PaymentConfig["webhook"] = null;
  if (adapter === "webhook") {
    const url = env.PAYMENT_WEBHOOK_URL ?? "";
    const secret = env.PAYMENT_WEBHOOK_SECRET ?? "";
    if (!/^https?:\/\//.test(url)) throw new ConfigError("PAYMENT_WEBHOOK_URL must be an http(s) URL");
    if (secret.length < 32) throw new ConfigError("PAYMENT_WEBHOOK_SECRET must be at least 32 characters");
    webhook = { url, secret, timeoutMs: numberSetting(env, "PAYMENT_WEBHOOK_TIMEOUT_MS", 10_000) };
  }
  return {
    adapter,
    simulator: {
      latencyMs: numberSetting(env, "PAYMENT_SIM_LATENCY_MS", 50),
      failureRate: numberSetting(env, "PAYMENT_SIM_FAILURE_RATE", 0, 1),
    },
    webhook,
    maxAttempts: optional(env, "PAYMENT_MAX_ATTEMPTS"),
    retryBaseSeconds: optional(env, "PAYMENT_RETRY_BASE_SECONDS"),
  };
}

/** The secret signs links and is never in the repo: from AUTH_SECRET, else generated once into the data folder. */
function loadSecret(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.AUTH_SECRET) {
    if (env.AUTH_SECRET.length < 32) throw new ConfigError("AUTH_SECRET must be at least 32 characters");
    return env.AUTH_SECRET;
  }
  const file = join(dataDir, "secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intSetting(env, "PORT", 3000);
  const dataDir = resolve(env.DATA_DIR || "./data");
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must start with postgres:// or postgresql://");
  }
  const reportsDatabaseUrl = env.REPORTS_DATABASE_URL || undefined;
  if (reportsDatabaseUrl && (!databaseUrl || !/^postgres(ql)?:\/\//.test(reportsDatabaseUrl))) {
    throw new ConfigError("REPORTS_DATABASE_URL needs DATABASE_URL and must start with postgres://");
  }
  return {
    port,
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseUrl,
    reportsDatabaseUrl,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ""),
    authSecret: loadSecret(env, dataDir),
    sessionTtlMinutes: intSetting(env, "SESSION_TTL_MINUTES", 12 * 60),
    demo: env.AFTERSALE_DEMO === "1" || env.AFTERSALE_DEMO === "day",
    demoDay: env.AFTERSALE_DEMO === "day",
    testClock: env.AFTERSALE_TEST_CLOCK === "1",
    publicRateLimit: intSetting(env, "PUBLIC_RATE_LIMIT", 120),
    codeRateLimit: intSetting(env, "CUSTOMER_CODE_RATE_LIMIT", 10),
    uploadMaxImageBytes: intSetting(env, "UPLOAD_MAX_IMAGE_BYTES", 10 * 1024 * 1024),
    uploadMaxVideoBytes: intSetting(env, "UPLOAD_MAX_VIDEO_BYTES", 50 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || "info",
    shutdownTimeoutSeconds: intSetting(env, "SHUTDOWN_TIMEOUT_SECONDS", 30),
    chatCallbackOfferSeconds: intSetting(env, "CHAT_CALLBACK_OFFER_SECONDS", 30),
    archiveAfterMonths: intSetting(env, "ARCHIVE_AFTER_MONTHS", 24),
    payments: paymentConfig(env),
    notifications: notificationConfig(env),
    orderSystem: orderSystemConfig(env),
    channels: channelsConfig(env, env.HOST || "0.0.0.0"),
  };
}

/** Where notices go (SMTP_*, SMS_*, WECHAT_*); a channel left unset writes its notices to the log. */
export interface NotificationConfig {
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    user: string | undefined;
    password: string | undefined;
    from: string;
  } | null;
  sms: { url: string; secret: string } | null;
  wechat: { url: string; secret: string } | null;
  /** Attempts before a notice goes to the dead-letter list. */
  maxAttempts: number;
  /** The first retry's delay in seconds, doubling after each failure (capped at an hour). */
  retryBaseSeconds: number;
}

function signedEndpoint(env: NodeJS.ProcessEnv, prefix: "SMS" | "WECHAT") {
  const url = env[`${prefix}_URL`];
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`${prefix}_URL must be an http(s) URL`);
  const secret = env[`${prefix}_SECRET`] ?? "";
  if (secret.length < 16) throw new ConfigError(`${prefix}_SECRET must be at least 16 characters`);
  return { url, secret };
}

export function notificationConfig(env: NodeJS.ProcessEnv): NotificationConfig {
  const maxAttempts = intSetting(env, "NOTIFY_MAX_ATTEMPTS", 6);
  if (maxAttempts < 1) throw new ConfigError("NOTIFY_MAX_ATTEMPTS must be at least 1");
  return {
    smtp: env.SMTP_HOST
      ? {
          host: env.SMTP_HOST,
          port: intSetting(env, "SMTP_PORT_OUT", 587),
          secure: env.SMTP_SECURE === "1",
          user: env.SMTP_USER || undefined,
          password: env.SMTP_PASSWORD || undefined,
          from: env.SMTP_FROM || "Aftersale <noreply@localhost>",
        }
      : null,
    sms: signedEndpoint(env, "SMS"),
    wechat: signedEndpoint(env, "WECHAT"),
    maxAttempts,
    retryBaseSeconds: intSetting(env, "NOTIFY_RETRY_BASE_SECONDS", 30),
  };
}

/** Where suspensions of a batch or a merchant go (ORDER_SYSTEM_WEBHOOK_URL, ORDER_SYSTEM_WEBHOOK_SECRET). */
export function orderSystemConfig(env: NodeJS.ProcessEnv): Config["orderSystem"] {
  const url = env.ORDER_SYSTEM_WEBHOOK_URL;
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new ConfigError("ORDER_SYSTEM_WEBHOOK_URL must be an http(s) URL");
  const secret = env.ORDER_SYSTEM_WEBHOOK_SECRET ?? "";
  if (secret.length < 32) throw new ConfigError("ORDER_SYSTEM_WEBHOOK_SECRET must be at least 32 characters");
  return { url, secret };
}

export interface ChannelsConfig {
  /** The SMTP listener for customers' mail; null when SMTP_PORT=off. Port 0 takes any free port (tests). */
  inboundMail: { port: number; host: string; maxBytes: number } | null;
  /** The token configured in the WeChat official account's server settings; unset, the webhook answers 503. */
  wechatToken: string | null;
  /**
   * Safe mode (安全模式) of the official account: its AppID and EncodingAESKey (WECHAT_APP_ID,
   * WECHAT_AES_KEY). Set, messages marked `encrypt_type=aes` are decrypted and answered encrypted.
   */
  wechatCipher: { appId: string; aesKey: string } | null;
  /** The shared secret the CTI signs its events with; unset, the CTI webhook answers 503. */
  ctiSecret: string | null;
}

export function channelsConfig(env: NodeJS.ProcessEnv, host: string): ChannelsConfig {
  const wechatToken = env.WECHAT_TOKEN || null;
  // WeChat's own rule for the token: 3 to 32 letters and digits.
  if (wechatToken && !/^[A-Za-z0-9]{3,32}$/.test(wechatToken))
    throw new ConfigError("WECHAT_TOKEN must be 3 to 32 letters and digits");
  const aesKey = env.WECHAT_AES_KEY || null;
  const appId = env.WECHAT_APP_ID || null;
  // WeChat's EncodingAESKey is 43 base64 characters: 32 bytes once "=" is added.
  if (aesKey && !/^[A-Za-z0-9+/]{43}$/.test(aesKey))
    throw new ConfigError("WECHAT_AES_KEY must be the account's 43-character EncodingAESKey");
  if (Boolean(aesKey) !== Boolean(appId))
    throw new ConfigError("WECHAT_AES_KEY and WECHAT_APP_ID are set together (safe mode needs both)");
  const ctiSecret = env.CTI_SECRET || null;
  if (ctiSecret && ctiSecret.length < 16) throw new ConfigError("CTI_SECRET must be at least 16 characters");
  return {
    inboundMail:
      env.SMTP_PORT === "off"
        ? null
        : {
            port: intSetting(env, "SMTP_PORT", 2525),
            host: env.SMTP_LISTEN_HOST || host,
            maxBytes: intSetting(env, "SMTP_MAX_MESSAGE_BYTES", 25 * 1024 * 1024),
          },
    wechatToken,
    wechatCipher: aesKey && appId ? { appId, aesKey } : null,
    ctiSecret,
  };
}
