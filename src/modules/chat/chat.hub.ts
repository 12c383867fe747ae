import type { Locale } from "../../platform/errors.ts";
import type { ChatState } from "./chat.domain.ts";

/**
 * Who is connected in this process: one socket per customer chat, any number per agent (several tabs).
 * Only routing lives here; the state that matters is in the database. A second app process would need
 * its own fan-out (e.g. PostgreSQL LISTEN/NOTIFY) — see the README's gaps.
 */
export interface Peer {
  send(frame: Record<string, unknown>): void;
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

export class ChatHub {
  private readonly customers = new Map<string, CustomerSide>();
  private readonly agents = new Map<Peer, { id: string; name: string }>();

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
  }

  leaveAgent(peer: Peer): void {
    this.agents.delete(peer);
  }

  toCustomer(chatId: string, frame: Record<string, unknown>): void {
    this.customers.get(chatId)?.peer.send(frame);
  }

  toAgent(agentId: string, frame: Record<string, unknown>): void {
    for (const [peer, agent] of this.agents) if (agent.id === agentId) peer.send(frame);
  }

  toAllAgents(frame: Record<string, unknown>): void {
    for (const peer of this.agents.keys()) peer.send(frame);
  }

  get agentsOnline(): number {
    return new Set([...this.agents.values()].map((a) => a.id)).size;
  }
}
