import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api/client.ts";

/**
 * The agent's chat socket: a one-minute stream token (browsers cannot send an Authorization header on a
 * WebSocket) opens `/api/v1/chat/agent`; a dropped connection is opened again after a pause, and the
 * server's hello frame brings the queue and the agent's own active chats back.
 */
export interface Line {
  messageId: string;
  from: string;
  author: string | null;
  text: string;
  at: string;
}

export interface ChatInfo {
  chatId: string;
  state: string;
  phone: string;
  orderNo?: string | null;
  handoverReason?: string | null;
  reason?: string | null;
  handoverMs?: number | null;
  ticketNo?: string | null;
  customerLeft?: boolean;
  transcript: Line[];
}

type Frame = { type: string } & Record<string, unknown>;

export function useAgentChat(token: string | undefined, onProblem: (message: string) => void) {
  const [connected, setConnected] = useState(false);
  const [waiting, setWaiting] = useState<ChatInfo[]>([]);
  const [active, setActive] = useState<Record<string, ChatInfo>>({});
  const socket = useRef<WebSocket | null>(null);
  const problem = useRef(onProblem);
  problem.current = onProblem;

  const patch = useCallback((chatId: string, change: (c: ChatInfo) => ChatInfo) => {
    setActive((all) => (all[chatId] ? { ...all, [chatId]: change(all[chatId]) } : all));
  }, []);

  useEffect(() => {
    if (!token) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const readChat = async (chatId: string) => {
      const chat = await api.get("/api/v1/chats/{chatId}", { path: { chatId } }).catch(() => null);
      if (chat) setActive((all) => ({ ...all, [chatId]: chat }));
    };
    const onFrame = (f: Frame) => {
      if (f.type === "hello") {
        setWaiting((f.waiting as ChatInfo[]).map((c) => ({ ...c, transcript: [] })));
        for (const c of f.active as ChatInfo[]) void readChat(c.chatId);
      } else if (f.type === "handover") {
        const chat = f.chat as ChatInfo;
        setWaiting((w) => [...w.filter((c) => c.chatId !== chat.chatId), chat]);
      } else if (f.type === "taken" || f.type === "withdrawn") {
        setWaiting((w) => w.filter((c) => c.chatId !== f.chatId));
      } else if (f.type === "accepted") {
        const chat = f.chat as ChatInfo;
        setActive((all) => ({ ...all, [chat.chatId]: chat }));
      } else if (f.type === "message" && typeof f.chatId === "string") {
        const line = {
          messageId: String(f.messageId),
          from: "customer",
          author: null,
          text: String(f.text),
          at: new Date().toISOString(),
        };
        // A line said as the chat was accepted on another server may come both in the transcript and live.
        patch(f.chatId, (c) =>
          c.transcript.some((l) => l.messageId === line.messageId)
            ? c
            : { ...c, transcript: [...c.transcript, line] },
        );
      } else if (f.type === "customer_left" && typeof f.chatId === "string") {
        patch(f.chatId, (c) => ({ ...c, customerLeft: true }));
      } else if (f.type === "closed" && typeof f.chatId === "string") {
        patch(f.chatId, (c) => ({ ...c, state: "closed" }));
      } else if (f.type === "error") problem.current(String(f.message));
    };
    const connect = async () => {
      let streamToken: string;
      try {
        streamToken = (await api.post("/api/v1/live/tokens")).token;
      } catch {
        if (!stopped) timer = setTimeout(connect, 5000);
        return;
      }
      if (stopped) return;
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(
        `${scheme}://${window.location.host}/api/v1/chat/agent?token=${encodeURIComponent(streamToken)}`,
      );
      socket.current = ws;
      ws.onopen = () => setConnected(true);
      ws.onmessage = (e) => onFrame(JSON.parse(String(e.data)) as Frame);
      ws.onclose = () => {
        setConnected(false);
        if (!stopped) timer = setTimeout(connect, 3000);
      };
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket.current?.close();
    };
  }, [token, patch]);

  const send = useCallback((frame: Frame) => socket.current?.send(JSON.stringify(frame)), []);
  return { connected, waiting, active, send, patch };
}
