import { Card, Tag, Timeline } from "antd";
import type { ReactNode } from "react";
import { channelLabel, eventLabel, roleLabel, severityLabel, statusLabel } from "../../i18n/labels.ts";
import { type Locale, type Translate, useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { categoryLabel, type PublicPack } from "../../shared/packs.ts";
import type { TicketEvent } from "./types.ts";

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** One line per event in the staff's words; unknown event types still show their data, never nothing. */
function describe(e: TicketEvent, pack: PublicPack | undefined, locale: Locale, t: Translate): ReactNode {
  const d = e.data;
  switch (e.type) {
    case "reply":
      return <div className="ws-reply-event ws-event-body">{str(d.body)}</div>;
    case "note":
      return <div className="ws-note-event ws-event-body">{str(d.body)}</div>;
    case "received":
      return [
        d.category ? categoryLabel(pack, str(d.category), locale) : "",
        d.severity ? severityLabel(str(d.severity), locale) : "",
      ]
        .filter(Boolean)
        .join(" · ");
    case "assigned":
      return `→ ${str(d.assigneeName ?? d.assignee)}`;
    case "status_changed":
      return `${statusLabel(str(d.from), locale)} → ${statusLabel(str(d.to), locale)}${d.reason ? `：${str(d.reason)}` : ""}`;
    case "reclassified": {
      const from = (d.from ?? {}) as Record<string, unknown>;
      const to = (d.to ?? {}) as Record<string, unknown>;
      return `${categoryLabel(pack, str(from.category), locale)}/${severityLabel(str(from.severity), locale)} → ${categoryLabel(pack, str(to.category), locale)}/${severityLabel(str(to.severity), locale)}${d.reason ? `：${str(d.reason)}` : ""}`;
    }
    case "first_response":
      return `${d.late ? t("lateYes") : t("lateNo")} · ${t("firstResponseDue")} ${formatTime(str(d.dueAt), locale)}`;
    case "merged_into":
      return `→ ${str(d.into)}${d.reason ? `：${str(d.reason)}` : ""}`;
    case "merged_from":
      return `← ${str(d.from)}${d.reason ? `：${str(d.reason)}` : ""}`;
    case "escalated": {
      const levels = t("escalationLevels").split("|");
      const level = (v: unknown) => levels[Number((v as { level?: number } | undefined)?.level)] ?? "";
      return `${level(d.from)} → ${level(d.to)}${d.clock ? `（${clockLabel(str(d.clock), t)}）` : ""}`;
    }
    case "sla_breached":
      return `${clockLabel(str(d.clock), t)} · ${t("breached")}${d.dueAt ? ` · ${formatTime(str(d.dueAt), locale)}` : ""}`;
    default:
      return <EventData data={d} />;
  }
}

const clockLabel = (clock: string, t: Translate) =>
  clock === "firstResponse" ? t("firstResponse") : clock === "resolution" ? t("resolution") : clock;

/** Events of modules this view has no words for yet still show what they carry, field by field. */
function EventData({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data);
  if (entries.length === 0) return null;
  return (
    <div className="ws-event-meta">
      {entries.map(([k, v]) => (
        <div key={k}>
          {k}: {typeof v === "object" ? JSON.stringify(v) : str(v)}
        </div>
      ))}
    </div>
  );
}

export function EventTimeline({ events, pack }: { events: TicketEvent[]; pack: PublicPack | undefined }) {
  const { locale, t } = useLocale();
  return (
    <Card title={t("events")} size="small">
      <div data-testid="staff-timeline">
        <Timeline
          items={[...events].reverse().map((e, i) => ({
            key: `${e.at}-${i}`,
            color:
              e.type === "reply"
                ? "blue"
                : e.type === "note"
                  ? "gold"
                  : e.visibility === "internal"
                    ? "gray"
                    : "green",
            content: (
              <div>
                <div style={{ marginBottom: 4 }}>
                  <strong>{eventLabel(e.type, locale)}</strong>{" "}
                  {e.visibility === "internal" && <Tag>{t("internal")}</Tag>}
                  <span className="ws-event-meta">
                    {formatTime(e.at, locale)} · {e.actor} ({roleLabel(e.actorRole, locale) || e.actorRole})
                    {e.channel ? ` · ${channelLabel(e.channel, locale)}` : ""}
                  </span>
                </div>
                {describe(e, pack, locale, t)}
              </div>
            ),
          }))}
        />
      </div>
    </Card>
  );
}
