// Charts drawn with uPlot (small and fast on canvas): a bar chart of
// categories (a column's top values) and a time series (scanned bytes a day).
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface BarsProps {
  /** What the chart shows, for screen readers. */
  label: string;
  categories: string[];
  values: number[];
  width?: number;
  height?: number;
}

/** Vertical bars, one per category, labelled under the axis. */
export function BarChart({ label, categories, values, width = 420, height = 180 }: BarsProps) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current) return;
    const xs = categories.map((_, i) => i);
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.6, categories.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          {
            values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? shorten(categories[s] ?? "") : "")),
            splits: () => xs,
            size: 40,
            rotate: 0,
          } as uPlot.Axis,
          { size: 50 },
        ],
        series: [{}, { label, fill: "#6b8fe8", stroke: "#2a5bd7", paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } }],
      },
      [xs, values],
      target.current,
    );
    return () => plot.destroy();
  }, [label, categories, values, width, height]);
  return <div ref={target} role="img" aria-label={`${label}: ${categories.map((c, i) => `${c} ${values[i]}`).join(", ")}`} />;
}

interface SeriesProps {
  label: string;
  /** Seconds since the epoch. */
  times: number[];
  values: number[];
  width?: number;
  height?: number;
  format?: (v: number) => string;
}

/** A line over time. */
export function TimeChart({ label, times, values, width = 560, height = 200, format }: SeriesProps) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current) return;
    const plot = new uPlot(
      {
        width,
        height,
        axes: [{}, { size: 70, values: (_u, splits) => splits.map((s) => (format ? format(s) : String(s))) }],
        series: [{}, { label, stroke: "#2a5bd7", fill: "rgba(42,91,215,0.12)", points: { show: times.length < 60 } }],
      },
      [times, values],
      target.current,
    );
    return () => plot.destroy();
  }, [label, times, values, width, height, format]);
  return <div ref={target} role="img" aria-label={label} />;
}

function shorten(s: string): string {
  return s.length > 12 ? `${s.slice(0, 11)}…` : s;
}
