/**
 * The Execution Contract, top to bottom: every invocation of every tool — HTTP call, webhook
 * delivery, scheduled run — goes through these nine steps in this order. A failure at any step
 * ends the invocation with its structured error and leaves the database as it was (writes roll
 * back; armed compensations undo external effects) and is audited like a success.
 *
 *   1 authenticate      401   caller from the JWT / scheduler OIDC token / webhook signature
 *   2 validate input    400   path, query and body against the input schema, with field paths
 *   3 authorize         403   caller roles against the tool's auth
 *   4 check policies    403 / 429   the tool's Policies, the caller's rate (413 is the server's body limit)
 *   5 open boundaries   409 / 504   idempotency key claimed or replayed; the deadline starts
 *   6 execute the flow  node's error / 404 / 402 / 502 / 504   (run-flow.ts)
 *   7 enforce invariants 409 / 422  database constraints + executor-checked invariants, before commit
 *   8 commit or compensate          commit; on failure, roll back and refund newest first
 *   9 audit and respond             one hash-chained record, in the final commit when there is one
 *                                   (a refusal before a caller is known: counted into its window's aggregate record)
 */
import { INVOCATION_HEADER, REPLAYED_HEADER } from "../../contracts/http-headers";
import { randomUUID } from "node:crypto";
import type { Statement } from "../../database/types";
import { isConnectionFailure } from "../../database/connection-failure";
import { CommitOutcomeUnknown, inTransactionEndingWith } from "../../database/transaction";
import type { Database, Queryable } from "../../database/types";
import type { RuntimeApp, RuntimeTool } from "../app/runtime-app";
import { maskPii, sha256, type AuditBody } from "../audit/audit-chain";
import type { RefusalTally } from "../audit/refusal-tally";
import { canonicalJson } from "../../contracts/canonical-json";
import type { Caller } from "../auth/caller";
import { deepFreeze } from "../auth/verified-tokens";
import { fromCel, toCel, type TypeTable } from "../cel/values";
import { CALLER_TYPE, INPUT_TYPE } from "../../loader/cel/environment";
import { ToolError } from "../errors/catalogue";
import type { ExternalServices } from "../nodes/external-services";
import type { Secrets } from "../secrets";
import { appendAuditAlone, auditAppend } from "../store/audit-store";
import { enqueueStatement, guardsDueNowStatement, voidGuardsStatement } from "../outbox/outbox-store";
import { settleLostConnection, type LostConnection } from "../store/commit-outcome";
import { noConnection, type WithConnection } from "../store/connection";
import {
  claimKey,
  fingerprintOf,
  isClaimed,
  sendClaim,
  type ClaimAnswer,
  markCommittedStatement,
  releaseKeyStatements,
  storeResponseStatement,
  type IdempotencyScope,
} from "../store/idempotency-store";
import { authenticateCaller, type Authenticators } from "./authenticate";
import { compensate } from "./compensate";
import { guardWriting, settledGuards } from "./compensation-guards";
import { isDatabaseError, mapDatabaseError, type RefusalIndex } from "./database-errors";
import { startDeadline } from "../errors/deadline";
import { idempotencyKeyOf } from "./idempotency-key";
import type { RateLimiter } from "./rate-limit";
import type { InvocationRequest, InvocationResult } from "./request";
import { FlowState, pendingOutboxCommitted, runFlow, type ClaimGate, type RowChange } from "./run-flow";
import { admitCommitted } from "./committed-answer";

