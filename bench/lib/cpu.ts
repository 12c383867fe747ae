/**
 * Where the CPU went during a measured run, from /proc (Linux): the app process, the PostgreSQL backends
 * of the bench database, this process (load generator or raw client), and everything else on the machine.
 * On 2 cores shared by all of them, CPU per ticket is the figure that explains throughput, and "other"
 * tells a run disturbed by unrelated work from a clean one. Where /proc is not readable the figures are 0.
 */

import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";

const TICK_MS = 10; // USER_HZ = 100 on Linux

export interface CpuSnapshot {
  at: number;
  /** Busy CPU ms of the whole machine (all cores), from /proc/stat. */
  machineBusy: number;
  app: number;
  self: number;
  /** CPU ms per PostgreSQL backend pid serving the bench database. */
  postgres: Map<number, number>;
}

export interface CpuSpent {
  seconds: number;
  app: number;
  self: number;
  postgres: number;
  /** Busy CPU of the machine not accounted for by the three above (other processes, PostgreSQL's WAL writer…). */
  other: number;
}

function machineBusyMs(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Backends are found by their process title, "postgres: 15/main: user <db> host(port) state". */
function postgresBackends(dbName: string | null): Map<number, number> {
  const found = new Map<number, number>();
  if (!dbName) return found;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(` ${dbName} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      found.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * TICK_MS); // utime + stime
    } catch {}
  }
  return found;
}

export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function snapshot(appCpuMs: number, dbName: string | null): CpuSnapshot {
  return {
    at: performance.now(),
    machineBusy: machineBusyMs(),
    app: appCpuMs,
    self: ownCpuMs(),
    postgres: postgresBackends(dbName),
  };
}

export function spent(a: CpuSnapshot, b: CpuSnapshot): CpuSpent {
  // A backend that appeared during the run counts from zero; one that ended during it is lost (the pools
  // keep theirs open, so that is rare).
  let postgres = 0;
  for (const [pid, ms] of b.postgres) postgres += ms - (a.postgres.get(pid) ?? 0);
  const app = b.app - a.app;
  const self = b.self - a.self;
  return {
    seconds: (b.at - a.at) / 1000,
    app,
    self,
    postgres,
    other: Math.max(0, b.machineBusy - a.machineBusy - app - self - postgres),
  };
}

/** Share of the machine's cores, in %, that `ms` of CPU over `seconds` amounts to. */
export const coreShare = (ms: number, seconds: number): number =>
  (100 * ms) / (seconds * 1000 * availableParallelism());

/**
 * Waits (up to maxSeconds) until other work (everything but the bench's own processes, as `sample` sees
 * them) has used less than `otherBelowPercent` of the cores for 3 s, so that a run is not measured while
 * unrelated work holds the cores. Answers how long it waited, or -1 when it gave up.
 */
export async function waitForQuiet(
  maxSeconds: number,
  sample: () => Promise<CpuSnapshot>,
  otherBelowPercent = 10,
): Promise<number> {
  const started = performance.now();
  for (;;) {
    const a = await sample();
    await new Promise((r) => setTimeout(r, 3000));
    const s = spent(a, await sample());
    const waited = (performance.now() - started) / 1000;
    if (coreShare(s.other, s.seconds) < otherBelowPercent) return waited - s.seconds;
    if (waited >= maxSeconds) return -1;
  }
}
