import { ClockCircleOutlined, PauseCircleOutlined } from "@ant-design/icons";
import { Tag, Tooltip } from "antd";
import { useLocale } from "../../i18n/locale.tsx";
import { formatTime } from "../../shared/format.ts";
import { type ClockView, clockState, countdownText, nearestClock } from "./countdown.ts";
import { clockName, slaText } from "./messages.ts";
import { useNow } from "./useNow.ts";

const COLOURS = {
  soon: "orange",
  breached: "red",
  paused: "default",
  stopped: "green",
  running: "blue",
} as const;

/** One clock's live countdown as a tag: blue running, amber due soon, red breached, grey paused. */
export function Countdown({ clock, withName = false }: { clock: ClockView; withName?: boolean }) {
  const { locale } = useLocale();
  const now = useNow();
  const s = slaText(locale);
  const { state } = clockState(clock, now);
  const text = countdownText(clock, now, s);
  return (
    <Tag
      color={COLOURS[state]}
      icon={state === "paused" ? <PauseCircleOutlined /> : <ClockCircleOutlined />}
      data-testid="sla-countdown"
      data-state={state}
      style={{ marginInlineEnd: 0 }}
    >
      {withName ? `${clockName(clock.name, s)} · ${text}` : text}
    </Tag>
  );
}

/** The queue's cell: the nearest running deadline (else a paused one), named in the tooltip. */
export function NearestDeadline({ clocks }: { clocks: readonly ClockView[] }) {
  const { locale } = useLocale();
  const s = slaText(locale);
  const clock = nearestClock(clocks);
  if (!clock) return <span style={{ color: "#bfbfbf" }}>—</span>;
  const title = `${clockName(clock.name, s)}${clock.dueAt ? ` · ${s("dueAt", { at: formatTime(clock.dueAt, locale) })}` : ""}`;
  return (
    <Tooltip title={title}>
      <span>
        <Countdown clock={clock} />
      </span>
    </Tooltip>
  );
}
