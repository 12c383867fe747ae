import type { Locale } from "../../platform/errors.ts";
import type { ChatState } from "./chat.domain.ts";

/**
 * Who is connected in this process: one socket per customer chat, any number per agent (several tabs).
 * Only routing lives here; the state that matters is in the database.
 *
 * With several app processes the customer and the agents may be connected to different ones: whatever
 * this process's sockets cannot take goes to the others through the relay (chat.relay.ts), and each
 * delivers it to the sockets it holds. A customer's chat is held by one process, so a frame for it is
 * relayed only when it is not here; agents may have tabs anywhere, so frames for them always travel.
 */
export interface Peer {
  send(frame: Record<string, unknown>): void;
}

/**
 * A peer that keeps what it is sent until `release()`, then passes it on in order: an agent's socket
 * joins the hub before its queue is read, and what the hub tells it meanwhile must follow that queue.
 */
export function heldPeer(peer: Peer): Peer & { release(): void } {
  let held: Record<string, unknown>[] | null = [];
  return {
    send(frame) {
      if (held) held.push(frame);
      else peer.send(frame);
    },
    release() {
      for (const frame of held ?? []) peer.send(frame);
      held = null;
    },
  };
}

/** What the customer's socket knows of its chat, changed by an agent's socket when it accepts. */
export interface CustomerSide {
  peer: Peer;
  /** Lines meant for the customer are worded in the customer's language, not the agent's. */
  locale: Locale;
  state: ChatState;
  unsureTurns: number;
  offeredPerson: boolean;
  agentId: string | null;
}

/** An agent took the chat or ended it: the customer's socket, wherever it is, learns it with the frame. */
export interface Becomes {
  state: ChatState;
  agentId?: string;
}

export type OutFrame = Record<string, unknown>;

export type ChatSignal =
  | { to: "customer"; chatId: string; frame: OutFrame; becomes?: Becomes }
  | { to: "agent"; agentId: string; frame: OutFrame }
  | { to: "agents"; frame: OutFrame };

/** Carries signals to the other processes; absent with one process (PGlite). */
export interface ChatRelay {
  send(signal: ChatSignal): void;
  /** This process's agents came or went: the others count them too. */
  agentsChanged(): void;
  /** The agents the other processes hold: their ids, and a number for those too many to list. */
  agentsElsewhere(): { ids: readonly string[]; uncounted: number };
}

export class ChatHub {
  private readonly customers = new Map<string, CustomerSide>();
  private readonly agents = new Map<Peer, { id: string; name: string }>();
  private relay: ChatRelay | null = null;

  relayThrough(relay: ChatRelay): void {
    this.relay = relay;
  }

  joinCustomer(chatId: string, side: CustomerSide): void {
    this.customers.set(chatId, side);
  }

  leaveCustomer(chatId: string): void {
    this.customers.delete(chatId);
  }

  customer(chatId: string): CustomerSide | undefined {
    return this.customers.get(chatId);
  }

  joinAgent(peer: Peer, agent: { id: string; name: string }): void {
    this.agents.set(peer, agent);
    this.relay?.agentsChanged();
  }

  leaveAgent(peer: Peer): void {
    this.agents.delete(peer);
    this.relay?.agentsChanged();
  }

  /** The agents connected to this process, each once however many tabs they have open. */
  agentIds(): string[] {
    return [...new Set([...this.agents.values()].map((a) => a.id))];
  }

  toCustomer(chatId: string, frame: OutFrame, becomes?: Becomes): void {
    const signal: ChatSignal = { to: "customer", chatId, frame, ...(becomes ? { becomes } : {}) };
    if (!this.deliver(signal)) this.relay?.send(signal);
  }

  toAgent(agentId: string, frame: OutFrame): void {
    this.everywhere({ to: "agent", agentId, frame });
  }

  toAllAgents(frame: OutFrame): void {
    this.everywhere({ to: "agents", frame });
  }

  /** Hands a signal to this process's sockets; false when none of them was its addressee. */
  deliver(signal: ChatSignal): boolean {
    if (signal.to === "customer") {
      const side = this.customers.get(signal.chatId);
      if (!side) return false;
      if (signal.becomes) {
        side.state = signal.becomes.state;
        if (signal.becomes.agentId) side.agentId = signal.becomes.agentId;
      }
      side.peer.send(signal.frame);
      return true;
    }
    let delivered = false;
    for (const [peer, agent] of this.agents)
      if (signal.to === "agents" || agent.id === signal.agentId) {
        peer.send(signal.frame);
        delivered = true;
      }
    return delivered;
  }

  /** Other processes hold sockets too: this one's are not all there are. */
  get sharedAcrossProcesses(): boolean {
    return this.relay !== null;
  }

  /** Agents connected to any process, each once. */
  get agentsOnline(): number {
    const elsewhere = this.relay?.agentsElsewhere() ?? { ids: [], uncounted: 0 };
    return new Set([...this.agentIds(), ...elsewhere.ids]).size + elsewhere.uncounted;
  }

  private everywhere(signal: ChatSignal): void {
    this.deliver(signal);
    this.relay?.send(signal);
  }
}
