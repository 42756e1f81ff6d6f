/**
 * Step 8 after a failure: the armed compensations of external effects that happened, newest
 * first — each charge with `compensate: refund` is refunded (with its own idempotency key, so a
 * retried refund never refunds twice). They run even when the deadline has passed: money must
 * not stay taken for a failed invocation. Each outcome goes into the audit record.
 */
import type { AuditBody } from "../audit/audit-chain";
import { DEFAULT_RETRY_ON, withRetries } from "../effects/backoff";
import type { ExternalServices } from "../nodes/external-services";
import type { FlowState } from "./run-flow";

const REFUND_BUDGET_MS = 30_000;
const REFUND_ATTEMPT_MS = 10_000;

export async function compensate(services: ExternalServices, state: FlowState): Promise<AuditBody["compensations"]> {
  const done: AuditBody["compensations"] = [];
  for (const armed of [...state.armed].reverse()) {
    const start = state.trace?.now() ?? 0;
    try {
      const refund = await withRetries(
        { maxAttempts: 3, initialMs: 200, coefficient: 2, maxMs: 2_000, retryOn: DEFAULT_RETRY_ON },
        Date.now() + REFUND_BUDGET_MS,
        () => services.payments(armed.apiKey).refund({ payment: armed.payment, idempotencyKey: armed.idempotencyKey }, REFUND_ATTEMPT_MS),
      );
      done.push({ node: armed.node, kind: "refund", id: refund.id, ok: true });
      state.trace?.compensated(armed.node, true, start);
    } catch (error) {
      done.push({ node: armed.node, kind: "refund", id: armed.payment, ok: false, error: (error as Error).message });
      state.trace?.compensated(armed.node, false, start);
    }
  }
  return done;
}
