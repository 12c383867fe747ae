import { ThunderboltOutlined } from "@ant-design/icons";
import { App as AntApp, Button, Empty, Input, Popover, Spin } from "antd";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { useKbWords } from "../knowledge/words.ts";
import { can, useSession } from "../session.ts";

/** Templates greet by name; a ticket without one gets the polite form the shipped replies are written in. */
const NO_NAME = "尊敬的顾客";

/**
 * Canned replies for the ticket's business line, searched by title. The chosen one is filled in by the
 * server with what the ticket knows (name, ticket and order number, the agent) and handed to the reply
 * box; anything the ticket cannot tell (an amount, a deadline) stays as {{name}} for the agent to fill.
 */
export function MacroPicker({ ticketNo, onInsert }: { ticketNo: string; onInsert(text: string): void }) {
  const w = useKbWords();
  const session = useSession();
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const [busy, setBusy] = useState<string>();
  const data = useAsync(
    async (signal) => {
      if (!open) return undefined;
      const ticket = await api.get("/api/v1/tickets/{ticketNo}", { path: { ticketNo }, signal });
      const macros = await api.get("/api/v1/knowledge/entries", {
        query: { kind: "macro", status: "published", businessLine: ticket.businessLine as never, limit: 200 },
        signal,
      });
      return { ticket, macros: macros.items };
    },
    [open, ticketNo],
  );
  if (!can(session, "knowledge.read")) return null;

  const pick = async (id: string) => {
    const ticket = data.data?.ticket;
    if (!ticket) return;
    setBusy(id);
    try {
      const r = await api.post("/api/v1/knowledge/macros/{id}/render", {
        path: { id },
        body: {
          variables: {
            customerName: ticket.customerName || NO_NAME,
            ticketNo: ticket.ticketNo,
            orderNo: ticket.orderNo,
            agentName: session?.displayName ?? "",
          },
        },
      });
      onInsert(r.text);
      setOpen(false);
      if (r.missing.length) message.warning(w("missing", { names: r.missing.join("、") }));
      else message.success(w("inserted"));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  const needle = q.trim().toLowerCase();
  const shown = (data.data?.macros ?? []).filter((m) => !needle || m.title.toLowerCase().includes(needle));
  const content = (
    <div style={{ width: 340 }}>
      <Input.Search
        allowClear
        autoFocus
        placeholder={w("pickSearch")}
        aria-label={w("pickSearch")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        style={{ marginBottom: 8 }}
      />
      {data.loading ? (
        <Spin />
      ) : (
        <ul
          aria-label={w("pick")}
          style={{ listStyle: "none", padding: 0, margin: 0, maxHeight: 320, overflowY: "auto" }}
        >
          {shown.map((m) => (
            <li key={m.id}>
              <Button
                type="text"
                block
                style={{ justifyContent: "flex-start" }}
                loading={busy === m.id}
                onClick={() => pick(m.id)}
              >
                {m.title}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {!data.loading && shown.length === 0 && <Empty description={data.error?.message ?? w("pickEmpty")} />}
    </div>
  );
  return (
    <Popover open={open} onOpenChange={setOpen} trigger="click" content={content} placement="bottomLeft">
      <Button size="small" icon={<ThunderboltOutlined />}>
        {w("pick")}
      </Button>
    </Popover>
  );
}
