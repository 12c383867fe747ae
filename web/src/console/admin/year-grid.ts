/** The days of one month as grid cells, Monday first: cells without a date pad the first week. */
export function monthCells(year: number, month: number): { key: string; date: string | null }[] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const pad = (first.getUTCDay() + 6) % 7;
  const cells = Array.from({ length: pad }, (_, i) => ({ key: `pad-${i}`, date: null as string | null }));
  for (let d = 1; d <= days; d++) {
    const date = `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
    cells.push({ key: date, date });
  }
  return cells;
}
