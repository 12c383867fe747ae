import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Every setting of the process, read once from the environment with defaults that work on a fresh machine. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  authSecret: string;
  sessionTtlMinutes: number;
  demo: boolean;
  testClock: boolean;
  /** Requests per minute per address on the public routes (intake, progress, login, upload). */
  publicRateLimit: number;
  uploadMaxImageBytes: number;
  uploadMaxVideoBytes: number;
  logLevel: string;
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
  return {
    port,
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseUrl,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ""),
    authSecret: loadSecret(env, dataDir),
    sessionTtlMinutes: intSetting(env, "SESSION_TTL_MINUTES", 12 * 60),
    demo: env.AFTERSALE_DEMO === "1",
    testClock: env.AFTERSALE_TEST_CLOCK === "1",
    publicRateLimit: intSetting(env, "PUBLIC_RATE_LIMIT", 120),
    uploadMaxImageBytes: intSetting(env, "UPLOAD_MAX_IMAGE_BYTES", 10 * 1024 * 1024),
    uploadMaxVideoBytes: intSetting(env, "UPLOAD_MAX_VIDEO_BYTES", 50 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || "info",
  };
}
