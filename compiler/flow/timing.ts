/**
 * Deadlines and retry budgets. Defaults are part of the plan format (docs/execution-plan.md):
 * they are what the executor applies when the spec says nothing, so the risk engine judges the
 * same numbers the executor will use.
 */
import { durationMs } from "../../language/common";
import type { RetryPolicySpec } from "../../language/nodes";
import type { ResolvedRetry, RetryOn } from "./plan";

/** Deadline of an invocation whose tool sets no `timeout`. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
/** Per-attempt timeout of an external node that sets none (never longer than the tool's deadline). */
export const DEFAULT_EXTERNAL_TIMEOUT_MS = 10_000;
/** Retry policy defaults (the same as executor/effects/backoff.ts): 100 ms first delay, doubling, capped at 30 s. */
export const DEFAULT_INITIAL_INTERVAL_MS = 100;
export const DEFAULT_BACKOFF_COEFFICIENT = 2;
export const DEFAULT_MAX_INTERVAL_MS = 30_000;
export const DEFAULT_RETRY_ON: readonly RetryOn[] = ["timeout", "unavailable", "rateLimited"];
/** The retry the compiler adds around a serializable transaction that has none. */
export const IMPLICIT_CONFLICT_RETRY: ResolvedRetry = {
  maxAttempts: 3,
  initialIntervalMs: 50,
  backoffCoefficient: 2,
  maxIntervalMs: 1_000,
  retryOn: ["conflict"],
};

export function resolveRetry(policy: RetryPolicySpec): ResolvedRetry {
  const initialIntervalMs = policy.initialInterval !== undefined ? durationMs(policy.initialInterval) : DEFAULT_INITIAL_INTERVAL_MS;
  return {
    maxAttempts: policy.maxAttempts,
    initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient ?? DEFAULT_BACKOFF_COEFFICIENT,
    maxIntervalMs: policy.maxInterval !== undefined ? durationMs(policy.maxInterval) : DEFAULT_MAX_INTERVAL_MS,
    retryOn: [...(policy.retryOn ?? DEFAULT_RETRY_ON)],
  };
}

/** Total of the delays waited between attempts: initial × coefficient^i, each capped at maxInterval. */
export function backoffTotalMs(retry: ResolvedRetry): number {
  let total = 0;
  let delay = retry.initialIntervalMs;
  for (let i = 1; i < retry.maxAttempts; i++) {
    total += Math.min(delay, retry.maxIntervalMs);
    delay *= retry.backoffCoefficient;
  }
  return total;
}

/** Worst-case time of `attempts` runs of something that takes at most `eachMs`, with the policy's backoff. */
export function retriedBudgetMs(eachMs: number, retry: ResolvedRetry | null): number {
  if (!retry) return eachMs;
  return retry.maxAttempts * eachMs + backoffTotalMs(retry);
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms % 100 === 0 ? 1 : 2)}s`;
  return `${ms}ms`;
}
