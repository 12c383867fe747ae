import { client, type TestServer } from "./server.ts";

/**
 * Moving a server's test clock (`AFTERSALE_TEST_CLOCK=1`): each move runs the jobs that fell due before
 * it answers, so a test sees the effects at once.
 */
export async function advanceClock(s: TestServer, seconds: number): Promise<Date> {
  const r = await client(s.url).post("/__test__/clock", { advanceSeconds: Math.max(0, Math.ceil(seconds)) });
  if (r.status !== 200) throw new Error(`test clock: ${r.status} ${JSON.stringify(r.body)}`);
  return new Date(r.body.now);
}

export const runDueJobs = (s: TestServer): Promise<Date> => advanceClock(s, 0);

export async function advanceClockTo(s: TestServer, at: Date): Promise<Date> {
  const now = await runDueJobs(s);
  return advanceClock(s, (at.getTime() - now.getTime()) / 1000);
}

/** The next instant the Beijing wall clock shows `hh:mm`, at least a minute after `after`. */
export function nextBeijing(after: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const local = new Date(after.getTime() + 8 * 3_600_000);
  let at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), h, m) - 8 * 3_600_000;
  while (at < after.getTime() + 60_000) at += 86_400_000;
  return new Date(at);
}
