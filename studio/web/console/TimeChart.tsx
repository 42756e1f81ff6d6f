/**
 * A time series chart drawn by uPlot on a canvas (small: about 50 KiB, and fast with many points).
 * Created once per chart, given new data in place as the metrics are read again, resized with its box.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  colour: string;
  dash?: number[];
  /** Draw each value as a point too: a series with gaps (no latency where no call was made) has lone values no line joins. */
  points?: boolean;
}

const HEIGHT = 160;

export function TimeChart(props: { testId: string; title: string; unit: string; x: number[]; series: ChartSeries[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => s.label).join("|");
  const data: uPlot.AlignedData = [props.x, ...props.series.map((s) => s.values)];

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ stroke: "#59636e", grid: { stroke: "#eaeef2" } }, { stroke: "#59636e", grid: { stroke: "#eaeef2" }, size: 48, label: props.unit, labelSize: 14 }],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5, spanGaps: false, ...(s.dash ? { dash: s.dash } : {}), ...(s.points ? { points: { show: true, size: 6, fill: s.colour } } : {}) }))],
    };
    const plot = new uPlot(options, data, element);
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // A new chart only when the series change; new values are set below.
  }, [shape, props.unit]);

  useEffect(() => {
    chart.current?.setData(data);
  });

  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} className="chart-box" />
    </figure>
  );
}
