/**
 * Compensation guards from the invocation's side (docs/executor.md, "Compensations survive the
 * process"): where they are written and when they come due, and what step 8 leaves of them. The
 * guard rows themselves are the outbox's (executor/outbox/outbox-store.ts).
 */
import type { RuntimeTool } from "../app/runtime-app";
import type { AuditBody } from "../audit/audit-chain";
import type { Queryable, Statement } from "../../database/types";
import type { FlowRun, FlowState } from "./run-flow";

/** A guard comes due this long after the invocation's lease would have ended: by then it is surely over. */
const GUARD_MARGIN_MS = 30_000;

/** The flow's guard writer on the executor's side pool, and the guards' delay; nothing without a side pool (PGlite). */
export function guardWriting(
  executor: { readonly sideDb?: Queryable; readonly guardDelayMs?: number; readonly leaseMarginMs: number },
  tool: RuntimeTool,
): Pick<FlowRun, "writeGuard" | "guardDueInMs"> {
  if (!executor.sideDb) return {};
  return {
    writeGuard: sideWriter(executor.sideDb),
    guardDueInMs: executor.guardDelayMs ?? tool.plan.deadline.ms + executor.leaseMarginMs + GUARD_MARGIN_MS,
  };
}

function sideWriter(db: Queryable): (statement: Statement) => Promise<void> {
  return async ({ text, values }) => {
    await db.query(text, values);
  };
}

/**
 * After step 8, what each compensation guard becomes:
 * - its refund went out, or its charge was declined: done (`done`: refund keys);
 * - its refund failed: due now, so the outbox makes it (`due`: ids);
 * - its charge's outcome is unknown (the attempt timed out, the connection died): left to come due
 *   at its time. A retry with the same Idempotency-Key sends that charge again (the provider
 *   replays it) and its commit retires this guard; without one, the guard refunds it.
 */
export function settledGuards(state: FlowState, compensations: AuditBody["compensations"]): { done: string[]; due: string[] } {
  const refunded = new Set<string>();
  const failed = new Set<string>();
  // compensate() runs the armed refunds newest first: its results are the armed list reversed.
  [...state.armed].reverse().forEach((armed, i) => {
    if (armed.guard) (compensations[i]?.ok ? refunded : failed).add(armed.guard);
  });
  return {
    done: state.guards.filter((g) => g.declined || refunded.has(g.id)).map((g) => g.refundKey),
    due: state.guards.filter((g) => failed.has(g.id)).map((g) => g.id),
  };
}
