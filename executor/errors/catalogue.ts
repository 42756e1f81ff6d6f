/**
 * The executor's error catalogue: every failure an invocation can end with, its HTTP status and
 * the step of the Execution Contract that raises it (0: no one step — routing before step 1, or a
 * failure any step can meet). The body is always `{"error": {"code", "message", "details"}}`.
 * Codes are stable and never reused. docs/executor.md ("Errors") has one row per code, in this
 * order, saying when it happens and what the client should do; test/executor/error-catalogue.test.ts
 * holds the two together, so a new code is a line here and a row there.
 */
export const EXECUTOR_ERRORS = {
  UNAUTHENTICATED: { status: 401, step: 1, message: "missing or invalid credentials" },
  INVALID_INPUT: { status: 400, step: 2, message: "the request does not match the tool's input" },
  FORBIDDEN: { status: 403, step: 3, message: "the caller's roles do not allow this tool" },
  POLICY_DENIED: { status: 403, step: 4, message: "a policy denied this request" },
  PAYLOAD_TOO_LARGE: { status: 413, step: 4, message: "the request body is too large" },
  RATE_LIMITED: { status: 429, step: 4, message: "too many requests" },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, step: 5, message: "this tool needs an Idempotency-Key header" },
  IDEMPOTENCY_CONFLICT: { status: 409, step: 5, message: "the Idempotency-Key was used with another request" },
  IDEMPOTENCY_IN_FLIGHT: { status: 409, step: 5, message: "a request with this Idempotency-Key is still running" },
  DEADLINE_EXCEEDED: { status: 504, step: 5, message: "the tool did not finish within its timeout" },
  NOT_FOUND: { status: 404, step: 6, message: "no such row" },
  UPSTREAM_FAILED: { status: 502, step: 6, message: "an external service failed" },
  PAYMENT_DECLINED: { status: 402, step: 6, message: "the payment was declined" },
  EXPRESSION_FAILED: { status: 422, step: 6, message: "an expression of the tool could not be evaluated for this request" },
  CONFLICT: { status: 409, step: 7, message: "the write conflicts with existing data" },
  INVARIANT_VIOLATED: { status: 422, step: 7, message: "the write breaks an invariant" },
  INVALID_TRANSITION: { status: 422, step: 7, message: "the status change is not an allowed transition" },
  INVALID_REFERENCE: { status: 422, step: 7, message: "the write refers to a row that does not exist or is still referenced" },
  ROUTE_NOT_FOUND: { status: 404, step: 0, message: "no tool serves this route" },
  REQUEST_TIMEOUT: { status: 408, step: 0, message: "the request did not arrive in time" },
  HEADERS_TOO_LARGE: { status: 431, step: 0, message: "the request's headers are too large" },
  UNAVAILABLE: { status: 503, step: 0, message: "the service cannot serve requests right now" },
  INTERNAL: { status: 500, step: 0, message: "an unexpected error; the invocation was rolled back" },
} as const;

export type ExecutorErrorCode = keyof typeof EXECUTOR_ERRORS;

export interface ErrorDetail {
  /** Where in the request: `body.guests`, `path.reservationId`, `header.authorization`. */
  path?: string;
  message: string;
  [extra: string]: unknown;
}

/** At most this many details leave with an error; the rest are counted in one more (capDetails). */
export const MAX_ERROR_DETAILS = 50;
/** A path or message in a detail longer than this is cut (a path can echo a client's key of any length). */
export const MAX_DETAIL_TEXT = 200;

/**
 * The one place an error's details are bounded: a body with 60,000 unknown keys must not answer
 * with 60,000 details. The first MAX_ERROR_DETAILS stay, then one detail counts the rest
 * (`omitted`); long paths and messages are cut with "…".
 */
export function capDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const cut = (text: string) => (text.length > MAX_DETAIL_TEXT ? `${text.slice(0, MAX_DETAIL_TEXT)}…` : text);
  const kept = details.slice(0, MAX_ERROR_DETAILS).map((d) => ({
    ...d,
    ...(typeof d.path === "string" ? { path: cut(d.path) } : {}),
    message: cut(d.message),
  }));
  const omitted = details.length - kept.length;
  return omitted > 0 ? [...kept, { message: `and ${omitted} more problems not listed`, omitted }] : kept;
}

/** An error a spec declares for its `assert` or `policyCheck` node: its own code and status. */
export interface DeclaredError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

/**
 * A failure that ends an invocation with a structured error. Nodes may raise their own codes
 * (an assert's `error`), so `code` is open; the catalogue above covers the executor's own. The
 * constructor is protected so every error is made by `of` (a catalogue code, so a misspelt code
 * does not compile) or `declared` (the spec's own code, checked by the loader).
 */
/**
 * A ToolError is an answer, not a bug: its stack is never logged (a 500 logs the error behind it),
 * and capturing one costs more than the rest of refusing an unknown caller (bench/refusal-flood.bench.ts).
 */
function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export class ToolError extends Error {
  readonly details: ErrorDetail[];

  protected constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.details = capDetails(details);
    this.name = "ToolError";
  }

  static of(code: ExecutorErrorCode, message?: string, details: ErrorDetail[] = []): ToolError {
    const entry = EXECUTOR_ERRORS[code];
    return withoutStack(() => new ToolError(code, entry.status, message ?? entry.message, details));
  }

  /** A 429 that says when to come back: `Retry-After`, whole seconds, from the bucket's refill. */
  static rateLimited(message: string, retryAfterSeconds: number): ToolError {
    const error = ToolError.of("RATE_LIMITED", message, [{ message, retryAfterSeconds }]);
    error.retryAfterSeconds = retryAfterSeconds;
    return error;
  }

  /** Set on a 429: sent as its `Retry-After` header. */
  retryAfterSeconds?: number;

  /** The response headers this error adds to the invocation id's. */
  headers(): Record<string, string> {
    return this.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.retryAfterSeconds) };
  }

  static declared(error: DeclaredError, details: ErrorDetail[] = []): ToolError {
    return withoutStack(() => new ToolError(error.code, error.status, error.message, details));
  }

  toBody(): { error: { code: string; message: string; details: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}
