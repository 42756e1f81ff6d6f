/**
 * Structured JSON logs in Cloud Logging's format: `severity`, `message`, `time`, and the trace as
 * `logging.googleapis.com/trace` so Cloud Logging groups an invocation's lines with its request.
 * Logs never carry secrets or pii values: callers log ids, digests and outcomes, and the
 * redaction below is a second line of defence for headers that could hold credentials.
 */
import pino, { type DestinationStream, type Logger } from "pino";

const SEVERITY: Record<string, string> = {
  trace: "DEBUG",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
  fatal: "CRITICAL",
};

export interface LoggerOptions {
  level?: string;
  /** GCP project id, to build full trace names `projects/<id>/traces/<trace>`. */
  projectId?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      messageKey: "message",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? "DEFAULT" }) },
      redact: {
        paths: ["headers.authorization", "headers.cookie", `headers["fascia-signature"]`, "*.password", "*.secret", "*.token", "*.apiKey"],
        censor: "[redacted]",
      },
    },
    options.destination,
  );
}

/**
 * Fields that tie a log line to its invocation and trace. Cloud Run passes
 * `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`; W3C `traceparent` is accepted as well.
 */
export function traceFields(headers: Record<string, string | string[] | undefined>, projectId?: string): Record<string, string> {
  const cloud = first(headers["x-cloud-trace-context"]);
  const w3c = first(headers["traceparent"]);
  let traceId: string | undefined;
  let spanId: string | undefined;
  if (cloud) [traceId, spanId] = cloud.split(";")[0]!.split("/");
  else if (w3c) [, traceId, spanId] = w3c.split("-");
  if (!traceId) return {};
  const fields: Record<string, string> = {
    "logging.googleapis.com/trace": projectId ? `projects/${projectId}/traces/${traceId}` : traceId,
  };
  if (spanId) fields["logging.googleapis.com/spanId"] = spanId;
  return fields;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An error as a log line's `err`: its message and stack, or the thrown value as text. */
export function errorFields(error: unknown): { message: string; stack?: string } {
  return error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) };
}
