/**
 * `npm run bench -- soak [--max N | --rate N] [--minutes 10] [--target postgres|pglite]`
 *
 * Holds the load bench's mix (bench/lib/traffic-mix.ts) at half the measured maximum (`--max`, or
 * BENCH_SOAK_MAX: the `max_ok_per_s` of `npm run bench -- load`; `--rate` sets the rate itself) for ten
 * minutes against one app process, in one-minute rounds, and reports the process's memory at the start
 * (after a minute of warm-up) and at the end, its growth, and every non-2xx or failed request.
 * Targets (issue 13): zero errors, memory growth ≤ 10 %. On PGlite it also follows the database's size on
 * disk, tables and write-ahead log apart: new tickets grow the tables, but the log should level off once the
 * app's upkeep checkpoints (PGlite has no checkpointer of its own).
 */
import { join } from "node:path";
import { folderBytes, rssMbOf, startApp, type Target } from "./lib/app-processes.ts";
import { TrafficMix } from "./lib/traffic-mix.ts";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** Heap in use, in MB, from the process's own /metrics. */
async function heapMbOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const bytes = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  return bytes ? Number(bytes) / 1024 / 1024 : Number.NaN;
}

/**
 * The heap's low-water mark over a round: a single reading lands anywhere in the garbage collector's saw
 * tooth, the lowest of readings every 2 s is close to what is really live.
 */
async function heapLowDuring<T>(url: string, round: Promise<T>): Promise<[T, number]> {
  let low = Number.POSITIVE_INFINITY;
  const timer = setInterval(() => {
    heapMbOf(url).then(
      (h) => {
        low = Math.min(low, h);
      },
      () => {},
    );
  }, 2_000);
  try {
    return [await round, low];
  } finally {
    clearInterval(timer);
  }
}

const mb = (x: number) => Math.round(x * 10) / 10;
const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;

export default async function soak(args: string[]): Promise<void> {
  const max = Number(option(args, "max") ?? process.env.BENCH_SOAK_MAX ?? 0);
  const rate = Number(option(args, "rate") ?? process.env.BENCH_SOAK_RATE ?? Math.floor(max / 2));
  if (!(rate > 0))
    throw new Error("give the measured maximum (--max N, from `npm run bench -- load`) or --rate N");
  const minutes = Number(option(args, "minutes") ?? process.env.BENCH_SOAK_MINUTES ?? 10);
  const target = (option(args, "target") ?? "postgres") as Target;
  const app = await startApp(target, 1, "soak");
  try {
    const mix = new TrafficMix(app.urls);
    await mix.login();
    const [url] = app.urls;
    const [pid] = app.pids;
    console.log(`soak: ${rate} requests/s for ${minutes} min on ${app.database}, one process (pid ${pid})`);
    // One-minute rounds; a soak shorter than a minute (a smoke run) is one round of its own length.
    const roundSeconds = Math.min(60, minutes * 60);
    const rounds = Math.ceil((minutes * 60) / roundSeconds);
    const [, warmHeap] = await heapLowDuring(url!, mix.run(rate, roundSeconds));
    // The database's size on disk, on PGlite (on PostgreSQL the server's own folder holds every database):
    // its tables and indexes, and its write-ahead log (recycled after each of the upkeep's checkpoints).
    const folder = (sub: string) => folderBytes(join(app.dataDir, "pglite", sub)) / 1024 / 1024;
    const databaseMb = () => (target === "pglite" ? folder("base") : Number.NaN);
    const onDisk = () =>
      target === "pglite" ? `, tables ${mb(folder("base"))} MB, WAL ${mb(folder("pg_wal"))} MB` : "";
    const start = { rss: rssMbOf(pid!), heap: warmHeap, database: databaseMb() };
    console.log(
      `after ${roundSeconds} s of warm-up: RSS ${mb(start.rss)} MB, heap low ${mb(start.heap)} MB${onDisk()}`,
    );
    let errors = 0;
    let requests = 0;
    let worstP99 = 0;
    let lastHeap = Number.NaN;
    for (let minute = 1; minute <= rounds; minute++) {
      const [round, heap] = await heapLowDuring(url!, mix.run(rate, roundSeconds));
      lastHeap = heap;
      errors += round.errors;
      requests += round.requests;
      worstP99 = Math.max(worstP99, round.p99Ms);
      console.log(
        `  minute ${minute}: ok/s ${round.okPerS}, p99 ${round.p99Ms} ms, errors ${round.errors}, RSS ${mb(rssMbOf(pid!))} MB, heap low ${mb(heap)} MB${onDisk()}${round.errorSamples.length ? ` (e.g. ${round.errorSamples.join("; ")})` : ""}`,
      );
    }
    const end = { rss: rssMbOf(pid!), heap: lastHeap, database: databaseMb() };
    console.log(`\nend: RSS ${mb(end.rss)} MB, heap low ${mb(end.heap)} MB`);
    console.log(
      `BENCH soak.${target} rate_per_s=${rate} minutes=${minutes} requests=${requests} errors=${errors} worst_minute_p99_ms=${worstP99} rss_start_mb=${mb(start.rss)} rss_end_mb=${mb(end.rss)} rss_growth_pct=${growth(start.rss, end.rss)} heap_start_mb=${mb(start.heap)} heap_end_mb=${mb(end.heap)} heap_growth_pct=${growth(start.heap, end.heap)}${target === "pglite" ? ` tables_start_mb=${mb(start.database)} tables_end_mb=${mb(end.database)}` : ""}`,
    );
  } finally {
    await app.stop();
  }
}
