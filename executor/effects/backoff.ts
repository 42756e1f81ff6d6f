/**
 * Attempts with exponential backoff, for external nodes and retry scopes. Delays never run past
 * the invocation's deadline: an attempt that could not finish in time is not started.
 */
import type { ResolvedRetry } from "../../compiler/flow/plan";
import type { RetryPolicySpec } from "../../language/nodes";
import { durationMs } from "../../language/common";
import { AttemptError, type FailureClass } from "../errors/flow-error";

export const DEFAULT_RETRY_ON: readonly FailureClass[] = ["timeout", "unavailable", "rateLimited"];

export interface Backoff {
  maxAttempts: number;
  initialMs: number;
  coefficient: number;
  maxMs: number;
  retryOn: readonly FailureClass[];
}

export function backoffFrom(policy: RetryPolicySpec | undefined): Backoff {
  return {
    maxAttempts: policy?.maxAttempts ?? 1,
    initialMs: policy?.initialInterval ? durationMs(policy.initialInterval) : 100,
    coefficient: policy?.backoffCoefficient ?? 2,
    maxMs: policy?.maxInterval ? durationMs(policy.maxInterval) : 30_000,
    retryOn: policy?.retryOn ?? DEFAULT_RETRY_ON,
  };
}

/** A plan's resolved retry policy as a backoff; without one, a single attempt. */
export function backoffOfPlan(retry: ResolvedRetry | null): Backoff {
  if (!retry) return { maxAttempts: 1, initialMs: 100, coefficient: 2, maxMs: 30_000, retryOn: [] };
  return {
    maxAttempts: retry.maxAttempts,
    initialMs: retry.initialIntervalMs,
    coefficient: retry.backoffCoefficient,
    maxMs: retry.maxIntervalMs,
    retryOn: retry.retryOn,
  };
}

/** The delay before attempt `n` (n ≥ 2), without jitter: plans and the risk engine compute the same. */
export function delayBefore(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.coefficient ** (attempt - 2));
}

export async function withRetries<T>(
  backoff: Backoff,
  deadline: number,
  attempt: (n: number) => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const failure = error instanceof AttemptError ? error.failure : "permanent";
      if (n >= backoff.maxAttempts || !backoff.retryOn.includes(failure)) throw error;
      const delay = delayBefore(backoff, n + 1);
      if (Date.now() + delay >= deadline) throw error;
      await sleep(delay);
    }
  }
}
