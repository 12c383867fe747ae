import { App, Badge, Button, Card, Col, Empty, Input, List, Row, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { type ApiError, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { Link } from "../../shared/router.tsx";
import { useSession } from "../session.ts";
import { type ChatInfo, useAgentChat } from "./useAgentChat.ts";
import { type ChatWord, chatWord, reasonWord } from "./words.ts";

/**
 * The agent's live chat desk: customers the bot handed over wait on the left (phones masked) until an
 * agent accepts; accepted chats show their whole transcript, take replies, and become a ticket (or join
 * the customer's existing one) with one click.
 */
export function ChatWorkspace() {
  const { locale } = useLocale();
  const { message } = App.useApp();
  const session = useSession();
  const w = (key: ChatWord) => chatWord(key, locale);
  const chat = useAgentChat(session?.token, (text) => message.error(text));
  const [selected, setSelected] = useState<string>();
  const [draft, setDraft] = useState("");
  const [existing, setExisting] = useState("");
  const [busy, setBusy] = useState(false);
  const current = selected ? chat.active[selected] : undefined;
  const activeList = Object.values(chat.active);

  const accept = (chatId: string) => {
    chat.send({ type: "accept", chatId });
    setSelected(chatId);
  };
  const reply = () => {
    const text = draft.trim();
    if (!current || !text) return;
    chat.send({ type: "message", chatId: current.chatId, text });
    chat.patch(current.chatId, (c) => ({
      ...c,
      transcript: [
        ...c.transcript,
        {
          messageId: `local-${Date.now()}`,
          from: "agent",
          author: session?.displayName ?? null,
          text,
          at: new Date().toISOString(),
        },
      ],
    }));
    setDraft("");
  };
  const toTicket = async (ticketNo?: string) => {
    if (!current) return;
    setBusy(true);
    try {
      const made = await api.post("/api/v1/chats/{chatId}/ticket", {
        path: { chatId: current.chatId },
        body: ticketNo ? { ticketNo } : {},
      });
      chat.patch(current.chatId, (c) => ({ ...c, ticketNo: made.ticketNo }));
      message.success(`${w("ticketMade")} ${made.ticketNo}`);
    } catch (error) {
      const e = error as ApiError;
      message.error([e.message, ...(e.details ?? []).map((d) => d.message)].join("；"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={w("title")}
      extra={
        <Badge
          status={chat.connected ? "success" : "error"}
          text={w(chat.connected ? "connected" : "disconnected")}
        />
      }
    >
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Typography.Title level={5}>
            {w("waiting")} <Tag>{chat.waiting.length}</Tag>
          </Typography.Title>
          <List<ChatInfo>
            size="small"
            bordered
            locale={{ emptyText: w("nothingWaiting") }}
            dataSource={chat.waiting}
            renderItem={(c) => (
              <List.Item
                data-testid="waiting-chat"
                actions={[
                  <Button key="accept" type="primary" size="small" onClick={() => accept(c.chatId)}>
                    {w("accept")}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={c.phone}
                  description={reasonWord(c.reason ?? c.handoverReason ?? null, locale)}
                />
              </List.Item>
            )}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {w("active")} <Tag>{activeList.length}</Tag>
          </Typography.Title>
          <List<ChatInfo>
            size="small"
            bordered
            locale={{ emptyText: w("noActive") }}
            dataSource={activeList}
            renderItem={(c) => (
              <List.Item
                onClick={() => setSelected(c.chatId)}
                style={{ cursor: "pointer", background: c.chatId === selected ? "#e6f4ff" : undefined }}
              >
                <Space>
                  <span>{c.phone}</span>
                  {c.ticketNo && <Tag color="blue">{c.ticketNo}</Tag>}
                  {c.customerLeft && <Tag>{w("customerLeft")}</Tag>}
                  {c.state === "closed" && <Tag>{w("closed")}</Tag>}
                </Space>
              </List.Item>
            )}
          />
        </Col>
        <Col xs={24} md={16}>
          {!current ? (
            <Empty description={w("pick")} />
          ) : (
            <Space orientation="vertical" style={{ width: "100%" }}>
              <Space wrap>
                <Typography.Text strong>{current.phone}</Typography.Text>
                {current.orderNo && <Tag>{current.orderNo}</Tag>}
                {current.handoverMs != null && (
                  <Tag color="purple">
                    {w("handover")} {(current.handoverMs / 1000).toFixed(1)} s
                  </Tag>
                )}
                {current.ticketNo && (
                  <Link to={`/console/tickets/${current.ticketNo}`}>{current.ticketNo}</Link>
                )}
              </Space>
              <div
                data-testid="transcript"
                style={{ maxHeight: 420, overflowY: "auto", border: "1px solid #f0f0f0", padding: 8 }}
              >
                {current.transcript.map((l) => (
                  <div
                    key={l.messageId}
                    style={{ textAlign: l.from === "customer" ? "left" : "right", margin: "6px 0" }}
                  >
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {w(l.from as ChatWord)}
                      {l.author && l.from === "agent" ? ` ${l.author}` : ""}
                    </Typography.Text>
                    <div>
                      <Tag
                        color={l.from === "customer" ? "default" : l.from === "agent" ? "blue" : "green"}
                        style={{ whiteSpace: "pre-wrap" }}
                      >
                        {l.text}
                      </Tag>
                    </div>
                  </div>
                ))}
              </div>
              <Space.Compact style={{ width: "100%" }}>
                <Input
                  aria-label={w("reply")}
                  placeholder={w("reply")}
                  value={draft}
                  maxLength={1000}
                  disabled={current.state === "closed"}
                  onChange={(e) => setDraft(e.target.value)}
                  onPressEnter={reply}
                />
                <Button type="primary" onClick={reply} disabled={current.state === "closed"}>
                  {w("send")}
                </Button>
              </Space.Compact>
              <Space wrap>
                <Button onClick={() => toTicket()} loading={busy} disabled={Boolean(current.ticketNo)}>
                  {w("createTicket")}
                </Button>
                <Space.Compact>
                  <Input
                    placeholder={w("attachPlaceholder")}
                    value={existing}
                    onChange={(e) => setExisting(e.target.value.trim().toUpperCase())}
                  />
                  <Button
                    onClick={() => toTicket(existing)}
                    disabled={!existing || Boolean(current.ticketNo)}
                    loading={busy}
                  >
                    {w("attach")}
                  </Button>
                </Space.Compact>
                <Button
                  danger
                  onClick={() => chat.send({ type: "close", chatId: current.chatId })}
                  disabled={current.state === "closed"}
                >
                  {w("end")}
                </Button>
              </Space>
            </Space>
          )}
        </Col>
      </Row>
    </Card>
  );
}
