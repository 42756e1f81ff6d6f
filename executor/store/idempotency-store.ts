/**
 * The idempotency store, with Stripe's semantics: the first request with a key claims it; the
 * same key with the same payload later gets the stored response replayed; another payload gets
 * 409 IDEMPOTENCY_CONFLICT; while the first still runs, 409 IDEMPOTENCY_IN_FLIGHT. The stored
 * response is written in the transaction that commits the invocation's writes. A failed
 * invocation whose writes were all rolled back frees the key (state `failed`), so the client may
 * retry (the row is deleted; a key whose failure refunded a charge stays as `failed`, and its
 * `generation` counts such failures, so the retry's payment keys differ from the refunded ones). A claim whose process died is taken over when its lease ends.
 */
import { runStatement, type Queryable, type Statement } from "../../database/types";
import { sha256 } from "../audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { ToolError } from "../errors/catalogue";
import { IDEMPOTENCY_TABLE } from "./executor-schema";

export interface IdempotencyScope {
  readonly tool: string;
  readonly callerId: string;
  readonly key: string;
}

export type Claim =
  | { readonly kind: "claimed"; readonly generation: number }
  | { readonly kind: "replay"; readonly status: number; readonly body: unknown; readonly invocationId: string };

interface Row {
  fingerprint: string;
  state: "running" | "committed" | "done" | "failed";
  generation: number;
  invocation_id: string;
  expired: boolean;
  response_status: number | null;
  response_body: unknown;
}

const T = `"${IDEMPOTENCY_TABLE}"`;
const PK = `"tool" = $1 AND "caller_id" = $2 AND "key" = $3`;

/**
 * The claim: the INSERT, or when the key is taken (ON CONFLICT), the row holding it, in one
 * statement. The row is read with the statement's snapshot, so a row committed while the INSERT
 * waited on it does not show: no row comes back, and the claim is tried again.
 */
const CLAIM = `WITH "inserted" AS (
  INSERT INTO ${T} ("tool", "caller_id", "key", "fingerprint", "state", "invocation_id", "locked_until") VALUES ($1, $2, $3, $4, 'running', $5, now() + $6 * interval '1 millisecond') ON CONFLICT DO NOTHING RETURNING "generation")
SELECT true AS "claimed", "generation", NULL::text AS "fingerprint", NULL::text AS "state", NULL::text AS "invocation_id", NULL::boolean AS "expired", NULL::integer AS "response_status", NULL::json AS "response_body" FROM "inserted"
UNION ALL
SELECT false, "generation", "fingerprint", "state", "invocation_id", "locked_until" < now(), "response_status", "response_body" FROM ${T} WHERE ${PK} AND NOT EXISTS (SELECT 1 FROM "inserted")`;

export function fingerprintOf(input: Record<string, unknown>): string {
  return sha256(canonicalJson(input));
}

/** The claim's statement (claimKey): one row, `claimed`, or the row holding the key, or none (claim again). */
export function claimStatement(scope: IdempotencyScope, fingerprint: string, invocationId: string, leaseMs: number): Statement {
  return { text: CLAIM, values: [scope.tool, scope.callerId, scope.key, fingerprint, invocationId, leaseMs], prepare: true };
}

/** The claim's first answer, when it decides the claim without another statement (firstClaimAnswer). */
export type ClaimAnswer = Claim | "undecided";

/** Whether the answer is the key, this invocation's: not a replay, and nothing left to decide. */
export const isClaimed = (answer: ClaimAnswer): answer is Extract<Claim, { kind: "claimed" }> =>
  answer !== "undecided" && answer.kind === "claimed";

/**
 * What the claim statement's answer decides on its own: claimed, a replay, or (thrown) the key's
 * conflict or its first request still in flight. "undecided" when deciding needs another
 * statement: a takeover (the key failed before, or its claim outlived its lease) or another claim
 * (the row changed hands while the statement ran); claimKey sends those.
 */
export function firstClaimAnswer(rows: readonly (Row & { claimed: boolean })[], fingerprint: string): ClaimAnswer {
  const row = rows[0];
  if (row?.claimed) return { kind: "claimed", generation: Number(row.generation) };
  // Taken by a row this statement's snapshot does not show (committed while it ran), or deleted in between: claim again.
  if (!row || row.state === "failed") return "undecided";
  if (row.fingerprint !== fingerprint)
    throw ToolError.of("IDEMPOTENCY_CONFLICT", undefined, [
      { path: "header.idempotency-key", message: "this key was first used with a different request payload" },
    ]);
  if (row.state === "done")
    return { kind: "replay", status: Number(row.response_status), body: parseJson(row.response_body), invocationId: row.invocation_id };
  if (row.state === "running" && row.expired) return "undecided";
  if (row.state === "committed" && row.expired) {
    throw ToolError.of(
      "IDEMPOTENCY_IN_FLIGHT",
      "the first request with this Idempotency-Key committed its writes but never finished; it will not run again",
      [{ path: "header.idempotency-key", message: `invocation ${row.invocation_id} did not complete` }],
    );
  }
  throw ToolError.of("IDEMPOTENCY_IN_FLIGHT", undefined, [
    { path: "header.idempotency-key", message: `invocation ${row.invocation_id} is still running` },
  ]);
}

/**
 * The claim sent now, its answer read later (firstClaimAnswer): what an invocation sends ahead of
 * its flow's first reads, so they travel together (invoke.ts).
 */
