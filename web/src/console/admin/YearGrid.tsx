import { Tooltip } from "antd";
import type { SlaText } from "../sla/messages.ts";
import { monthCells } from "./year-grid.ts";
import "./year-grid.css";

export interface MarkedDay {
  date: string;
  kind: "holiday" | "workday";
  name: string;
}

const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/** A year at a glance: holidays red, adjusted working days blue (班), weekends grey; a click edits the day. */
export function YearGrid({
  year,
  days,
  s,
  onPick,
}: {
  year: number;
  days: readonly MarkedDay[];
  s: SlaText;
  onPick(date: string): void;
}) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const months = s("months").split("|");
  const weekdays = s("weekdays").split("|");
  return (
    <div className="year-grid" data-testid="year-grid">
      {months.map((label, i) => (
        <div key={label} className="year-grid-month">
          <div className="year-grid-title">{label}</div>
          <div className="year-grid-days">
            {weekdays.map((w) => (
              <span key={w} className="year-grid-head">
                {w}
              </span>
            ))}
            {monthCells(year, i + 1).map(({ key, date }) =>
              date ? (
                <DayCell key={key} date={date} marked={byDate.get(date)} s={s} onPick={onPick} />
              ) : (
                <span key={key} />
              ),
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

function DayCell({
  date,
  marked,
  s,
  onPick,
}: {
  date: string;
  marked: MarkedDay | undefined;
  s: SlaText;
  onPick(date: string): void;
}) {
  const cls = marked ? `year-grid-${marked.kind}` : isWeekend(date) ? "year-grid-weekend" : "";
  const cell = (
    <button
      type="button"
      className={`year-grid-day ${cls}`}
      aria-label={marked ? `${date} ${marked.name}` : date}
      onClick={() => onPick(date)}
    >
      {Number(date.slice(8))}
    </button>
  );
  return marked ? (
    <Tooltip title={`${marked.name} · ${s(marked.kind)}`}>{cell}</Tooltip>
  ) : (
    <span>{cell}</span>
  );
}
