import { Button, Input, Space, Tag } from "antd";
import { useEffect, useRef, useState } from "react";
import type { Locale } from "../../i18n/locale.tsx";

/**
 * The customer's live chat on the H5 help page: phone (and order) first, then the bot answers at once;
 * "转人工" or the button queues the chat for an agent, whose lines then arrive here.
 */
const WORDS = {
  title: { "zh-CN": "在线客服", en: "Live chat" },
  start: { "zh-CN": "开始咨询", en: "Start chat" },
  phone: { "zh-CN": "手机号", en: "Mobile number" },
  orderNo: { "zh-CN": "订单号（选填）", en: "Order no. (optional)" },
  say: { "zh-CN": "请输入您的问题", en: "Type your question" },
  send: { "zh-CN": "发送", en: "Send" },
  human: { "zh-CN": "转人工", en: "Talk to a person" },
  you: { "zh-CN": "我", en: "Me" },
  bot: { "zh-CN": "智能客服", en: "Bot" },
  agent: { "zh-CN": "客服", en: "Agent" },
  lost: { "zh-CN": "连接已断开", en: "Disconnected" },
} as const;

type Said = { key: number; from: "you" | "bot" | "agent" | "system"; text: string };
type Frame = { type: string } & Record<string, unknown>;

export function ChatWidget({
  locale,
  phone = "",
  orderNo = "",
}: {
  locale: Locale;
  phone?: string;
  orderNo?: string;
}) {
  const w = (k: keyof typeof WORDS) => WORDS[k][locale];
  const [who, setWho] = useState({ phone, orderNo });
  const [lines, setLines] = useState<Said[]>([]);
  const [draft, setDraft] = useState("");
  const [open, setOpen] = useState<"no" | "yes" | "lost">("no");
  const socket = useRef<WebSocket | null>(null);
  const seq = useRef(0);
  const add = (from: Said["from"], text: string) =>
    setLines((l) => [...l, { key: ++seq.current, from, text }]);

  useEffect(() => () => socket.current?.close(), []);

  const start = () => {
    socket.current?.close();
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/v1/chat/customer`);
    socket.current = ws;
    ws.onopen = () =>
      ws.send(
        JSON.stringify({ type: "hello", phone: who.phone, ...(who.orderNo ? { orderNo: who.orderNo } : {}) }),
      );
    ws.onmessage = (e) => {
      const f = JSON.parse(String(e.data)) as Frame;
      if (f.type === "welcome") setOpen("yes");
      if (f.type === "message") add(f.from === "agent" ? "agent" : "bot", String(f.text));
      if (
        ["welcome", "queued", "agent_joined", "ticket", "closed", "error", "callback_offer"].includes(
          f.type,
        ) &&
        f.text
      )
        add("system", String(f.text));
      if (f.type === "error") add("system", String(f.message));
    };
    ws.onclose = () => setOpen((o) => (o === "yes" ? "lost" : o));
  };
  const send = (text: string) => {
    if (!text.trim()) return;
    socket.current?.send(JSON.stringify({ type: "message", text: text.trim() }));
    add("you", text.trim());
    setDraft("");
  };

  return (
    <section className="h5-card" aria-labelledby="chat-heading" data-testid="chat-widget">
      <h2 id="chat-heading">{w("title")}</h2>
      {open === "no" ? (
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Input
            aria-label={w("phone")}
            placeholder={w("phone")}
            value={who.phone}
            inputMode="tel"
            onChange={(e) => setWho({ ...who, phone: e.target.value })}
          />
          <Input
            aria-label={w("orderNo")}
            placeholder={w("orderNo")}
            value={who.orderNo}
            onChange={(e) => setWho({ ...who, orderNo: e.target.value })}
          />
          {lines.map((l) => (
            <div key={l.key} className="h5-time">
              {l.text}
            </div>
          ))}
          <Button type="primary" block onClick={start} disabled={!who.phone.trim()}>
            {w("start")}
          </Button>
        </Space>
      ) : (
        <Space orientation="vertical" style={{ width: "100%" }}>
          <div data-testid="chat-lines" style={{ maxHeight: 320, overflowY: "auto" }}>
            {lines.map((l) => (
              <div key={l.key} style={{ textAlign: l.from === "you" ? "right" : "left", margin: "6px 0" }}>
                {l.from === "system" ? (
                  <span className="h5-time">{l.text}</span>
                ) : (
                  <>
                    <Tag color={l.from === "you" ? "blue" : l.from === "agent" ? "green" : "default"}>
                      {w(l.from)}
                    </Tag>
                    <span style={{ whiteSpace: "pre-wrap" }}>{l.text}</span>
                  </>
                )}
              </div>
            ))}
          </div>
          {open === "lost" && <div className="h5-time">{w("lost")}</div>}
          <Space.Compact style={{ width: "100%" }}>
            <Input
              aria-label={w("say")}
              placeholder={w("say")}
              value={draft}
              maxLength={1000}
              disabled={open === "lost"}
              onChange={(e) => setDraft(e.target.value)}
              onPressEnter={() => send(draft)}
            />
            <Button type="primary" onClick={() => send(draft)} disabled={open === "lost"}>
              {w("send")}
            </Button>
          </Space.Compact>
          <Button
            block
            disabled={open === "lost"}
            onClick={() => socket.current?.send(JSON.stringify({ type: "human" }))}
          >
            {w("human")}
          </Button>
        </Space>
      )}
    </section>
  );
}
