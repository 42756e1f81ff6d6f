/**
 * The executor's vocabulary of failure: ToolError, made from the error catalogue
 * (contracts/error-catalogue.ts, shared with the OpenAPI document) or from a spec's own declared
 * error, and the bounds on its details.
 */
import { EXECUTOR_ERRORS, type ExecutorErrorCode } from "../../contracts/error-catalogue";

export { EXECUTOR_ERRORS, type ExecutorErrorCode };

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
