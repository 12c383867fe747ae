/**
 * Group commit for the hot path: calls that arrive while earlier ones are at the database are sent
 * together as one statement. At low load a call goes alone after the current turn of the event loop, so
 * nothing waits for a timer; under load the calls that queue up during one round trip share the next,
 * and the fixed cost of a statement
 * (the round trip, the wake-up of a database backend, parsing, the commit's flush) is paid per batch
 * instead of per call. Each caller still hears only when its own rows are committed.
 */

export interface BatcherOptions {
  /** Most inputs in one call of `run`. */
  maxBatch: number;
  /** Batches at the database at once; more calls wait and join the next batch. */
  maxInFlight: number;
  /**
   * Whether a failed batch should be retried one input at a time: true for errors one bad input can
   * cause (a constraint it breaks), so the others still go through; false for errors that say nothing
   * about the inputs (the database is gone), which every caller then receives.
   */
  retryAlone: (error: unknown) => boolean;
}

/** `run` answers each input at the same position, e.g. the stored row's number or null. */
export type BatchRun<In, Out> = (inputs: In[]) => Promise<Out[]>;

interface Waiting<In, Out> {
  input: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

export function batcher<In, Out>(
  run: BatchRun<In, Out>,
  options: BatcherOptions,
): (input: In) => Promise<Out> {
  const queue: Waiting<In, Out>[] = [];
  let inFlight = 0;
  let scheduled = false;

  const send = async (batch: Waiting<In, Out>[]) => {
    try {
      const outs = await run(batch.map((w) => w.input));
      for (const [i, w] of batch.entries()) w.resolve(outs[i] as Out);
    } catch (error) {
      if (batch.length > 1 && options.retryAlone(error)) await Promise.all(batch.map((w) => send([w])));
      else for (const w of batch) w.reject(error);
    }
  };

  const pump = () => {
    scheduled = false;
    while (queue.length && inFlight < options.maxInFlight) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void send(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  };
  // A batch leaves after the event loop's current turn, never inside it: the requests whose bytes arrived
  // in the same turn (or while the last batch was out) have by then reached the queue and go together.
  // Waiting for a turn costs microseconds; sending at once would send the first of a burst alone.
  const schedule = () => {
    if (scheduled || !queue.length) return;
    scheduled = true;
    setImmediate(pump);
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      schedule();
    });
}

/**
 * Group commit over a database handle, as the stores use it: one batcher per handle (the app's, a test's
 * own database), made on first use and gone with the handle; one batch of a kind at the database at a time;
 * a batch broken by one row retried row by row. `run` answers each input at the same position.
 */
export function groupCommit<H extends object, In, Out>(
  run: (handle: H, inputs: In[]) => Promise<Out[]>,
  maxBatch = 64,
): (handle: H, input: In) => Promise<Out> {
  const made = new WeakMap<H, (input: In) => Promise<Out>>();
  return (handle, input) => {
    let b = made.get(handle);
    if (!b) {
      b = batcher((inputs: In[]) => run(handle, inputs), {
        maxBatch,
        maxInFlight: 1,
        retryAlone: isRowError,
      });
      made.set(handle, b);
    }
    return b(input);
  };
}

/**
 * PostgreSQL errors a single row can cause (SQLSTATE classes 22 data exception and 23 integrity
 * constraint violation): worth retrying the batch's rows one by one. Anything else (connection lost,
 * database shutting down) would fail them all again, and retrying after a lost connection could store
 * a batch that had in fact committed a second time.
 */
export function isRowError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}
