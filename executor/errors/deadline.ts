/** The invocation's deadline (step 5 starts it): the time left bounds statements and external attempts. */
import { ToolError } from "./catalogue";
import { FlowError } from "./flow-error";

export interface Deadline {
  /** Epoch milliseconds. */
  readonly at: number;
  remaining(): number;
  /** Throws DEADLINE_EXCEEDED once the deadline has passed. */
  check(where?: string): void;
}

export function startDeadline(ms: number, now = Date.now()): Deadline {
  const at = now + ms;
  return {
    at,
    remaining: () => at - Date.now(),
    check(where) {
      if (Date.now() >= at) throw deadlineExceeded(ms, where);
    },
  };
}

export function deadlineExceeded(ms: number, where?: string): FlowError {
  return FlowError.from(
    ToolError.of("DEADLINE_EXCEEDED", `the tool did not finish within its timeout of ${ms}ms`, [
      { message: where ? `the deadline passed at ${where}` : "the deadline passed" },
    ]),
    "timeout",
  );
}
