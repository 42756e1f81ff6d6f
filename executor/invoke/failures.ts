/**
 * How a failure inside the flow is classified for retries (the retry policy's `retryOn`), and the
 * error it ends the invocation with when no retry is left.
 */
import { AttemptError, type FailureClass } from "../effects/backoff";
import { ToolError, type ErrorDetail } from "../errors";

/** A ToolError that also says whether another attempt could succeed. */
export class FlowError extends ToolError {
  constructor(
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