export interface Executor {
  readonly app: RuntimeApp;
  readonly db: Database;
  readonly withConnection: WithConnection;
  readonly refusals: RefusalIndex;
  readonly auth: Authenticators;
  readonly secrets: Secrets;
  readonly services: ExternalServices;
  readonly rateLimiter: RateLimiter | null;
  /** Refusals before a caller is known: counted into one aggregate audit record per window, not appended one by one. */
  readonly refusalTally: RefusalTally;
  /** Extra time an idempotency claim stays locked past the deadline (compensations run then). */
  readonly leaseMarginMs: number;
  readonly now: () => Date;
  /** Failures of the audit/idempotency bookkeeping after a failed invocation (logged by the server). */
  readonly onBookkeepingError: (error: unknown, invocationId: string) => void;
  /** The outbox's drainer, told when a commit left effects to deliver (null: nothing delivers here, e.g. a test harness). */
  readonly outbox: { poke(): void } | null;
  /**
   * A few connections of their own for what an invocation commits outside its transaction: the
   * compensation guard before an in-flow charge. Absent (PGlite: one connection), no guards are kept.
   */
  readonly sideDb?: Queryable;
  /** When a guard comes due, from its charge (default: the tool's deadline + the lease margin + 30 s, when the invocation is surely over). */
  readonly guardDelayMs?: number;
}

// Named in contracts/ because the OpenAPI document promises them to clients too.
export { INVOCATION_HEADER, REPLAYED_HEADER };

/**
 * What ClaimGate.held() throws when the claim's answer is not a claim (a replay, or "undecided"): the
 * flow stops where it waits for the claim and rolls back; invoke reads the answer then.
 */
const NOT_CLAIMED = new Error("the idempotency key is not this invocation's (yet)");

interface Known {
  caller?: Caller;
  input?: Record<string, unknown>;
  key?: IdempotencyScope | null;
  claimed?: boolean;
}

