import { App, Button, Table, Tag } from "antd";
import { type Answer, api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Link } from "../../shared/router.tsx";
import { useAsync } from "../../shared/useAsync.ts";
import { channelWord, kindWord, word } from "./words.ts";

type Notice = Answer<"get", "/api/v1/notifications/dead-letters">["items"][number];

/** Notices given up after their retries; once the provider is back, staff send them again. */
export function DeadLetters() {
  const { locale } = useLocale();
  const { message } = App.useApp();
  const list = useAsync(
    (signal) => api.get("/api/v1/notifications/dead-letters", { query: { limit: 100 }, signal }),
    [],
  );
  const retry = async (n: Notice) => {
    try {
      await api.post("/api/v1/notifications/{id}/retry", { path: { id: n.id } });
      message.success(word("retried", locale));
      list.reload(true);
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Table<Notice>
      size="small"
      rowKey="id"
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      locale={{ emptyText: word("empty", locale) }}
      columns={[
        { title: word("created", locale), render: (_, n) => formatTime(n.deadAt ?? n.createdAt, locale) },
        {
          title: word("ticket", locale),
          render: (_, n) => <Link to={`/console/tickets/${n.ticketNo}`}>{n.ticketNo}</Link>,
        },
        { title: word("kind", locale), render: (_, n) => kindWord(n.kind, locale) },
        { title: word("channel", locale), render: (_, n) => <Tag>{channelWord(n.channel, locale)}</Tag> },
        { title: word("recipient", locale), dataIndex: "recipient" },
        { title: word("attempts", locale), render: (_, n) => `${n.attempts}/${n.maxAttempts}` },
        { title: word("lastError", locale), dataIndex: "lastError", ellipsis: true },
        {
          title: "",
          render: (_, n) => (
            <Button size="small" onClick={() => retry(n)}>
              {word("retry", locale)}
            </Button>
          ),
        },
      ]}
    />
  );
}
