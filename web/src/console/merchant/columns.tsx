import { Tag } from "antd";
import type { Answer } from "../../api/client.ts";
import type { Locale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { merchantWord } from "./words.ts";

/** The columns a merchant's list and the staff's board show alike. */
export type Suggestion = Answer<"get", "/api/v1/suggestions">["items"][number];

const STATUS_COLOURS = { submitted: "default", assessed: "blue", forwarded: "orange", reported: "green" };

export function suggestionColumns(locale: Locale) {
  const w = (k: string) => merchantWord(k, locale);
  return {
    topic: { title: w("topic"), dataIndex: "topic" },
    category: { title: w("category"), dataIndex: "category", render: (c: string) => w(`c_${c}`) },
    status: {
      title: w("statusCol"),
      dataIndex: "status",
      render: (s: Suggestion["status"]) => <Tag color={STATUS_COLOURS[s]}>{w(`s_${s}`)}</Tag>,
    },
    filedAt: {
      title: w("filedAt"),
      dataIndex: "createdAt",
      render: (at: string) => formatTime(at, locale, true),
    },
  };
}
