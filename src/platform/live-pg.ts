import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import type { Db } from "../db/database.ts";
import type { LiveBus, LiveRelay, TicketChanged } from "./live.ts";

/**
 * The live bus across processes on one PostgreSQL: changes go out with NOTIFY and come in on a
 * dedicated LISTEN connection, which reconnects by itself when the database goes away. Live updates are
 * hints for screens to re-read, so a change published while the connection is down is not replayed;
 * the console re-reads its queue whenever its stream reconnects.
 */
export const LIVE_CHANNEL = "aftersale_ticket_changed";

// NOTIFY payloads must stay under 8000 bytes; a batch is cut well before that.
const MAX_PAYLOAD = 7000;
const MAX_RETRY_MS = 10_000;

interface Envelope {
  /** The sending process: it delivered its own changes already. */
  from: string;
  changes: TicketChanged[];
}

export class PgLiveRelay implements LiveRelay {
  private readonly origin = randomUUID();
  private pending: TicketChanged[] = [];
  private flushScheduled = false;
  private listener: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly db: Db,
    private readonly bus: LiveBus,
    private readonly warn: (line: string) => void,
  ) {}

  /** Resolves once listening, or after the first failed attempt (later attempts go on in the background). */
  async start(): Promise<void> {
    await this.connect(1000);
  }

  send(change: TicketChanged): void {
    this.pending.push(change);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Changes of one turn of the event loop (a burst of intakes) travel as one NOTIFY.
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.pending;
      this.pending = [];
      for (const payload of envelopes(this.origin, batch))
        sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`
          .execute(this.db)
          .catch((error: Error) => this.warn(`live: could not tell other processes (${error.message})`));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => {});
  }

  private async connect(retryMs: number): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => {});
      this.warn(`live: lost the LISTEN connection${error ? ` (${error.message})` : ""}; reconnecting`);
      this.reconnectAfter(1000);
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (message) => {
      if (message.channel !== LIVE_CHANNEL || !message.payload) return;
      const envelope = parse(message.payload);
      if (!envelope || envelope.from === this.origin) return;
      for (const change of envelope.changes) this.bus.deliver(change);
    });
    try {
      await client.connect();
      await client.query(`listen ${LIVE_CHANNEL}`);
      if (this.closed) {
        await client.end().catch(() => {});
        return;
      }
      this.listener = client;
    } catch (error) {
      client.end().catch(() => {});
      this.warn(`live: cannot LISTEN (${(error as Error).message}); retrying`);
      this.reconnectAfter(Math.min(retryMs * 2, MAX_RETRY_MS));
    }
  }

  private reconnectAfter(ms: number): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect(ms);
    }, ms);
    this.retryTimer.unref();
  }
}

function envelopes(from: string, changes: TicketChanged[]): string[] {
  const out: string[] = [];
  let batch: TicketChanged[] = [];
  let size = 0;
  for (const change of changes) {
    const length = JSON.stringify(change).length + 1;
    if (batch.length && size + length > MAX_PAYLOAD) {
      out.push(JSON.stringify({ from, changes: batch } satisfies Envelope));
      batch = [];
      size = 0;
    }
    batch.push(change);
    size += length;
  }
  if (batch.length) out.push(JSON.stringify({ from, changes: batch } satisfies Envelope));
  return out;
}

function parse(payload: string): Envelope | null {
  try {
    const value = JSON.parse(payload) as Envelope;
    return typeof value.from === "string" && Array.isArray(value.changes) ? value : null;
  } catch {
    return null;
  }
}

/** On PostgreSQL, joins this process's live bus to the other processes'; PGlite keeps it in-process. */
export async function shareLiveBus(
  bus: LiveBus,
  database: { kind: "pglite" | "postgres"; db: Db },
  connectionString: string | undefined,
  warn: (line: string) => void,
): Promise<void> {
  if (database.kind !== "postgres" || !connectionString) return;
  const relay = new PgLiveRelay(connectionString, database.db, bus, warn);
  await relay.start();
  bus.relayThrough(relay);
}