export async function invoke(executor: Executor, request: InvocationRequest): Promise<InvocationResult> {
  const started = Date.now();
  const { tool } = request;
  const known: Known = {};
  // What the flow does, traced from the invocation's start: every record of an invocation that reached its tool carries the trace.
  let state = new FlowState(started);
  let celContext: Record<string, unknown>;
  try {
    // Step 1 — authenticate.
    known.caller = await authenticateCaller(executor.auth, request);
    // Step 2 — validate input.
    if (request.bodyProblem) throw ToolError.of("INVALID_INPUT", undefined, [request.bodyProblem]);
    known.input = tool.input.read({
      params: request.params,
      query: request.query,
      body: request.body,
      fromQuery: tool.route.method === "GET" || tool.route.method === "DELETE",
    });
    // Step 3 — authorize.
    authorize(tool, known.caller);
    // Step 4 — check policies (and the caller's request rate).
    if (executor.rateLimiter && !executor.rateLimiter.take(known.caller.id))
      throw ToolError.rateLimited(
        "this caller's request rate is over the limit; retry later",
        executor.rateLimiter.retryAfterSeconds(known.caller.id),
      );
    celContext = celContextOf(executor, tool, known.caller, known.input);
    checkPolicies(tool, celContext);
    // Step 5 (first half) — which idempotency key this invocation has.
    const key = idempotencyKeyOf(tool, request, celContext);
    known.key = key === null ? null : { tool: tool.name, callerId: known.caller.id, key };
  } catch (error) {
    return failed(executor, request, started, known, state, error);
  }

  // Set once the final transaction is ready to commit: what a commit that landed answers.
  let response: InvocationResult | undefined;
  const outcome = await executor
    .withConnection(async (conn): Promise<InvocationResult | { error: unknown; lost?: LostConnection }> => {
      const caller = known.caller!;
      const input = known.input!;
      const scope = known.key ?? null;
      const fingerprint = scope ? fingerprintOf(input) : "";
      const leaseMs = tool.plan.deadline.ms + executor.leaseMarginMs;
      // Step 5 — open boundaries. The claim leaves at once and the flow starts without waiting for
      // its answer: the flow's first reads (which change nothing) travel with it, and every other
      // node, every commit and the response wait for it (ClaimGate). When the answer is not a
      // claim, what the flow read is rolled back and the answer decides: a replay, a 409, or —
      // when deciding needs a takeover or another claim (claimKey) — the flow runs again after it.
      let sent: Promise<ClaimAnswer> | undefined = scope ? sendClaim(conn, scope, fingerprint, request.invocationId, leaseMs) : undefined;
      for (;;) {
        let generation = 0;
        const claim = sent;
        let holding: Promise<void> | undefined;
        let refused = false;
        // Also what handles a refused claim while the flow runs; the answer is read again below.
        claim?.then(
          (answer) => void (refused = !isClaimed(answer)),
          () => void (refused = true),
        );
        const gate: ClaimGate | undefined = claim && {
          held: () =>
            (holding ??= claim.then((answer) => {
              if (!isClaimed(answer)) throw NOT_CLAIMED;
              known.claimed = true;
              generation = answer.generation;
            })),
          refused: () => refused,
        };
        try {
          if (scope && !claim) {
            const answer = await claimKey(conn, scope, fingerprint, request.invocationId, leaseMs);
            if (answer.kind === "replay") return replayed(executor, conn, request, started, caller, input, answer);
            known.claimed = true;
            generation = answer.generation;
          }
          const deadline = startDeadline(tool.plan.deadline.ms);
          // Derived only when a payment node asks for it (a hash per invocation otherwise wasted).
          const paymentKeyStem = () =>
            scope
              ? `fascia_${sha256(`${scope.tool}\n${scope.callerId}\n${scope.key}\n${generation}`).slice(0, 40)}`
              : `fascia_${request.invocationId}`;

          // Steps 6, 7 and 8 — the flow; each transaction checks invariants and commits. The final
          // commit also stores the response and the audit record (step 9), atomically with the writes:
          // the stored response, the guards' retirement and the audit append are its last statements,
          // sent with the COMMIT without waiting for their answers (the key's row is checked in SQL).
          const finish = (rows: readonly RowChange[], first: readonly (Statement | undefined)[] = []): Statement[] => {
            const body =
              tool.spec.output !== undefined
                ? fromCel(tool.flow.evaluate(tool.spec.output, { ...celContext, nodes: state.outputs }, "output"))
                : {};
            const last: (Statement | undefined)[] = [
              ...first,
              scope ? storeResponseStatement(scope, request.invocationId, 200, body) : undefined,
              // The charges stand with this commit: their guards go with it, atomically.
              voidGuardsStatement(
                state.guards.map((g) => g.refundKey),
                "committed",
              ),
            ];
            response = {
              status: 200,
              body,
              headers: { [INVOCATION_HEADER]: request.invocationId },
              callerId: caller.id,
              durationMs: Date.now() - started,
            };
            return [
              ...present(last),
              auditAppend(
                auditBody(request, started, caller, input, state, [...state.committedRows, ...rows], [], { status: 200 }, [
                  ...state.queued,
                  ...state.pendingOutbox,
                ]),
              ),
            ];
          };
          await runFlow(
            {
              app: executor.app,
              tool,
              conn,
              invocationId: request.invocationId,
              caller,
              celContext,
              deadline,
              services: executor.services,
              refusals: executor.refusals,
              paymentKeyStem,
              ...(gate ? { claim: gate } : {}),
              ...guardWriting(executor, tool),
              beforeCommit: async (_tx, { final, wrote, rows }) => {
                if (final) return finish(rows);
                // Writes or enqueued effects: once this commits, running the invocation again would repeat them.
                if ((wrote || state.pendingOutbox.length > 0) && scope) return [markCommittedStatement(scope, request.invocationId)];
                return undefined;
              },
            },
            state,
          );
          // A flow of reads alone has not waited for the claim yet.
          await gate?.held();
          // Step 9 — audit and respond, in a transaction of its own when nodes ran after the last commit.
          if (!response) {
            deadline.check("the response");
            const origin = { invocationId: request.invocationId, tool: tool.name, callerId: caller.id };
            await inTransactionEndingWith(conn, async () =>
              finish([], [state.pendingOutbox.length > 0 ? enqueueStatement(origin, state.pendingOutbox) : undefined]),
            );
            pendingOutboxCommitted(state);
          }
          return response!;
        } catch (error) {
          // The flow stopped (a read found nothing, or it reached what waits for the claim): the
          // claim's answer comes first. What the flow read was rolled back with its transaction.
          if (claim) {
            sent = undefined;
            const answered = await claim.then(
              (answer) => ({ answer }),
              (refused: unknown) => ({ refused }),
            );
            if ("refused" in answered) {
              if (!isConnectionFailure(answered.refused)) return { error: answered.refused };
              // The claim may have committed before the connection went, its answer lost with it.
              // Nothing of the flow committed (commits wait for the answer), so failed() frees the
              // key, with statements that touch it only if this invocation holds it.
              known.claimed = true;
            } else if (answered.answer === "undecided") {
              // Claimed the slow way (claimKey), and the flow runs again from its start.
              state = new FlowState(started);
              continue;
            } else if (answered.answer.kind === "replay") {
              return replayed(executor, conn, request, started, caller, input, answered.answer);
            } else {
              known.claimed = true;
            }
          }
          const cause = error instanceof CommitOutcomeUnknown ? error.cause : error;
          if (!(error instanceof CommitOutcomeUnknown) && !state.connectionLost && !isConnectionFailure(error)) return { error };
          // The connection failed: its backend may still hold the flow's locks, and when the final
          // COMMIT was under way its answer is lost with it (its audit record will say).
          const finalCommit =
            error instanceof CommitOutcomeUnknown && response
              ? { invocationId: request.invocationId, tool: tool.name, at: new Date(started).toISOString() }
              : undefined;
          return { error: cause, lost: { backendPid: conn.backendPid, ...(finalCommit ? { finalCommit } : {}) } };
        }
      }
      // Waiting for a connection is bounded by the tool's deadline; the flow's own errors come back
      // as { error }, so a rejection here means no connection was handed out.
    }, tool.plan.deadline.ms)
    .catch((error: unknown) => ({ error: noConnection(error) }));
  if ("status" in outcome) {
    if (state.queued.length > 0) executor.outbox?.poke();
    return outcome;
  }
  // After the connection went back to the pool (asking the database needs one) and before
  // answering, as a client retries at once.
  if ("lost" in outcome && outcome.lost) {
    const waitMs = outcome.lost.finalCommit ? LOST_COMMIT_WAIT_MS : LOST_BACKEND_WAIT_MS;
    const settled = await settleLostConnection(executor.db, outcome.lost, waitMs);
    if (settled === "committed") {
      pendingOutboxCommitted(state);
      if (state.queued.length > 0) executor.outbox?.poke();
      return { ...response!, durationMs: Date.now() - started };
    }
    if (settled === "unknown" && outcome.lost.finalCommit) return commitUnknown(executor, request, started, known, state);
  }
  return failed(executor, request, started, known, state, outcome.error);
}

