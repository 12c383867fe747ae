/**
 * Periodic work of the process. Each poller handles a bounded batch of due rows per call and is safe to
 * run in several processes at once (its SQL claims rows). `runAll` is what the test clock and tests call
 * to make time-driven work happen deterministically.
 */
export interface Poller {
  name: string;
  everySeconds: number;
  poll(now: Date): Promise<number>;
  /**
   * For a poller that also runs outside the timers (woken by an event): no more such runs, and the one
   * under way finished. Without it, a wake-up after shutdown would run on a database already closed.
   */
  stop?(): Promise<void>;
}

export class JobRunner {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly pollers: Poller[],
    private readonly now: () => Date,
    private readonly onError: (poller: string, error: unknown) => void,
  ) {}

  start(): void {
    for (const poller of this.pollers) {
      const timer = setInterval(() => {
        const run = poller.poll(this.now()).catch((error) => this.onError(poller.name, error));
        this.running.add(run);
        run.finally(() => this.running.delete(run));
      }, poller.everySeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs every poller until none finds more due work. */
  async runAll(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      let handled = 0;
      for (const poller of this.pollers) handled += await poller.poll(this.now());
      if (handled === 0) return;
    }
  }

  /** Runs one poller, by name, until it finds no more due work (the consumers bench measures each so). */
  async drain(name: string): Promise<number> {
    const poller = this.pollers.find((p) => p.name === name);
    if (!poller) throw new Error(`no poller named ${name}`);
    let handled = 0;
    for (;;) {
      const n = await poller.poll(this.now());
      if (n === 0) return handled;
      handled += n;
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.running, ...this.pollers.map((p) => p.stop?.())]);
  }
}

/**
 * A poller whose polls run one after another in this process, each draining its batches until one comes
 * back short: a timer firing during a long catch-up waits its turn, and `runAll` sees all due work done.
 */
export function serialPoller(
  name: string,
  everySeconds: number,
  batch: (now: Date) => Promise<number>,
  size: number,
): Poller {
  let previous: Promise<unknown> = Promise.resolve();
  const drain = async (now: Date) => {
    let handled = 0;
    for (;;) {
      const n = await batch(now);
      handled += n;
      if (n < size) return handled;
      // A turn of the event loop between pages: on PGlite a page's statements run in this thread and
      // answer as microtasks, so without it a long catch-up would keep every request waiting until the
      // whole backlog was drained (p99 of intake at 32 connections 306–378 ms; with it, 163–177 ms).
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    name,
    everySeconds,
    poll(now) {
      const run = previous.catch(() => {}).then(() => drain(now));
      previous = run;
      return run;
    },
  };
}
