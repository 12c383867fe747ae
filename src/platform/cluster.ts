import cluster, { type Worker } from "node:cluster";
import { ConfigError } from "../config.ts";

/**
 * `serve --workers N`: a primary process that only supervises, and N workers that each run the whole
 * app (API, jobs, live bus) on one shared port; node:cluster hands each new connection to a worker in
 * turn. Nothing a request needs lives in one worker's memory only, so any worker can answer it.
 */
const SHUTDOWN_MESSAGE = "aftersale:shutdown";
const LISTENING_MESSAGE = "aftersale:listening-for-shutdown";
// A worker that dies this soon after its start is failing to start: wait longer before each retry.
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** `--workers N` or `--workers=N` among the arguments; 1 without it. */
export function workersOption(args: string[]): number {
  const at = args.findIndex((a) => a === "--workers" || a.startsWith("--workers="));
  if (at < 0) return 1;
  const raw = args[at]!.includes("=") ? args[at]!.split("=")[1] : args[at + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new ConfigError(`--workers must be a whole number from 1 to 64, got "${raw ?? ""}"`);
  return n;
}

export const isClusterWorker = (): boolean => cluster.isWorker;

/**
 * The primary: starts the workers, starts another whenever one ends unasked, and on SIGTERM/SIGINT asks
 * every worker to drain and exits 0 once all have (1 if one had to be forced). A second signal, or the
 * workers outliving their own shutdown timeout, kills them at once.
 */
export function superviseWorkers(
  count: number,
  shutdownTimeoutMs: number,
  log: (line: string) => void,
): void {
  const alive = new Set<Worker>();
  // Workers that have their shutdown handlers: one still loading its modules would drop a message.
  const listening = new Set<Worker>();
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let forced = false;
  let quickDeaths = 0;

  const fork = () => {
    const worker = cluster.fork();
    alive.add(worker);
    startedAt.set(worker, Date.now());
  };
  const finish = () => process.exit(forced ? 1 : 0);
  const killAll = () => {
    forced = true;
    for (const w of alive) w.process.kill("SIGKILL");
  };

  cluster.on("message", (worker, message) => {
    if (message === LISTENING_MESSAGE) listening.add(worker);
  });
  cluster.on("exit", (worker, code, signal) => {
    alive.delete(worker);
    listening.delete(worker);
    if (stopping) {
      // Ended by our SIGTERM before it could handle one: it was still starting, nothing was lost.
      if (code !== 0 && signal !== "SIGTERM") forced = true;
      if (alive.size === 0) finish();
      return;
    }
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    const delay = quickDeaths ? Math.min(1000 * 2 ** (quickDeaths - 1), MAX_RESTART_DELAY_MS) : 0;
    log(`worker ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another in ${delay} ms`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = (signal: string) => {
    if (stopping) {
      log(`${signal} again: killing the workers`);
      killAll();
      return;
    }
    stopping = true;
    log(`${signal}: asking ${alive.size} workers to drain`);
    if (alive.size === 0) finish();
    // A worker still starting has nothing to drain: SIGTERM's default action ends it, or its handler
    // drains if it was installed meanwhile.
    for (const w of alive) {
      if (listening.has(w) && w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      else w.process.kill("SIGTERM");
    }
    // The workers time themselves out; this is for one that hangs beyond that.
    setTimeout(() => {
      log("workers did not stop in time: killing them");
      killAll();
    }, shutdownTimeoutMs + 5000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  for (let i = 0; i < count; i++) fork();
  log(`primary ${process.pid}: ${count} workers`);
}

/**
 * Graceful shutdown of one serving process: SIGTERM, SIGINT, the primary's request or the primary's
 * disappearance runs `drain` once and exits 0. A second signal, or `drain` outlasting the timeout,
 * exits 1 at once: an operator who presses Ctrl-C twice means it.
 */
export function onShutdown(
  drain: (reason: string) => Promise<void>,
  timeoutMs: number,
  log: (line: string) => void,
): void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: draining requests and jobs`);
    setTimeout(() => {
      log(`still draining after ${timeoutMs} ms: exiting anyway`);
      process.exit(1);
    }, timeoutMs).unref();
    drain(reason).then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  const signal = (name: string) => {
    if (!stopping) return stop(name);
    log(`${name} again: exiting now`);
    process.exit(1);
  };
  process.on("SIGTERM", () => signal("SIGTERM"));
  process.on("SIGINT", () => signal("SIGINT"));
  if (cluster.isWorker) {
    // Messages, not signals: Ctrl-C already signals every worker, and a forwarded second signal would force them.
    process.on("message", (message) => message === SHUTDOWN_MESSAGE && stop("asked by the primary"));
    process.on("disconnect", () => stop("primary gone"));
    process.send?.(LISTENING_MESSAGE);
  }
}