/**
 * The final COMMIT was sent and its answer lost, and the database could not tell whether it
 * landed (its backend outlived the wait, or the database could not be asked). The answer says
 * exactly that; the idempotency key stays claimed until its lease ends — a retry with the same key
 * then replays the stored response if the commit landed, or runs again if it did not — and no
 * failure is stored or audited, since the invocation may have succeeded.
 */
function commitUnknown(executor: Executor, request: InvocationRequest, started: number, known: Known, state: FlowState): InvocationResult {
  const error = ToolError.of(
    "UNAVAILABLE",
    "the database connection was lost during the final commit and whether it landed is unknown; retry with the same Idempotency-Key to learn the outcome",
    [{ message: "commit outcome unknown", invocationId: request.invocationId }],
  );
  executor.onBookkeepingError(
    new Error("the final commit's outcome is unknown: nothing was stored or audited for the failure"),
    request.invocationId,
  );
  return {
    status: error.status,
    body: admitCommitted(error.toBody(), state, "unknown"),
    headers: { [INVOCATION_HEADER]: request.invocationId },
    code: error.code,
    ...(known.caller ? { callerId: known.caller.id } : {}),
    durationMs: Date.now() - started,
  };
}

/** How long a lost COMMIT's backend gets to end before the outcome counts as not committed. */
const LOST_COMMIT_WAIT_MS = 5_000;
/** How long a failed invocation waits for its lost connection's backend to end before answering. */
const LOST_BACKEND_WAIT_MS = 2_000;

/** A request refused before its tool could run (a body over the size limit): no caller is known, so it is counted into the aggregate record. */
export function rejected(executor: Executor, request: InvocationRequest, error: ToolError): Promise<InvocationResult> {
  return failed(executor, request, Date.now(), {}, new FlowState(), error);
}

