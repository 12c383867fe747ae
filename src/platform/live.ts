import { EventEmitter } from "node:events";

/**
 * Tells whoever listens that a ticket changed, after the change committed: the console's queue and the
 * customer's progress page refresh from it. Only ids travel here, never the personal data; listeners
 * re-read what their viewer may see.
 *
 * Within one process the bus is an emitter. Several processes on one PostgreSQL share their changes
 * through a relay (src/platform/live-pg.ts): a change is delivered here at once, so this process's
 * consoles never wait on the database, and sent to the others, whose relays `deliver` it to theirs.
 */
export interface TicketChanged {
  ticketNo: string;
  type: string;
  merchantId: string;
  riderId: string | null;
}

/** Carries this process's changes to the other processes. */
export interface LiveRelay {
  send(change: TicketChanged): void;
  /** A side channel of its own name on the same connection, for another module's messages (live chat). */
  channel(name: string, receive: (message: unknown) => void): LiveChannel;
  close(): Promise<void>;
}

/**
 * Messages to the other processes, in the order sent; each is a JSON value of at most
 * `MAX_CHANNEL_MESSAGE_BYTES` once serialised: a NOTIFY carries 8000 bytes, so a sender with more to say
 * sends ids and lets the receiver read the rest from the database.
 */
export interface LiveChannel {
  send(message: unknown): void;
}

export const MAX_CHANNEL_MESSAGE_BYTES = 6000;

export class LiveBus {
  private readonly emitter = new EventEmitter();
  private relay: LiveRelay | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: TicketChanged): void {
    this.deliver(change);
    this.relay?.send(change);
  }

  /** A change to tell this process's listeners only: one another process published. */
  deliver(change: TicketChanged): void {
    this.emitter.emit("ticket", change);
  }

  subscribe(listener: (change: TicketChanged) => void): () => void {
    this.emitter.on("ticket", listener);
    return () => this.emitter.off("ticket", listener);
  }

  /** Null with one process (PGlite, or no relay): every listener is in this process already. */
  channel(name: string, receive: (message: unknown) => void): LiveChannel | null {
    return this.relay?.channel(name, receive) ?? null;
  }

  relayThrough(relay: LiveRelay): void {
    this.relay = relay;
  }

  async close(): Promise<void> {
    const relay = this.relay;
    this.relay = null;
    await relay?.close();
  }
}