export function sendClaim(
  conn: Queryable,
  scope: IdempotencyScope,
  fingerprint: string,
  invocationId: string,
  leaseMs: number,
): Promise<ClaimAnswer> {
  return runStatement<Row & { claimed: boolean }>(conn, claimStatement(scope, fingerprint, invocationId, leaseMs)).then(({ rows }) =>
    firstClaimAnswer(rows, fingerprint),
  );
}

export async function claimKey(
  conn: Queryable,
  scope: IdempotencyScope,
  fingerprint: string,
  invocationId: string,
  leaseMs: number,
): Promise<Claim> {
  const pk = [scope.tool, scope.callerId, scope.key];
  for (let round = 0; round < 5; round++) {
    // One statement: the claim, or (its INSERT found the key taken) the row that holds the key.
    const { rows } = await runStatement<Row & { claimed: boolean }>(conn, claimStatement(scope, fingerprint, invocationId, leaseMs));
    const answer = firstClaimAnswer(rows, fingerprint);
    if (answer !== "undecided") return answer;
    const row = rows[0];
    if (!row) continue;
    // A failed key, or a claim past its lease: taken over when it is still the one this statement saw.
    const taken = await conn.query<{ generation: number }>(
      `UPDATE ${T} SET "state" = 'running', "fingerprint" = $4, "invocation_id" = $5, "locked_until" = now() + $6 * interval '1 millisecond', "updated_at" = now() WHERE ${PK} AND "state" = $7 AND "invocation_id" = $8 RETURNING "generation"`,
      [...pk, fingerprint, invocationId, leaseMs, row.state, row.invocation_id],
    );
    if (taken.rows[0]) return { kind: "claimed", generation: Number(taken.rows[0].generation) };
  }
  throw ToolError.of("IDEMPOTENCY_IN_FLIGHT", undefined, [
    { path: "header.idempotency-key", message: "the key changed hands repeatedly while claiming it" },
  ]);
}

/** The SQLSTATE fascia_expect raises when the invocation no longer holds its key (migration 0006). */
export const KEY_LOST_SQLSTATE = "FA409";

/** The answer of an invocation that lost its key: another request took it over after its lease ended. */
export function keyLostError(): ToolError {
  return ToolError.of("IDEMPOTENCY_IN_FLIGHT", "another request took over this Idempotency-Key (this one outlived its lease)", [
    { path: "header.idempotency-key", message: "the lease on the key ended before the invocation finished" },
  ]);
}

/** The error fascia_expect raised for a lost key, as the contract's error; anything else as it is. */
export function keyLostAsToolError(error: unknown): unknown {
  return (error as { code?: unknown })?.code === KEY_LOST_SQLSTATE ? keyLostError() : error;
}

/**
 * An UPDATE of the invocation's own key row that fails, in SQL, when the row is no longer the
 * invocation's: the transaction it runs in then rolls back, so it can travel with its COMMIT
 * unread (commitWith) and still keep the transaction from committing without the key.
 */
function ownedUpdate(set: string, values: readonly unknown[]): Statement {
  return {
    text: `WITH "owned" AS (UPDATE ${T} SET ${set} WHERE ${PK} AND "invocation_id" = $4 RETURNING 1)
SELECT "fascia_expect"(count(*) = 1, '${KEY_LOST_SQLSTATE}', 'the idempotency key is no longer this invocation''s') AS "owned" FROM "owned"`,
    values,
    prepare: true,
  };
}

/** Inside the transaction that commits writes: the key can no longer be freed. */
export function markCommittedStatement(scope: IdempotencyScope, invocationId: string): Statement {
  return ownedUpdate(`"state" = 'committed', "updated_at" = now()`, [scope.tool, scope.callerId, scope.key, invocationId]);
}

export async function markCommitted(conn: Queryable, scope: IdempotencyScope, invocationId: string): Promise<void> {
  await run(conn, markCommittedStatement(scope, invocationId));
}

/** Inside the final transaction: the response that later requests with this key replay. */
export function storeResponseStatement(scope: IdempotencyScope, invocationId: string, status: number, body: unknown): Statement {
  return ownedUpdate(`"state" = 'done', "response_status" = $5, "response_body" = $6, "locked_until" = now(), "updated_at" = now()`, [
    scope.tool,
    scope.callerId,
    scope.key,
    invocationId,
    status,
    JSON.stringify(body),
  ]);
}

export async function storeResponse(
  conn: Queryable,
  scope: IdempotencyScope,
  invocationId: string,
  status: number,
  body: unknown,
): Promise<void> {
  await run(conn, storeResponseStatement(scope, invocationId, status, body));
}

/**
 * After a failure with nothing committed: the key is free again. Its row goes away (the database
 * is as it was), unless the failure refunded a charge: then the row stays as `failed` with its
 * generation counted up, so the retry's derived payment keys are new ones.
 */
export function releaseKeyStatements(scope: IdempotencyScope, invocationId: string, refunded: boolean): Statement[] {
  const pk = [scope.tool, scope.callerId, scope.key, invocationId];
  return [
    ...(refunded
      ? []
      : [{ text: `DELETE FROM ${T} WHERE ${PK} AND "invocation_id" = $4 AND "state" = 'running' AND "generation" = 0`, values: pk }]),
    {
      text: `UPDATE ${T} SET "state" = 'failed', "generation" = "generation" + $5, "locked_until" = now(), "updated_at" = now() WHERE ${PK} AND "invocation_id" = $4 AND "state" = 'running'`,
      values: [...pk, refunded ? 1 : 0],
    },
  ];
}

async function run(conn: Queryable, statement: Statement): Promise<void> {
  try {
    await runStatement(conn, statement);
  } catch (error) {
    throw keyLostAsToolError(error);
  }
}

function parseJson(value: unknown): unknown {
  return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
}
