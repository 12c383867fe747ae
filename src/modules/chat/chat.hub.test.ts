import { describe, expect, it } from "vitest";
import { ChatHub, heldPeer, type OutFrame } from "./chat.hub.ts";

describe("an agent's socket joining the hub", () => {
  it("gets a hand-over told while its queue was read after the hello, not before it", () => {
    const hub = new ChatHub();
    const seen: OutFrame[] = [];
    const socket = { send: (frame: OutFrame) => seen.push(frame) };
    const live = heldPeer(socket);
    hub.joinAgent(live, { id: "u1", name: "小王" });
    hub.toAllAgents({ type: "handover", chat: { chatId: "C1" } });
    hub.toAllAgents({ type: "taken", chatId: "C0" });
    expect(seen).toEqual([]);
    socket.send({ type: "hello", waiting: [] });
    live.release();
    hub.toAllAgents({ type: "withdrawn", chatId: "C1" });
    expect(seen.map((f) => f.type)).toEqual(["hello", "handover", "taken", "withdrawn"]);
  });
});
