/**
 * `npm run bench -- load [postgres.1p,postgres.2p,pglite.1p] [--steps 100,200,…] [--seconds 10]`
 *
 * The realistic mix (bench/lib/traffic-mix.ts) at rising request rates against the app as an operator
 * runs it: one process on a fresh PostgreSQL database, two processes on two ports sharing one (requests
 * alternate between them, as a round-robin balancer would), and one process on PGlite. Each variant climbs
 * the steps until one blows up (p99 over BENCH_P99_LIMIT_MS, default 1000, more than 1 % errors, or
 * less than 90 % of the offered rate answered) and reports the last step that held as its maximum.
 */
import { loadavg } from "node:os";
import { startApp, storedTickets, type Target } from "./lib/app-processes.ts";
import type { StepResult } from "./lib/traffic-mix.ts";
import { TrafficMix } from "./lib/traffic-mix.ts";

const VARIANTS: Record<string, { target: Target; processes: number }> = {
  "postgres.1p": { target: "postgres", processes: 1 },
  "postgres.2p": { target: "postgres", processes: 2 },
  "pglite.1p": { target: "pglite", processes: 1 },
};

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

export function heldUp(step: StepResult, p99LimitMs: number): boolean {
  return (
    step.p99Ms <= p99LimitMs && step.errors <= step.requests * 0.01 && step.okPerS >= step.offeredPerS * 0.9
  );
}

export default async function load(args: string[]): Promise<void> {
  const chosen = (args.find((a) => !a.startsWith("--") && !/^\d/.test(a)) ?? Object.keys(VARIANTS).join(","))
    .split(",")
    .filter(Boolean);
  for (const v of chosen)
    if (!VARIANTS[v]) throw new Error(`unknown variant ${v} (${Object.keys(VARIANTS).join(", ")})`);
  const steps = (
    option(args, "steps") ??
    process.env.BENCH_STEPS ??
    "25,50,100,200,300,400,600,800,1200,1600"
  )
    .split(",")
    .map(Number);
  const seconds = Number(option(args, "seconds") ?? process.env.BENCH_STEP_SECONDS ?? 10);
  const p99LimitMs = Number(process.env.BENCH_P99_LIMIT_MS ?? 1000);
  const lines: string[] = [];

  for (const name of chosen) {
    const { target, processes } = VARIANTS[name]!;
    const app = await startApp(target, processes, `load_${name}`);
    let best: StepResult | undefined;
    let checked = "";
    try {
      const mix = new TrafficMix(app.urls);
      await mix.login();
      console.log(`\n${name}: ${processes} process(es) on ${app.database}; ${seconds} s per step`);
      // A short warm-up: JIT, pools and the NLP model's first calls are not part of the curve.
      await mix.run(Math.min(50, steps[0]!), 5);
      console.log("  offered/s   ok/s  intakes/s  p50 ms   p99 ms  errors  load1  (p99 per kind)");
      for (const rate of steps) {
        const step = await mix.run(rate, seconds);
        // The machine is shared: the 1-minute load average says whether other work was running.
        const load1 = loadavg()[0]!.toFixed(1);
        const kinds = Object.entries(step.byKind)
          .map(([k, v]) => `${k} ${v.p99Ms}${v.errors ? `/${v.errors}err` : ""}`)
          .join(", ");
        console.log(
          `  ${String(rate).padStart(9)} ${String(step.okPerS).padStart(6)} ${String(step.intakesPerS).padStart(10)} ${String(step.p50Ms).padStart(7)} ${String(step.p99Ms).padStart(8)} ${String(step.errors).padStart(7)} ${load1.padStart(6)}  (${kinds})`,
        );
        if (step.errorSamples.length) console.log(`      e.g. ${step.errorSamples.join("; ")}`);
        lines.push(
          `BENCH load.${name}.r${rate} ok_per_s=${step.okPerS} intakes_per_s=${step.intakesPerS} p50_ms=${step.p50Ms} p99_ms=${step.p99Ms} errors=${step.errors} load1=${load1}`,
        );
        if (!heldUp(step, p99LimitMs)) break;
        best = step;
      }
      // Every acknowledged intake must be a stored ticket (the intake bench's check); a request that timed
      // out on the client may still have been stored, so more rows than 201s is reported, not fatal.
      if (app.databaseUrl) {
        const stored = await storedTickets(app.databaseUrl);
        console.log(`  201s: ${mix.filedCount}, tickets stored: ${stored}`);
        checked = ` acknowledged=${mix.filedCount} stored=${stored}`;
        if (stored < mix.filedCount)
          throw new Error(`${mix.filedCount} intakes answered 201, ${stored} stored`);
      }
    } finally {
      await app.stop();
    }
    lines.push(
      `BENCH load.${name} max_ok_per_s=${best?.okPerS ?? 0} max_intakes_per_s=${best?.intakesPerS ?? 0} max_offered_per_s=${best?.offeredPerS ?? 0} p99_ms_at_max=${best?.p99Ms ?? Number.NaN}${checked}`,
    );
  }
  console.log("");
  for (const line of lines) console.log(line);
}
