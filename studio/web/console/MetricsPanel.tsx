/** Per-tool charts from the executor's metrics (GET metrics): calls and errors per minute, and latency p50/p95/p99, over a chosen window. */
import { useEffect, useMemo, useState } from "react";
import type { ToolMetricsReport } from "../../protocol";
import { consoleApi } from "./api";
import { toolSeries } from "./metricsSeries";
import { TimeChart } from "./TimeChart";
import { ms } from "./trace";

const WINDOWS = [
  { label: "15 minutes", seconds: 15 * 60, step: 15 },
  { label: "1 hour", seconds: 3600, step: 60 },
  { label: "6 hours", seconds: 6 * 3600, step: 300 },
  { label: "24 hours", seconds: 24 * 3600, step: 900 },
] as const;
/** Metrics are read again this often: a chart is a trend, not a live list. */
const REFRESH_MS = 10_000;

export function MetricsPanel() {
  const [span, setSpan] = useState(0);
  const [report, setReport] = useState<ToolMetricsReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const chosen = WINDOWS[span]!;
    const read = async () =>
      !document.hidden &&
      consoleApi.metrics(new Date(Date.now() - chosen.seconds * 1000).toISOString(), chosen.step).then(
        (r) => {
          if (!live) return;
          setReport(r);
          setError(null);
        },
        (e: Error) => live && setError(e.message),
      );
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [span]);

  return (
    <section className="card wide" data-testid="metrics">
      <div className="console-bar">
        <h2>Metrics</h2>
        <span className="muted small">from the audit records: every instance's invocations, kept across restarts</span>
        <span className="spacer" />
        <label className="small">
          Window{" "}
          <select data-testid="metrics-window" value={span} onChange={(e) => setSpan(Number(e.target.value))}>
            {WINDOWS.map((w, i) => (
              <option key={w.label} value={i}>
                last {w.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <div className="console-error" role="alert" data-testid="console-error">
          {error}
        </div>
      )}
      {report && report.tools.length === 0 && <p className="muted">No invocation in this window.</p>}
      <div className="metrics-grid">{report?.tools.map((t) => <ToolMetrics key={t.tool} report={report} tool={t} />)}</div>
    </section>
  );
}

function ToolMetrics(props: { report: ToolMetricsReport; tool: ToolMetricsReport["tools"][number] }) {
  const { report, tool } = props;
  const series = useMemo(() => toolSeries(report, tool.buckets), [report, tool.buckets]);
  const total = tool.total;
  const latency = (value?: number) => (value === undefined ? "—" : ms(value));
  return (
    <div className="metrics-tool" data-testid={`metrics-tool-${tool.tool}`}>
      <div className="metrics-head">
        <h3>{tool.tool}</h3>
        <span className="muted small">
          {total.count} call{total.count === 1 ? "" : "s"} · <span className={total.errors ? "bad" : ""}>{total.errors} error{total.errors === 1 ? "" : "s"}</span> · p50{" "}
          {latency(total.p50)} · p95 {latency(total.p95)} · p99 {latency(total.p99)}
        </span>
      </div>
      <TimeChart
        testId={`chart-rate-${tool.tool}`}
        title="Calls and errors per minute"
        unit="/min"
        x={series.x}
        series={[
          { label: "calls", values: series.rate, colour: "#0969da" },
          { label: "errors", values: series.errors, colour: "#cf222e" },
        ]}
      />
      <TimeChart
        testId={`chart-latency-${tool.tool}`}
        title="Latency"
        unit="ms"
        x={series.x}
        series={[
          { label: "p50", values: series.p50, colour: "#1a7f37", points: true },
          { label: "p95", values: series.p95, colour: "#bf8700", points: true },
          { label: "p99", values: series.p99, colour: "#cf222e", dash: [4, 3], points: true },
        ]}
      />
    </div>
  );
}
