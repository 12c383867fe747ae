import { App, Card, Col, Empty, Input, Modal, Row, Select, Space, Typography } from "antd";
import { useState } from "react";
import { type Answer, type ApiError, api } from "../../api/client.ts";
import { useStaffLive } from "../../shared/live.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { useWords } from "../remedies/words.ts";
import { can, useSession } from "../session.ts";
import { OrderCard } from "./OrderCard.tsx";

export type ExecutionOrder = Answer<"get", "/api/v1/execution-orders">["items"][number];
const COLUMNS = ["open", "in_progress", "done", "failed"] as const;
const DEPARTMENTS = ["merchant", "logistics", "warehouse", "finance"] as const;
type Department = (typeof DEPARTMENTS)[number];

/** The moves a card offers, and what each needs from the person first. */
export type Move = { order: ExecutionOrder; to: "in_progress" | "done" | "failed" };

/**
 * The execution-order board (执行单): a department's orders in four columns with their deadlines. The
 * server decides what each person sees — a merchant its own shops', a rider its own deliveries, the
 * warehouse and finance their department's; supervisors see every department and may filter.
 */
export function ExecutionBoard() {
  const w = useWords();
  const { message } = App.useApp();
  const session = useSession()!;
  const [department, setDepartment] = useState<Department | undefined>();
  const [pending, setPending] = useState<Move | null>(null);
  const [words, setWords] = useState("");
  const [busy, setBusy] = useState(false);
  const board = useAsync(
    (signal) =>
      api.get("/api/v1/execution-orders", {
        query: { ...(department ? { department } : {}), limit: 200 },
        signal,
      }),
    [department],
  );
  // Department users do not read the ticket stream; they refresh by acting or reloading.
  useStaffLive(() => board.reload(true), { enabled: can(session, "tickets.read") });
  const everyDepartment = ["admin", "supervisor", "manager", "agent", "qa"].includes(session.role);
  const mayWork = can(session, "execution.work");

  async function move(m: Move, text: string) {
    setBusy(true);
    try {
      await api.post("/api/v1/execution-orders/{orderId}/transitions", {
        path: { orderId: m.order.id },
        body: {
          to: m.to,
          ...(m.to === "failed" ? { reason: text } : {}),
          ...(m.to === "done" && text ? { note: text } : {}),
        },
      });
      setPending(null);
      setWords("");
      board.reload(true);
    } catch (e) {
      message.error((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  }
  // Starting needs nothing more; completing may carry a note; failing needs a reason.
  const ask = (m: Move) => (m.to === "in_progress" ? move(m, "") : setPending(m));

  const orders = board.data?.items ?? [];
  return (
    <Card
      title={w("boardTitle")}
      data-testid="execution-board"
      extra={
        everyDepartment ? (
          <Select<Department>
            allowClear
            style={{ width: 160 }}
            placeholder={w("allDepartments")}
            value={department}
            onChange={setDepartment}
            aria-label={w("department")}
            options={DEPARTMENTS.map((d) => ({ value: d, label: w(d) }))}
          />
        ) : null
      }
    >
      <Row gutter={12}>
        {COLUMNS.map((status) => {
          const list = orders.filter((o) => o.status === status);
          return (
            <Col xs={24} md={12} xl={6} key={status} data-testid={`column-${status}`}>
              <Typography.Title level={5}>
                {w(status)} <Typography.Text type="secondary">{list.length}</Typography.Text>
              </Typography.Title>
              <Space direction="vertical" style={{ width: "100%" }}>
                {list.length === 0 && (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={w("emptyColumn")} />
                )}
                {list.map((o) => (
                  <OrderCard key={o.id} order={o} mayWork={mayWork} onMove={ask} />
                ))}
              </Space>
            </Col>
          );
        })}
      </Row>
      <Modal
        open={!!pending}
        title={pending ? `${pending.order.actionText} · ${pending.order.ticketNo}` : ""}
        okText={pending?.to === "failed" ? w("fail") : w("complete")}
        okButtonProps={{
          danger: pending?.to === "failed",
          disabled: pending?.to === "failed" && !words.trim(),
          loading: busy,
        }}
        onOk={() => pending && move(pending, words.trim())}
        onCancel={() => setPending(null)}
      >
        <Input.TextArea
          rows={3}
          value={words}
          aria-label={pending?.to === "failed" ? w("failReason") : w("doneNote")}
          placeholder={pending?.to === "failed" ? w("failReason") : w("doneNote")}
          onChange={(e) => setWords(e.target.value)}
        />
      </Modal>
    </Card>
  );
}
