import { Writable } from "node:stream";
import { createLogger, traceFields } from "../../executor/observability/logger";
import { createToolMetrics } from "../../executor/observability/metrics";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe("logs in Cloud Logging's format", () => {
  it("writes severity, message and trace fields, and redacts credentials", async () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination });
    const trace = traceFields({ "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1;o=1" }, "my-project");
    log.warn({ ...trace, invocationId: "inv-1", headers: { authorization: "Bearer secret-token" } }, "tool failed");
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      severity: "WARNING",
      message: "tool failed",
      invocationId: "inv-1",
      "logging.googleapis.com/trace": "projects/my-project/traces/105445aa7843bc8bf206b12000100000",
      "logging.googleapis.com/spanId": "1",
    });
    expect(JSON.stringify(line)).not.toContain("secret-token");
    expect(typeof line.time).toBe("string");
  });

  it("reads a W3C traceparent too", () => {
    expect(traceFields({ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" })).toEqual({
      "logging.googleapis.com/trace": "4bf92f3577b34da6a3ce929d0e0e4736",
      "logging.googleapis.com/spanId": "00f067aa0ba902b7",
    });
    expect(traceFields({})).toEqual({});
  });
});

describe("per-tool metrics", () => {
  it("counts invocations and errors and records latency per tool", async () => {
    const metrics = createToolMetrics();
    metrics.observe("confirmReservation", 200, 0.02);
    metrics.observe("confirmReservation", 409, 0.004);
    metrics.observe("createReservation", 201, 0.3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('fascia_tool_invocations_total{tool="confirmReservation",status="200"} 1');
    expect(text).toContain('fascia_tool_errors_total{tool="confirmReservation",status="409"} 1');
    expect(text).not.toContain('fascia_tool_errors_total{tool="createReservation"');
    expect(text).toContain('fascia_tool_duration_seconds_bucket{le="0.005",tool="confirmReservation"} 1');
    expect(text).toContain('fascia_tool_duration_seconds_count{tool="createReservation"} 1');
  });
});
