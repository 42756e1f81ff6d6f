/**
 * The outbox table's statements. A row is written in the transaction whose commit it waits for
 * (enqueue), claimed by one instance at a time with a lease (claimDue: FOR UPDATE SKIP LOCKED, so
 * instances never wait for each other, and a lease that ran out — its instance died mid-call —
 * makes the row due again), then settled: done with its result, back to pending with a later
 * attempt time, or failed for an operator to look at and retry (`fascia outbox`).
 */
import type { Queryable, Statement } from "../../database/types";
import type { EffectRequest } from "../nodes/effect-request";
import type { Backoff } from "../effects/backoff";
import { OUTBOX_TABLE } from "../store/executor-schema";

const T = `"${OUTBOX_TABLE}"`;

/** How an entry is attempted: the node's per-attempt timeout and its own retry policy (one attempt without one). */
export interface DeliveryPolicy extends Backoff {
  attemptTimeoutMs: number;
}

/** An effect waiting for its commit: what the flow evaluated, with where it came from. */
export interface OutboxEntry {
  id: string;
  node: string;
  request: EffectRequest;
  policy: DeliveryPolicy;
  /** The transaction open when the node ran (null: none): a rollback of it drops the entry. */
  transaction: string | null;
  /** http: header expressions over secrets alone, evaluated at delivery. */
  deliveryHeaders?: Record<string, string>;
}

export interface OutboxOrigin {
  invocationId: string;
  tool: string;
  callerId: string | null;
}

/** One statement inserting every entry (one round trip however many nodes enqueued). */
export function enqueueStatement(origin: OutboxOrigin, entries: readonly OutboxEntry[]): Statement {
  const rows = entries.map((e) => ({
    id: e.id,
    invocation_id: origin.invocationId,
    tool: origin.tool,
    node: e.node,
    caller_id: origin.callerId,
    kind: e.request.kind,
    request: e.deliveryHeaders ? { ...e.request, deliveryHeaders: e.deliveryHeaders } : e.request,
    policy: e.policy,
  }));
  return {
    text: `INSERT INTO ${T} ("id", "invocation_id", "tool", "node", "caller_id", "kind", "request", "policy")
SELECT "id", "invocation_id", "tool", "node", "caller_id", "kind", "request", "policy"
FROM json_to_recordset($1::json) AS r("id" uuid, "invocation_id" text, "tool" text, "node" text, "caller_id" text, "kind" text, "request" json, "policy" json)`,
    values: [JSON.stringify(rows)],
  };
}

/**
 * A compensation guard: written (committed on a side connection) before an in-flow charge with
 * `compensate: refund` is made, due when the invocation is surely over. The invocation's final
 * commit voids it in the same transaction; a failure voids it once the refund went out (or makes
 * it due at once when the refund could not be made). A guard still standing when it comes due
 * belongs to an invocation that never finished — its process was killed, its commit never landed —
 * so the drainer refunds the charge (refundCharge). Money is never kept for a booking that did not commit.
 */
export function guardStatement(
  origin: OutboxOrigin,
  guard: { id: string; node: string; request: EffectRequest; dueInMs: number },
): Statement {
  return {
    text: `INSERT INTO ${T} ("id", "invocation_id", "tool", "node", "caller_id", "kind", "request", "policy", "state", "next_attempt_at")
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::json, $8::json, 'guard', now() + make_interval(secs => $9::double precision / 1000))`,
    values: [
      guard.id,
      origin.invocationId,
      origin.tool,
      guard.node,
      origin.callerId,
      guard.request.kind,
      JSON.stringify(guard.request),
      JSON.stringify(GUARD_POLICY),
      guard.dueInMs,
    ],
  };
}

/** How a guard's refund is attempted: like step 8's compensations, but patient — money must come back. */
const GUARD_POLICY: DeliveryPolicy = {
  attemptTimeoutMs: 10_000,
  maxAttempts: 10,
  initialMs: 1_000,
  coefficient: 2,
  maxMs: 60_000,
  retryOn: ["timeout", "unavailable", "rateLimited"],
};

/**
 * Retires guards, by the refund key they hold: the charge stands (its commit landed), or was
 * refunded, or declined. By key, not by id: a retry with the same Idempotency-Key sends the same
 * charge again (the provider replays it) and writes a guard of its own, and its commit must retire
 * the earlier attempt's guard for that charge too. A marker row is inserted rather than the guard
 * updated: in a repeatable-read or serializable transaction an UPDATE cannot see a guard committed
 * after the transaction's snapshot, while an INSERT always lands. The drainer checks for the marker
 * before it refunds (deliver.ts).
 */
export function voidGuardsStatement(refundKeys: readonly string[], why: string): Statement | undefined {
  if (refundKeys.length === 0) return undefined;
  return {
    text: `INSERT INTO ${T} ("id", "invocation_id", "tool", "node", "kind", "request", "policy", "state")
SELECT gen_random_uuid(), '', '', '', 'guardVoid', json_build_object('refundKey', k, 'why', $2::text), '{}'::json, 'done' FROM unnest($1::text[]) AS k`,
    values: [refundKeys, why],
  };
}

