import { HeatmapChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { EChart as Chart } from "../../shared/EChart.tsx";

// Only the parts drawn here are bundled, not the whole of ECharts.
echarts.use([
  LineChart,
  HeatmapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** Lines over periods, one per named series. */
export function TrendChart({
  periods,
  series,
  label,
}: {
  periods: string[];
  series: { name: string; counts: number[] }[];
  label: string;
}) {
  return (
    <Chart
      label={`${label}: ${series.map((s) => `${s.name} ${s.counts.reduce((a, b) => a + b, 0)}`).join(", ")}`}
      option={{
        grid: { left: 40, right: 16, top: 40, bottom: 40 },
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        xAxis: { type: "category", data: periods },
        yAxis: { type: "value", minInterval: 1 },
        series: series.map((s) => ({ type: "line", name: s.name, data: s.counts, smooth: true })),
      }}
    />
  );
}

/** Rows × hours of the day, coloured by count. */
export function HeatMap({
  rows,
  cells,
  label,
}: {
  rows: string[];
  cells: { row: string; hour: number; count: number }[];
  label: string;
}) {
  const max = cells.reduce((m, c) => Math.max(m, c.count), 1);
  return (
    <Chart
      height={Math.max(230, rows.length * 28 + 130)}
      label={`${label}: ${cells.map((c) => `${c.row} ${c.hour}:00 ${c.count}`).join(", ")}`}
      option={{
        // Room below the hour labels for the colour scale, whose end values would sit on them.
        grid: { left: 90, right: 16, top: 16, bottom: 100 },
        tooltip: { position: "top" },
        xAxis: {
          type: "category",
          data: Array.from({ length: 24 }, (_, h) => `${h}`),
          splitArea: { show: true },
        },
        yAxis: { type: "category", data: rows, splitArea: { show: true } },
        visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
        series: [
          {
            type: "heatmap",
            data: cells.map((c) => [c.hour, rows.indexOf(c.row), c.count]),
            label: { show: true },
          },
        ],
      }}
    />
  );
}
