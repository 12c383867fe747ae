import * as echarts from "echarts/core";
import { useEffect, useRef } from "react";

/**
 * One ECharts canvas that follows the window's size and redraws when its option changes. The caller
 * registers the chart types it draws (`echarts.use`), so only those are bundled; the label is read out
 * instead of the canvas, which a screen reader cannot see.
 */
export function EChart({
  option,
  label,
  height = 320,
}: {
  option: echarts.EChartsCoreOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current);
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, []);
  useEffect(() => {
    const chart = box.current && echarts.getInstanceByDom(box.current);
    chart?.setOption(option, true);
  }, [option]);
  return (
    <div role="img" aria-label={label}>
      <div ref={box} style={{ height }} />
    </div>
  );
}
