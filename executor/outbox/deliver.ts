/**
 * Delivering one claimed outbox entry: the effect performed with the node's per-attempt timeout
 * (the same performEffect as in the flow), then settled. A success or a final failure is one
 * transaction: the entry's new state and its audit record, chained like an invocation's (trigger
 * `outbox`, pointing at the invocation that enqueued it), so the trail shows what was sent, or
 * that it never could be. A failure worth another attempt waits the node's backoff.
 */
import { randomUUID } from "node:crypto";
import { canonicalJson } from "../../contracts/canonical-json";
import { inTransactionEndingWith } from "../../database/transaction";
import type { Queryable } from "../../database/types";
import type { RuntimeApp } from "../app/runtime-app";
import { sha256, type AuditBody } from "../audit/audit-chain";
import { fromCel } from "../cel/values";
import { delayBefore } from "../effects/backoff";
import { performEffect, type EffectOutcome, type EffectRequest } from "../nodes/effect-request";
import { PaymentDeclined } from "../effects/payments";
import { AttemptError } from "../errors/flow-error";
import type { ExternalServices } from "../nodes/external-services";
import type { Secrets } from "../secrets";
import { auditAppend } from "../store/audit-store";
import type { WithConnection } from "../store/connection";
import { guardVoided, markDone, markFailed, markRetry, type ClaimedEntry } from "./outbox-store";

export interface DeliveryDeps {
  readonly app: RuntimeApp;
  /** The executor's connections (on PGlite the one connection, taken in turns with invocations). */
  readonly withConnection: WithConnection;
  readonly services: ExternalServices;
  readonly secrets: Secrets;
}

export type Delivered = "done" | "retry" | "failed" | "lost";

/** Thrown inside the settling transaction when the entry is no longer this attempt's: nothing is recorded. */
class NotOurs extends Error {}

export async function deliverEntry(deps: DeliveryDeps, entry: ClaimedEntry): Promise<Delivered> {
  const started = Date.now();
  // A guard whose invocation committed (or refunded) retired it: nothing to refund, nothing to record.
  if (entry.request.kind === "refundCharge") {
    const refundKey = entry.request.refundKey;
    if (await deps.withConnection((conn) => guardVoided(conn, refundKey))) {
      await deps.withConnection((conn) => markDone(conn, entry.id, entry.attempt, { voided: true }));
      return "done";
    }
  }
  let outcome: EffectOutcome;
  try {
    outcome = await performEffect(deps.services, resolveDeliveryHeaders(deps, entry), entry.policy.attemptTimeoutMs);
  } catch (error) {
    const failure = error instanceof AttemptError ? error.failure : "permanent";
    const message = error instanceof Error ? error.message : String(error);
    const policy = entry.policy;
    if (entry.attempt < policy.maxAttempts && policy.retryOn.includes(failure)) {
      const delay = delayBefore(policy, entry.attempt + 1);
      await deps.withConnection((conn) => markRetry(conn, entry.id, entry.attempt, delay, message));
      return "retry";
    }
    const status = error instanceof PaymentDeclined ? 402 : 502;
    const code = error instanceof PaymentDeclined ? "PAYMENT_DECLINED" : "UPSTREAM_FAILED";
    return settle(deps, entry, (tx) => markFailed(tx, entry.id, entry.attempt, message), {
      ...deliveryRecord(entry, started, []),
      outcome: { status, code },
      delivery: { of: entry.invocationId, outboxId: entry.id, attempts: entry.attempt, error: message },
    }).then((ok) => (ok ? "failed" : "lost"));
  }
  return settle(deps, entry, (tx) => markDone(tx, entry.id, entry.attempt, outcome.output), {
    ...deliveryRecord(entry, started, [{ node: entry.node, ...outcome.effect }]),
    delivery: { of: entry.invocationId, outboxId: entry.id, attempts: entry.attempt },
  }).then((ok) => (ok ? "done" : "lost"));
}

async function settle(
  deps: DeliveryDeps,
  entry: ClaimedEntry,
  mark: (tx: Queryable) => Promise<boolean>,
  record: AuditBody,
): Promise<boolean> {
  try {
    await deps.withConnection((conn) =>
      inTransactionEndingWith(conn, async (tx) => {
        if (!(await mark(tx))) throw new NotOurs();
        return auditAppend({ ...record, durationMs: Date.now() - Date.parse(record.at) });
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof NotOurs) return false;
    throw error;
  }
}

function deliveryRecord(entry: ClaimedEntry, started: number, effects: AuditBody["effects"]): AuditBody {
  return {
    invocationId: randomUUID(),
    at: new Date(started).toISOString(),
    tool: entry.tool,
    trigger: "outbox",
    callerId: entry.callerId,
    callerRoles: [],
    input: {},
    inputDigest: sha256(canonicalJson({})),
    rowsChanged: [],
    effects,
    compensations: [],
    outcome: { status: 200 },
    durationMs: Date.now() - started,
  };
}

/**
 * An http entry's headers that read secrets were stored as expressions (a value in the table would
 * leak the secret): evaluated now, in the tool's flow environment, with only `secrets` bound.
 */
function resolveDeliveryHeaders(deps: DeliveryDeps, entry: ClaimedEntry): EffectRequest {
  const { deliveryHeaders, ...request } = entry.request as EffectRequest & { deliveryHeaders?: Record<string, string> };
  if (request.kind !== "http" || !deliveryHeaders) return request;
  const tool = deps.app.tools.get(entry.tool);
  if (!tool) throw new AttemptError(`tool ${entry.tool} is no longer deployed: its header secrets cannot be read`, "permanent");
  const secrets = Object.fromEntries((tool.spec.secrets ?? []).map((name) => [name, deps.secrets.get(name)]));
  const headers = { ...request.headers };
  for (const [name, expression] of Object.entries(deliveryHeaders))
    headers[name.toLowerCase()] = String(fromCel(tool.flow.evaluate(expression, { secrets }, `flow.${entry.node}.headers.${name}`)));
  return { ...request, headers };
}