/** Whether a guard for `refundKey` was retired (voidGuards). */
export async function guardVoided(db: Queryable, refundKey: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM ${T} WHERE "kind" = 'guardVoid' AND ("request"->>'refundKey') = $1 LIMIT 1`, [refundKey]);
  return rows.length > 0;
}

/** Guards whose refund the invocation could not make itself: the drainer makes it, starting now. */
export function guardsDueNowStatement(ids: readonly string[]): Statement | undefined {
  if (ids.length === 0) return undefined;
  return {
    text: `UPDATE ${T} SET "next_attempt_at" = now(), "updated_at" = now() WHERE "id" = ANY($1::uuid[]) AND "state" = 'guard'`,
    values: [ids],
  };
}

export interface ClaimedEntry {
  id: string;
  invocationId: string;
  tool: string;
  node: string;
  callerId: string | null;
  request: EffectRequest & { deliveryHeaders?: Record<string, string> };
  policy: DeliveryPolicy;
  /** This attempt's number (1 for the first). */
  attempt: number;
}

/** The lease outlasts an attempt by this much by default, so a slow attempt's row is not claimed twice. */
export const DEFAULT_LEASE_MARGIN_MS = 30_000;

/**
 * Claims up to `limit` due entries for this instance: attempt counted, leased for one attempt plus
 * `leaseMarginMs`. An instance that dies holding a lease delays its entries by that much.
 */
export async function claimDue(db: Queryable, limit: number, leaseMarginMs = DEFAULT_LEASE_MARGIN_MS): Promise<ClaimedEntry[]> {
  const { rows } = await db.query<{
    id: string;
    invocation_id: string;
    tool: string;
    node: string;
    caller_id: string | null;
    request: unknown;
    policy: unknown;
    attempts: number;
  }>(
    `WITH "due" AS (
  SELECT "id" FROM ${T}
  WHERE "state" IN ('pending', 'guard') AND "next_attempt_at" <= now() AND ("lease_until" IS NULL OR "lease_until" <= now())
  ORDER BY "next_attempt_at" LIMIT $1 FOR UPDATE SKIP LOCKED)
UPDATE ${T} AS o SET "attempts" = o."attempts" + 1, "updated_at" = now(), "state" = 'pending',
  "lease_until" = now() + make_interval(secs => ((o."policy"->>'attemptTimeoutMs')::double precision + $2) / 1000)
FROM "due" WHERE o."id" = "due"."id"
RETURNING o."id", o."invocation_id", o."tool", o."node", o."caller_id", o."request", o."policy", o."attempts"`,
    [limit, leaseMarginMs],
  );
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return rows.map((r) => ({
    id: r.id,
    invocationId: r.invocation_id,
    tool: r.tool,
    node: r.node,
    callerId: r.caller_id,
    request: json(r.request),
    policy: json(r.policy),
    attempt: Number(r.attempts),
  }));
}

/** Done: the result kept. False when the row was no longer this attempt's to settle (settled by another instance). */
export async function markDone(tx: Queryable, id: string, attempt: number, result: unknown): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE ${T} SET "state" = 'done', "result" = $3::json, "lease_until" = NULL, "last_error" = NULL, "updated_at" = now()
WHERE "id" = $1 AND "state" = 'pending' AND "attempts" = $2 RETURNING 1`,
    [id, attempt, JSON.stringify(result)],
  );
  return rows.length > 0;
}

/** Another attempt later: the lease released, the error kept for operators. */
export async function markRetry(db: Queryable, id: string, attempt: number, delayMs: number, error: string): Promise<void> {
  await db.query(
    `UPDATE ${T} SET "lease_until" = NULL, "next_attempt_at" = now() + make_interval(secs => $3::double precision / 1000),
  "last_error" = $4, "updated_at" = now()
WHERE "id" = $1 AND "state" = 'pending' AND "attempts" = $2`,
    [id, attempt, delayMs, error],
  );
}

/** No attempt left, or a failure no attempt can fix: visible to operators, retried only when they say so. */
export async function markFailed(tx: Queryable, id: string, attempt: number, error: string): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE ${T} SET "state" = 'failed', "lease_until" = NULL, "last_error" = $3, "updated_at" = now()
WHERE "id" = $1 AND "state" = 'pending' AND "attempts" = $2 RETURNING 1`,
    [id, attempt, error],
  );
  return rows.length > 0;
}

export interface OutboxRow {
  id: string;
  invocationId: string;
  tool: string;
  node: string;
  kind: string;
  state: "pending" | "guard" | "done" | "failed";
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
}

/** Entries for operators, newest first: by state, or all. */
export async function listOutbox(db: Queryable, state: OutboxRow["state"] | undefined, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT "id", "invocation_id", "tool", "node", "kind", "state", "attempts", "next_attempt_at", "last_error", "created_at"
FROM ${T} WHERE $1::text IS NULL OR "state" = $1 ORDER BY "created_at" DESC LIMIT $2`,
    [state ?? null, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    invocationId: String(r.invocation_id),
    tool: String(r.tool),
    node: String(r.node),
    kind: String(r.kind),
    state: r.state as OutboxRow["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(r.next_attempt_at as string).toISOString(),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
  }));
}

/** An operator's retry: failed entries (all, or the ids given) become due now, with their attempts counted afresh. */
export async function retryFailed(db: Queryable, ids: readonly string[] | "all"): Promise<number> {
  const { rows } = await db.query(
    `UPDATE ${T} SET "state" = 'pending', "attempts" = 0, "next_attempt_at" = now(), "lease_until" = NULL, "updated_at" = now()
WHERE "state" = 'failed' AND ($1::boolean OR "id"::text = ANY($2::text[])) RETURNING 1`,
    [ids === "all", ids === "all" ? [] : [...ids]],
  );
  return rows.length;
}

/** Counts by state, for /metrics and readiness of operators' dashboards. */
export async function outboxCounts(db: Queryable): Promise<Record<OutboxRow["state"], number>> {
  const { rows } = await db.query<{ state: OutboxRow["state"]; n: string | number }>(
    `SELECT "state", count(*) AS "n" FROM ${T} WHERE "state" <> 'done' GROUP BY "state"`,
  );
  const counts = { pending: 0, guard: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}
