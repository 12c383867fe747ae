import { BarChart as Bars } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useMemo } from "react";
import { EChart } from "../../shared/EChart.tsx";

// Only the parts drawn here are bundled, not the whole of ECharts.
echarts.use([Bars, GridComponent, TooltipComponent, CanvasRenderer]);

export function BarChart({
  labels,
  values,
  colour = "#1677ff",
  label,
}: {
  labels: string[];
  values: number[];
  colour?: string;
  /** Read out instead of the canvas, which a screen reader cannot see. */
  label: string;
}) {
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "category",
        data: labels,
        axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 },
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          type: "bar",
          data: values,
          itemStyle: { color: colour, borderRadius: [4, 4, 0, 0] },
          barMaxWidth: 40,
        },
      ],
    }),
    [labels, values, colour],
  );
  return (
    <EChart
      option={option}
      height={300}
      label={`${label}: ${labels.map((l, i) => `${l} ${values[i]}`).join(", ")}`}
    />
  );
}
