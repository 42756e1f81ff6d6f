/** Per-tool metrics (count, errors, latency histogram), served as Prometheus text at GET /metrics. */
import { Counter, Histogram, Registry } from "prom-client";

export interface ToolMetrics {
  registry: Registry;
  observe(tool: string, status: number, seconds: number): void;
}

export function createToolMetrics(): ToolMetrics {
  // One registry per executor instance, so tests and several apps in one process do not mix.
  const registry = new Registry();
  const invocations = new Counter({
    name: "fascia_tool_invocations_total",
    help: "Tool invocations, by tool and HTTP status",
    labelNames: ["tool", "status"] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: "fascia_tool_errors_total",
    help: "Tool invocations that ended in an error (status >= 400)",
    labelNames: ["tool", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "fascia_tool_duration_seconds",
    help: "Tool invocation latency, from request to response",
    labelNames: ["tool"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    observe(tool, status, seconds) {
      const labels = { tool, status: String(status) };
      invocations.inc(labels);
      if (status >= 400) errors.inc(labels);
      latency.observe({ tool }, seconds);
    },
  };
}