/** Step 3: `auth.public`, or one of `auth.roles`; by default any authenticated caller. */
function authorize(tool: RuntimeTool, caller: Caller): void {
  const roles = tool.spec.auth?.roles;
  if (tool.spec.auth?.public || !roles) return;
  if (!roles.some((role) => caller.roles.includes(role))) {
    throw ToolError.of("FORBIDDEN", undefined, [{ message: `needs one of the roles ${roles.join(", ")}`, roles }]);
  }
}

/** Step 4: each of the tool's Policies over input and caller. */
function checkPolicies(tool: RuntimeTool, celContext: Record<string, unknown>): void {
  for (const policy of tool.policies) {
    if (tool.preFlow.evaluate(policy.rule, celContext, `policies.${policy.name}`) !== true) {
      const message = policy.message ?? `policy ${policy.name} denied this request`;
      throw ToolError.of("POLICY_DENIED", message, [{ message, policy: policy.name }]);
    }
  }
}

function celContextOf(executor: Executor, tool: RuntimeTool, caller: Caller, input: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = {
    input: toCel(input, INPUT_TYPE, tool.types),
    caller: celCaller(caller, tool.types),
    now: executor.now(),
  };
  if (tool.spec.secrets) context.secrets = Object.fromEntries(tool.spec.secrets.map((name) => [name, executor.secrets.get(name)]));
  return context;
}

/**
 * The caller as a CEL value. A caller remembered with its verified token is frozen and shared by
 * that token's requests, so its conversion is kept too (per tool type table), frozen alike.
 */
const CEL_CALLERS = new WeakMap<TypeTable, WeakMap<Caller, unknown>>();

function celCaller(caller: Caller, types: TypeTable): unknown {
  if (!Object.isFrozen(caller)) return toCel(caller, CALLER_TYPE, types);
  let known = CEL_CALLERS.get(types);
  if (!known) CEL_CALLERS.set(types, (known = new WeakMap()));
  let value = known.get(caller);
  if (value === undefined) known.set(caller, (value = deepFreeze(toCel(caller, CALLER_TYPE, types))));
  return value;
}

/** A replay is an invocation too: it gets its own audit record, pointing at the original. */
async function replayed(
  executor: Executor,
  conn: Queryable,
  request: InvocationRequest,
  started: number,
  caller: Caller,
  input: Record<string, unknown>,
  claim: { status: number; body: unknown; invocationId: string },
): Promise<InvocationResult> {
  const body = claim.body as { error?: { code?: string } } | null;
  const code = claim.status >= 400 ? body?.error?.code : undefined;
  await appendAuditAlone(conn, {
    ...auditBody(request, started, caller, input, new FlowState(), [], [], { status: claim.status, ...(code ? { code } : {}) }),
    replayOf: claim.invocationId,
  });
  return {
    status: claim.status,
    body: claim.body,
    headers: { [INVOCATION_HEADER]: request.invocationId, [REPLAYED_HEADER]: "true" },
    callerId: caller.id,
    durationMs: Date.now() - started,
    ...(code ? { code } : {}),
  };
}

/**
 * Steps 8 and 9 after a failure: the transaction is already rolled back; compensations run
 * newest first; then one transaction frees the idempotency key (or, when an earlier transaction
 * already committed writes, stores this error as the key's response) and appends the audit record.
 */
