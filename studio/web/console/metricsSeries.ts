/**
 * One tool's metrics buckets on a regular time grid for the charts: every step from `since` to
 * `until` has a point (a bucket the executor left out had no invocation: zero calls, no latency).
 */
import type { MetricsBucket, ToolMetricsReport } from "../../protocol";

export interface ToolSeries {
  /** Unix seconds. */
  x: number[];
  /** Invocations and errors per minute. */
  rate: number[];
  errors: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
}

export function toolSeries(report: ToolMetricsReport, buckets: MetricsBucket[]): ToolSeries {
  const step = report.stepSeconds;
  const perMinute = 60 / step;
  const byStart = new Map(buckets.map((b) => [Math.floor(Date.parse(b.at) / 1000 / step), b]));
  const first = Math.floor(Date.parse(report.since) / 1000 / step);
  const last = Math.floor(Date.parse(report.until) / 1000 / step);
  const series: ToolSeries = { x: [], rate: [], errors: [], p50: [], p95: [], p99: [] };
  for (let slot = first; slot <= last; slot++) {
    const bucket = byStart.get(slot);
    series.x.push(slot * step);
    series.rate.push((bucket?.count ?? 0) * perMinute);
    series.errors.push((bucket?.errors ?? 0) * perMinute);
    series.p50.push(bucket?.p50 ?? null);
    series.p95.push(bucket?.p95 ?? null);
    series.p99.push(bucket?.p99 ?? null);
  }
  return series;
}
