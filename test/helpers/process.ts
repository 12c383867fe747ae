import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { createServer } from "node:net";

/**
 * A port nobody listens on right now, below the kernel's ephemeral range (32768+), so the many outgoing
 * connections of a test run are unlikely to take it before the child process binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = randomInt(20_000, 30_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for the failure message. */
  output(): string;
  /** Resolves with the signal or exit code once the process has ended. */
  exited: Promise<string>;
}

/**
 * Starts `node --import tsx src/main.ts serve [args]` as its own process, exactly as an operator would, and
 * waits until `/healthz` answers 200. Tries another port when the chosen one was taken meanwhile.
 */
export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
  args: string[] = [],
): Promise<ServerProcess> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(env, deadline, args);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

async function spawnOnce(
  env: Record<string, string>,
  deadline: number,
  args: string[],
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve", ...args], {
    cwd: process.cwd(),
    // Mail on any free port: parallel servers (and a developer's own `npm start`) would all want 2525.
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), SMTP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  let ended: string | null = null;
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => {
      ended = signal ?? `exit ${code}`;
      resolve(ended);
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    if (ended) throw new Error(`server process ended (${ended}) before it was healthy:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      // Healthy, and it is our process answering: it is still running.
      if (res.status === 200 && !ended) return { url, child, output: () => output, exited };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  await exited;
  throw new Error(`server process not healthy in time:\n${output}`);
}
