import { Space, Tag } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { Countdown } from "./Countdown.tsx";
import type { ClockView } from "./countdown.ts";
import { clockName, slaText } from "./messages.ts";

/** Every promise of a ticket in the workspace header: its deadline, where it stands, how far it escalated. */
export function SlaClocks({ clocks }: { clocks: readonly (ClockView & { stoppedAt?: string | null })[] }) {
  const { locale } = useLocale();
  const s = slaText(locale);
  return (
    <Space wrap size={[16, 8]} data-testid="sla-clocks">
      {clocks.map((c) => (
        <Space key={c.name} size={6} data-testid={`sla-clock-${c.name}`}>
          <strong>{clockName(c.name, s)}</strong>
          <Countdown clock={c} />
          <span style={{ color: "#8c8c8c", fontSize: 12 }}>
            {c.stoppedAt
              ? s("stoppedAt", { at: formatTime(c.stoppedAt, locale) })
              : c.dueAt
                ? s("dueAt", { at: formatTime(c.dueAt, locale) })
                : ""}
          </span>
          {c.level > 0 && <Tag color="magenta">{s("levelFired", { n: c.level })}</Tag>}
        </Space>
      ))}
    </Space>
  );
}
