/**
 * The executor's error catalogue: every failure an invocation can end with, its HTTP status and
 * the step of the Execution Contract that raises it (0: no one step — routing before step 1, or a
 * failure any step can meet). The body is always `{"error": {"code", "message", "details"}}`.
 * Codes are stable and never reused. docs/executor.md ("Errors") has one row per code, in this
 * order, saying when it happens and what the client should do; test/executor/error-catalogue.test.ts
 * holds the two together, so a new code is a line here and a row there. It lives in contracts/
 * because the executor raises these codes and the OpenAPI document (openapi/) promises them:
 * both read this one table. Pure data: no imports.
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
