/**
 * How a failure inside the flow is classified for retries (the retry policy's `retryOn`), and the
 * error it ends the invocation with when no retry is left.
 */
import { ToolError, type ErrorDetail } from "./catalogue";

/** Why an attempt failed, as a retry policy's `retryOn` names it. */
export type FailureClass = "timeout" | "unavailable" | "rateLimited" | "conflict" | "permanent";

/** An error that knows whether another attempt could succeed. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly failure: FailureClass,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "AttemptError";
  }
}

/** A ToolError that also says whether another attempt could succeed. */
export class FlowError extends ToolError {
  // Made by `from` only, so its code and status come from a ToolError (the catalogue or the spec).
  private constructor(
    code: string,
    status: number,
    message: string,
    details: ErrorDetail[],
    readonly failure: FailureClass,
  ) {
    super(code, status, message, details);
    this.name = "FlowError";
  }

  static from(error: ToolError, failure: FailureClass): FlowError {
    return new FlowError(error.code, error.status, error.message, error.details, failure);
  }
}

export function failureClassOf(error: unknown): FailureClass {
  if (error instanceof FlowError || error instanceof AttemptError) return error.failure;
  return "permanent";
}
