import { Button, Card, Space, Tag, Typography } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { dueText, formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useWords } from "../remedies/words.ts";
import { useSession } from "../session.ts";
import type { ExecutionOrder, Move } from "./ExecutionBoard.tsx";

const MONEY = ["refund", "compensation"];

/** One execution order: what, for which ticket, by when, and the next moves its department may make. */
export function OrderCard({
  order: o,
  mayWork,
  onMove,
}: {
  order: ExecutionOrder;
  mayWork: boolean;
  onMove(m: Move): void;
}) {
  const w = useWords();
  const { locale, t } = useLocale();
  const session = useSession()!;
  const live = o.status === "open" || o.status === "in_progress";
  const due = o.dueAt && live ? dueText(o.dueAt, Date.now(), t) : null;
  const money = MONEY.includes(o.action);
  // Ticket pages are for those who read tickets; department users see the number only.
  const ticket = session.permissions.includes("tickets.read") ? (
    <Link to={`/console/tickets/${o.ticketNo}`}>{o.ticketNo}</Link>
  ) : (
    <Typography.Text>{o.ticketNo}</Typography.Text>
  );
  return (
    <Card size="small" data-testid="execution-order" data-action={o.action} data-department={o.department}>
      <Space direction="vertical" size={2} style={{ width: "100%" }}>
        <Space wrap>
          <strong>{o.actionText}</strong>
          <Tag>{w(o.department)}</Tag>
          {(o.overdue || due?.overdue) && <Tag color="red">{w("overdue")}</Tag>}
        </Space>
        {ticket}
        <Typography.Text type={due?.overdue ? "danger" : "secondary"} style={{ fontSize: 12 }}>
          {w("due")}：
          {o.dueAt
            ? `${formatTime(o.dueAt, locale)}${due ? ` (${due.text})` : ""}`
            : o.blockedBy
              ? w("waiting")
              : "—"}
        </Typography.Text>
        {o.owner && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {w("owner")}：{o.owner.name}
          </Typography.Text>
        )}
        {o.note && <Typography.Text style={{ fontSize: 12 }}>{o.note}</Typography.Text>}
        {o.failureReason && (
          <Typography.Text type="danger" style={{ fontSize: 12 }}>
            {o.failureReason}
          </Typography.Text>
        )}
        {mayWork && live && !money && (
          <Space>
            {o.status === "open" && (
              <Button size="small" type="primary" onClick={() => onMove({ order: o, to: "in_progress" })}>
                {w("start")}
              </Button>
            )}
            {o.status === "in_progress" && (
              <Button size="small" type="primary" onClick={() => onMove({ order: o, to: "done" })}>
                {w("complete")}
              </Button>
            )}
            <Button size="small" danger onClick={() => onMove({ order: o, to: "failed" })}>
              {w("fail")}
            </Button>
          </Space>
        )}
        {live && money && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {w("followsPayment")}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}
