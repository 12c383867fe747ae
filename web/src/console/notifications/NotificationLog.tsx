import { Card, Table, Tag, Tooltip } from "antd";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { useAsync } from "../../shared/useAsync.ts";
import { can, useSession } from "../session.ts";
import { channelWord, kindWord, STATUS_COLOURS, statusWord, word } from "./words.ts";

type Notice = Answer<"get", "/api/v1/tickets/{ticketNo}/notifications">["items"][number];

/** Every notice of the ticket and how its delivery went: what the customer and the staff were told. */
export function NotificationLog({ ticketNo }: { ticketNo: string }) {
  const session = useSession()!;
  const { locale } = useLocale();
  const log = useAsync(
    (signal) =>
      can(session, "notifications.read")
        ? api.get("/api/v1/tickets/{ticketNo}/notifications", { path: { ticketNo }, signal })
        : Promise.resolve(undefined),
    [ticketNo],
  );
  if (!can(session, "notifications.read")) return null;
  return (
    <Card title={word("log", locale)} size="small" style={{ marginTop: 16 }} data-testid="notification-log">
      <Table<Notice>
        size="small"
        rowKey="id"
        loading={log.loading}
        dataSource={log.data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: word("empty", locale) }}
        columns={[
          { title: word("created", locale), render: (_, n) => formatTime(n.createdAt, locale), width: 110 },
          { title: word("kind", locale), render: (_, n) => kindWord(n.kind, locale) },
          { title: word("channel", locale), render: (_, n) => channelWord(n.channel, locale) },
          { title: word("recipient", locale), dataIndex: "recipient" },
          {
            title: word("status", locale),
            render: (_, n) => (
              <Tooltip
                title={[
                  n.heldUntil && `${word("heldUntil", locale)} ${formatTime(n.heldUntil, locale)}`,
                  n.lastError && `${word("lastError", locale)}: ${n.lastError}`,
                ]
                  .filter(Boolean)
                  .join(" · ")}
              >
                <Tag color={STATUS_COLOURS[n.status]}>
                  {statusWord(n.status, locale)}
                  {n.channel !== "in_app" ? ` ${n.attempts}/${n.maxAttempts}` : ""}
                </Tag>
              </Tooltip>
            ),
          },
        ]}
        expandable={{
          expandedRowRender: (n) => <p style={{ margin: 0, whiteSpace: "pre-wrap" }}>{n.body}</p>,
        }}
      />
    </Card>
  );
}