async function failed(
  executor: Executor,
  request: InvocationRequest,
  started: number,
  known: Known,
  state: FlowState,
  error: unknown,
): Promise<InvocationResult> {
  // Database errors outside the flow (the claim, the final bookkeeping) get the flow's mapping: a lost connection is 503, not 500.
  const toolError =
    error instanceof ToolError
      ? error
      : isDatabaseError(error) || isConnectionFailure(error)
        ? mapDatabaseError(error, executor.refusals, executor.app.manifest.schema.tables)
        : ToolError.of("INTERNAL");
  if (!known.caller) return refusedBeforeAnyCaller(executor, request, started, toolError, error);
  const compensations = await compensate(executor.services, state);
  const guards = settledGuards(state, compensations);
  // No answer, and no stored replay, may claim nothing committed when something did (committed-answer.ts).
  const body = admitCommitted(toolError.toBody(), state, state.committedTransactions.length > 0 ? "committed" : "none");
  const committedSomething = state.committedWrites || state.queued.length > 0;
  try {
    await executor.withConnection(
      (conn) =>
        inTransactionEndingWith(conn, async () => [
          ...present([voidGuardsStatement(guards.done, "compensated"), guardsDueNowStatement(guards.due)]),
          ...(known.key && known.claimed
            ? committedSomething
              ? [storeResponseStatement(known.key, request.invocationId, toolError.status, body)]
              : releaseKeyStatements(
                  known.key,
                  request.invocationId,
                  // A refund went out or will (its guard is due): a retry must charge afresh, under new payment keys.
                  compensations.some((c) => c.ok) || guards.due.length > 0,
                )
            : []),
          auditAppend(
            auditBody(
              request,
              started,
              known.caller,
              known.input,
              state,
              state.committedRows,
              compensations,
              { status: toolError.status, code: toolError.code },
              state.queued,
            ),
          ),
        ]),
      request.tool.plan.deadline.ms,
    );
  } catch (bookkeeping) {
    executor.onBookkeepingError(bookkeeping, request.invocationId);
  }
  if (state.queued.length > 0) executor.outbox?.poke();
  return {
    status: toolError.status,
    body,
    headers: { [INVOCATION_HEADER]: request.invocationId, ...toolError.headers() },
    code: toolError.code,
    ...(known.caller ? { callerId: known.caller.id } : {}),
    durationMs: Date.now() - started,
    ...(error instanceof ToolError ? {} : { internal: error }),
  };
}

/**
 * A refusal before a caller was known (step 1, or the server's own refusals before it): nothing
 * ran and no key was claimed, so there is nothing to undo or free. It is counted into its window's
 * aggregate record (refusal-tally.ts) instead of a chain append of its own; the log line has it.
 */
function refusedBeforeAnyCaller(
  executor: Executor,
  request: InvocationRequest,
  started: number,
  toolError: ToolError,
  error: unknown,
): InvocationResult {
  executor.refusalTally.count(request.tool.name, toolError.status, toolError.code);
  return {
    status: toolError.status,
    body: toolError.toBody(),
    headers: { [INVOCATION_HEADER]: request.invocationId, ...toolError.headers() },
    code: toolError.code,
    aggregated: true,
    durationMs: Date.now() - started,
    ...(error instanceof ToolError ? {} : { internal: error }),
  };
}

function auditBody(
  request: InvocationRequest,
  started: number,
  caller: Caller | undefined,
  input: Record<string, unknown> | undefined,
  state: FlowState,
  rows: readonly RowChange[],
  compensations: AuditBody["compensations"],
  outcome: AuditBody["outcome"],
  queued: readonly { id: string; node: string; request: { kind: string } }[] = [],
): AuditBody {
  const masked = maskPii(input ?? {}, request.tool.spec.input);
  return {
    invocationId: request.invocationId,
    at: new Date(started).toISOString(),
    tool: request.tool.name,
    trigger: request.tool.plan.trigger,
    callerId: caller?.id ?? null,
    callerRoles: caller?.roles ?? [],
    input: masked,
    inputDigest: sha256(canonicalJson(masked)),
    rowsChanged: rows.map(({ entity, id, action }) => ({ entity, id, action })),
    effects: state.effects.map((e) => ({ node: e.node, kind: e.kind, id: e.id, ...(e.amount !== undefined ? { amount: e.amount } : {}) })),
    compensations,
    outcome,
    durationMs: Date.now() - started,
    ...(queued.length > 0 ? { queued: queued.map((e) => ({ node: e.node, kind: e.request.kind, outboxId: e.id })) } : {}),
    ...(state.trace ? { trace: state.trace.toTrace(request.tool.plan.order, queued) } : {}),
  };
}

function present(statements: readonly (Statement | undefined)[]): Statement[] {
  return statements.filter((s): s is Statement => s !== undefined);
}

export function newInvocationId(): string {
  return randomUUID();
}
