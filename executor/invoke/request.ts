/** An invocation as the server hands it over, and what goes back. */
import type { RuntimeTool } from "../app/runtime-app";
import type { ErrorDetail } from "../errors/catalogue";

export interface InvocationRequest {
  readonly tool: RuntimeTool;
  readonly invocationId: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body (undefined when there is none). */
  readonly body: unknown;
  /** The body exactly as received: webhook signatures are over these bytes. */
  readonly rawBody: string;
  /** Set when the body could not be read as JSON: reported at step 2, after authentication. */
  readonly bodyProblem?: ErrorDetail;
}

export interface InvocationResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  /** The error code when the invocation failed. */
  readonly code?: string;
  readonly callerId?: string;
  /** Audited in its window's aggregate record, not by a record of its own (a refusal before a caller was known). */
  readonly aggregated?: true;
  readonly durationMs: number;
  /** An unexpected error behind a 500, for the log (never sent to the client). */
  readonly internal?: unknown;
}

export function header(request: Pick<InvocationRequest, "headers">, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
