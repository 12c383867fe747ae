/**
 * Builds web/dist when it is missing or older than its sources: `npm start` runs this first (prestart),
 * and the browser tests call ensureWebBuilt() so a fresh clone's `npm test` needs no separate build.
 * Concurrent callers (parallel test files) take turns on a lock and the later ones find the build fresh.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const WEB = join(ROOT, "web");
const INDEX = join(WEB, "dist", "index.html");
/** What the bundle is made of: the web sources and the server's domain files it imports. */
const SOURCES = [
  join(WEB, "src"),
  join(WEB, "index.html"),
  join(WEB, "vite.config.ts"),
  join(ROOT, "src/modules/tickets/tickets.domain.ts"),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function webBuildIsFresh(): boolean {
  return existsSync(INDEX) && statSync(INDEX).mtimeMs >= Math.max(...SOURCES.map(newest));
}

function viteBin(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(
    tmpdir(),
    `aftersale-web-build-${createHash("sha1").update(ROOT).digest("hex").slice(0, 10)}`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed build is older than any real build takes.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 5 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      await sleep(300);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds when needed; answers whether web/dist is usable afterwards. */
export async function ensureWebBuilt(log: (line: string) => void = console.log): Promise<boolean> {
  if (webBuildIsFresh()) return true;
  const vite = viteBin();
  if (!vite) {
    log("web: vite is not installed (production install?); serving the API without the web pages");
    return existsSync(INDEX);
  }
  return withLock(async () => {
    if (webBuildIsFresh()) return true;
    log("web: building the console and H5 pages (vite build web)…");
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [vite, "build", "web", "--logLevel", "warn"], {
        cwd: ROOT,
        stdio: "inherit",
        // Under vitest NODE_ENV is "test", which would bundle React's development build.
        env: { ...process.env, NODE_ENV: "production" },
      });
      child.on("exit", resolve);
      child.on("error", () => resolve(1));
    });
    if (code !== 0) throw new Error(`vite build failed with exit code ${code}`);
    return true;
  });
}

if (import.meta.filename === process.argv[1]) {
  ensureWebBuilt().catch((error) => {
    console.error(`web: ${(error as Error).message}`);
    process.exit(1);
  });
}
