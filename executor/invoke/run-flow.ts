/**
 * Steps 6–8 for one invocation: the plan's program run top to bottom on the invocation's
 * connection. Transactions begin with their isolation and the deadline as statement_timeout,
 * check the executor-enforced invariants of the rows they wrote, then commit (serialization
 * failures retried as the plan says). Retry scopes re-run their block (a savepoint when inside a
 * transaction). Each node runs or is skipped by the join rule: it runs iff it starts the flow or
 * one of its incoming edges is live (its source ran and, for a branch, took that edge's outcome).
 */
import type { BranchLabel, Isolation, PlanNode, ResolvedRetry } from "../../compiler/flow/plan";
import type { Statement } from "../../database/types";
import { quoteIdent } from "../../compiler/schema/names";
import { isConnectionFailure } from "../../database/connection-failure";
import { commit, commitWith, CommitOutcomeUnknown, deferredBegin, type DeferredBegin } from "../../database/transaction";
import type { Queryable } from "../../database/types";
import { WHOLE_FLOW_TRANSACTION, type ProgramItem } from "../app/program";
import type { EntityRuntime, RuntimeApp, RuntimeTool } from "../app/runtime-app";
import type { Caller } from "../auth/caller";
import { fromCel } from "../cel/values";
import { CelDecimal } from "../../loader/cel/decimal";
import { backoffOfPlan, delayBefore } from "../effects/backoff";
import { ToolError } from "../errors/catalogue";
import { rowToCel } from "../nodes/db-values";
import type { ExternalServices } from "../nodes/external-services";
import { runNode } from "../nodes/index";
import type { NodeContext, RecordedEffect, RowAction } from "../nodes/node-context";
import { isDatabaseError, mapDatabaseError, type RefusalIndex } from "./database-errors";
import type { Deadline } from "../errors/deadline";
import { failureClassOf, FlowError } from "../errors/flow-error";
import { randomUUID } from "node:crypto";
import { enqueueStatement, guardStatement, type DeliveryPolicy, type OutboxEntry } from "../outbox/outbox-store";
import { TraceRecorder } from "../audit/flow-trace";
import { CHANGES_NOTHING_NODE_TYPES } from "../../language/node-kinds";
import { TRACING } from "../audit/tracing";

const PREPARED = { prepare: true } as const;
const CHANGES_NOTHING = new Set<string>(CHANGES_NOTHING_NODE_TYPES);

export interface RowChange {
  entity: string;
  id: string;
  action: RowAction;
  row: Record<string, unknown>;
}

export interface ArmedCompensation {
  node: string;
  payment: string;
  idempotencyKey: string;
  apiKey: string;
  /** The compensation guard written before the charge, if any (outbox-store.ts guardStatement). */
  guard?: string;
}

/** What the flow did so far; read by step 8 (compensations) and step 9 (the audit record). */
export class FlowState {
  readonly outputs: Record<string, unknown> = {};
  readonly status = new Map<string, "ran" | "skipped">();
  readonly outcomes = new Map<string, BranchLabel>();
  readonly effects: RecordedEffect[] = [];
  readonly armed: ArmedCompensation[] = [];
  readonly committedRows: RowChange[] = [];
  /** True once a transaction that wrote has committed: the invocation can no longer be undone. */
  committedWrites = false;
  /** True once the connection failed under the flow: its backend may still hold the flow's locks. */
  connectionLost = false;
  /** After-commit effects not yet committed: written with the next commit, dropped if what enqueued them rolls back. */
  pendingOutbox: OutboxEntry[] = [];
  /** After-commit effects whose commit landed: the outbox delivers them. */
  readonly queued: OutboxEntry[] = [];
  /** Compensation guards written before in-flow charges, with their refund keys; `declined`: the charge was refused, nothing to refund. */
  readonly guards: { id: string; node: string; refundKey: string; declined: boolean }[] = [];
  /** Transactions that committed writes or effects, in order: what a failure after them must admit to. */
  readonly committedTransactions: string[] = [];
  /** The per-node trace for the audit record; null where no flow is traced (a replay). */
  readonly trace: TraceRecorder | null;

  /** `startedAt`: the invocation's start (Date.now()), which the trace's offsets count from; absent, nothing is traced. */
  constructor(startedAt?: number) {
    this.trace = startedAt === undefined || !TRACING ? null : new TraceRecorder(startedAt);
  }
}

/** Writes the pending after-commit effects in the transaction under way (one statement); they stay pending until its commit lands. */
export async function writePendingOutbox(
  conn: Queryable,
  origin: { invocationId: string; tool: string; callerId: string },
  state: FlowState,
): Promise<void> {
  if (state.pendingOutbox.length === 0) return;
  const { text, values } = enqueueStatement(origin, state.pendingOutbox);
  await conn.query(text, values);
}

/** The commit that carried the pending effects landed. */
export function pendingOutboxCommitted(state: FlowState): void {
  state.queued.push(...state.pendingOutbox);
  state.pendingOutbox = [];
}

export interface CommitHook {
  /**
   * Runs inside the transaction, after its invariant checks, just before COMMIT. It may return
   * the transaction's last statements, which are then sent together with the COMMIT (commitWith):
   * a statement whose outcome matters must check it in SQL (fascia_expect).
   */
  (
    conn: Queryable,
    tx: { id: string; final: boolean; wrote: boolean; rows: readonly RowChange[] },
  ): Promise<Statement | readonly Statement[] | undefined>;
}

/**
 * The idempotency claim sent ahead of the flow (invoke.ts): its first reads travel with it. Every
 * node that changes or calls something (not CHANGES_NOTHING_NODE_TYPES), and every commit, waits
 * until the key is held; once the answer says it is not this invocation's, the flow stops at its
 * next node, and what it read rolls back with its transaction.
 */
export interface ClaimGate {
  /** Resolves once the key is this invocation's; rejects when it is not. */
  held(): Promise<void>;
  /** True once the answer came back and it is not a claim. */
  refused(): boolean;
}

export interface FlowRun {
  readonly app: RuntimeApp;
  readonly tool: RuntimeTool;
  readonly conn: Queryable;
  readonly invocationId: string;
  readonly caller: Caller;
  /** `input`, `caller`, `now`, `secrets` as CEL values (nodes are added per evaluation). */
  readonly celContext: Record<string, unknown>;
  readonly deadline: Deadline;
  readonly services: ExternalServices;
  readonly refusals: RefusalIndex;
  /** Stem of the derived payment idempotency keys. */
  readonly paymentKeyStem: () => string;
  /** The invocation's idempotency claim while its answer may still be on its way (absent: no key, or held already). */
  readonly claim?: ClaimGate;
  readonly beforeCommit: CommitHook;
  /** Commits a compensation guard at once, outside the invocation's transaction (absent: no guards, e.g. PGlite). */
  readonly writeGuard?: (statement: Statement) => Promise<void>;
  /** How long after now a guard comes due: when the invocation is surely over. */
  readonly guardDueInMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const ISOLATION_SQL: Record<Isolation, string> = {
  readCommitted: "READ COMMITTED",
  repeatableRead: "REPEATABLE READ",
  serializable: "SERIALIZABLE",
};

interface OpenTransaction {
  id: string;
  rows: RowChange[];
  wrote: boolean;
}

export async function runFlow(run: FlowRun, state: FlowState): Promise<void> {
  const runner = new Runner(run, state);
  await runner.items(run.tool.program);
}

class Runner {
  private open: OpenTransaction | null = null;
  /** The open transaction's connection: its BEGIN leaves with its first statement (deferredBegin). */
  private tx: DeferredBegin | null = null;
  private readonly tables;
  private readonly context: NodeContext;

  constructor(
    private readonly run: FlowRun,
    private readonly state: FlowState,
  ) {
    this.tables = run.app.manifest.schema.tables;
    this.context = this.nodeContext();
  }

  async items(items: readonly ProgramItem[]): Promise<void> {
    for (const item of items) {
      if (item.kind === "run") await this.node(item.node);
      else if (item.kind === "transaction") await this.transaction(item.id, item.body);
      else await this.retryScope(item.id, item.body);
    }
  }

  private async node(id: string): Promise<void> {
    const node = this.run.tool.plan.nodes[id]!;
    const trace = this.state.trace;
    if (!this.joins(node)) {
      this.state.status.set(id, "skipped");
      delete this.state.outputs[id];
      trace?.skipped(id);
      return;
    }
    const claim = this.run.claim;
    if (claim && (claim.refused() || !CHANGES_NOTHING.has(node.type))) await claim.held();
    const traced = trace?.nodeStarted(id);
    let output: unknown;
    try {
      // The deadline stopping the flow here is this node's failure: it is where the flow stopped.
      this.run.deadline.check(`node "${id}"`);
      output = await runNode(node, this.context);
    } catch (error) {
      if (traced) trace!.nodeEnded(traced, error);
      throw error;
    }
    if (traced) trace!.nodeEnded(traced);
    this.state.status.set(id, "ran");
    if (node.type === "if" || node.type === "switch") this.state.outcomes.set(id, outcomeOf(node, output));
    if (output === undefined) delete this.state.outputs[id];
    else this.state.outputs[id] = output;
  }

  /** The join rule (docs/execution-plan.md, "Branches and joins"). */
  private joins(node: PlanNode): boolean {
    if (node.join === "start") return true;
    return node.incoming.some((edge) => {
      if (this.state.status.get(edge.from) !== "ran") return false;
      if (edge.when === undefined) return true;
      return this.state.outcomes.get(edge.from) === edge.when;
    });
  }

  private async transaction(id: string, body: readonly ProgramItem[]): Promise<void> {
    const plan = this.run.tool.plan;
    const declared = plan.transactions.find((t) => t.id === id);
    const isolation = declared?.isolation ?? "readCommitted";
    const implicit = declared?.conflictRetry && "implicit" in declared.conflictRetry ? declared.conflictRetry.implicit : null;
    const final = this.run.tool.finalTransaction === id;
    for (let attempt = 1; ; attempt++) {
      const left = this.run.deadline.remaining();
      if (left <= 0) this.run.deadline.check(`the begin of transaction ${id}`);
      this.state.trace?.began(id);
      // Sent with the transaction's first statement when that is a read, else just before it (deferredBegin).
      this.tx = deferredBegin(
        this.run.conn,
        `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[isolation]}; SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(left))}`,
      );
      this.open = { id, rows: [], wrote: false };
      // Whether the failure, if any, came from the COMMIT itself (the trace says which).
      let committing = false;
      try {
        await this.items(body);
        await this.checkInvariants(this.open.rows);
        this.run.deadline.check(`the commit of transaction ${id}`);
        await this.run.claim?.held();
        await this.writeOutbox();
        const last = await this.run.beforeCommit(this.conn, { id, final, wrote: this.open.wrote, rows: this.open.rows });
        await this.exec(null); // BEGIN, if nothing has sent it yet
        committing = true;
        await this.commit(last);
        this.state.trace?.ended("commit");
        this.tx = null;
        this.state.committedRows.push(...this.open.rows);
        // A transaction that only read leaves nothing behind: no failure after it needs to admit to it.
        if (this.open.wrote || this.state.pendingOutbox.length > 0) this.state.committedTransactions.push(id);
        pendingOutboxCommitted(this.state);
        if (this.open.wrote) this.state.committedWrites = true;
        this.open = null;
        return;
      } catch (error) {
        const begun = this.tx?.begun() ?? true;
        this.open = null;
        this.tx = null;
        this.state.trace?.ended(committing ? "commitFailed" : "rollback");
        // What this transaction's nodes enqueued rolled back with it; what came before waits for the next commit.
        this.state.pendingOutbox = this.state.pendingOutbox.filter((e) => e.transaction !== id);
        // Nothing to roll back when the BEGIN never left (the flow failed before the transaction's first statement).
        if (begun) await this.run.conn.exec("ROLLBACK").catch(() => undefined);
        const failure = this.asFlowError(error);
        if (implicit && failure instanceof FlowError && failure.failure === "conflict" && (await this.waitForRetry(implicit, attempt)))
          continue;
        throw failure;
      }
    }
  }

  private async retryScope(id: string, body: readonly ProgramItem[]): Promise<void> {
    const scope = this.run.tool.plan.retryScopes.find((s) => s.id === id)!;
    const savepoint = scope.savepoint && this.open ? quoteIdent(`retry_${id}`) : null;
    for (let attempt = 1; ; attempt++) {
      const rowsBefore = this.open?.rows.length ?? 0;
      const pendingBefore = this.state.pendingOutbox.length;
      this.state.trace?.scopeAttempt(id);
      if (savepoint) await this.exec(`SAVEPOINT ${savepoint}`);
      try {
        await this.items(body);
        if (savepoint) await this.exec(`RELEASE SAVEPOINT ${savepoint}`);
        return;
      } catch (error) {
        const failure = failureClassOf(error);
        if (failure === "permanent" || !scope.policy.retryOn.includes(failure as never)) throw error;
        if (savepoint) {
          await this.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          this.open!.rows.length = rowsBefore;
        }
        // The failed attempt's enqueued effects go; the next attempt enqueues its own.
        this.state.pendingOutbox = this.state.pendingOutbox.slice(0, pendingBefore);
        if (!(await this.waitForRetry(scope.policy, attempt))) throw error;
      }
    }
  }

  /** Waits the backoff before attempt `attempt + 1`; false when no attempt is left or it cannot finish in time. */
  private async waitForRetry(policy: ResolvedRetry, attempt: number): Promise<boolean> {
    if (attempt >= policy.maxAttempts) return false;
    const backoff = backoffOfPlan(policy);
    const delay = delayBefore(backoff, attempt + 1);
    if (Date.now() + delay >= this.run.deadline.at) return false;
    await (this.run.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(delay);
    return true;
  }

  /** Step 7: the invariants only the executor can check, on the latest version of each row written. */
  private async checkInvariants(rows: readonly RowChange[]): Promise<void> {
    const latest = new Map<string, RowChange>();
    for (const change of rows) latest.set(`${change.entity}\u0000${change.id}`, change);
    for (const change of latest.values()) {
      if (change.action === "delete") continue;
      const entity = this.run.app.entities.get(change.entity);
      if (!entity || entity.executorInvariants.length === 0) continue;
      const values = rowToCel(change.row, change.entity, this.run.tool.types) as Record<string, unknown>;
      for (const invariant of entity.executorInvariants) {
        const holds = entity.invariantExpressions.evaluate(invariant.rule, values, `${change.entity}.invariants.${invariant.name}`);
        if (holds !== true) {
          throw FlowError.from(
            ToolError.of("INVARIANT_VIOLATED", invariant.message, [
              { message: invariant.message, entity: change.entity, rule: `invariant ${invariant.name}`, id: change.id },
            ]),
            "permanent",
          );
        }
      }
    }
  }

  /** An unknown outcome stays one (the invocation settles it), its cause as the contract's error. */
  private async commit(last: Statement | readonly Statement[] | undefined): Promise<void> {
    try {
      if (last && (!Array.isArray(last) || last.length > 0)) await commitWith(this.run.conn, last);
      else await commit(this.run.conn);
    } catch (error) {
      if (error instanceof CommitOutcomeUnknown) throw new CommitOutcomeUnknown(this.asFlowError(error.cause));
      throw this.asFlowError(error);
    }
  }

  private async writeOutbox(): Promise<void> {
    const run = this.run;
    try {
      await writePendingOutbox(this.conn, { invocationId: run.invocationId, tool: run.tool.name, callerId: run.caller.id }, this.state);
    } catch (error) {
      throw this.asFlowError(error);
    }
  }

  /** The connection statements go through: inside a transaction, the one that sends its BEGIN first. */
  private get conn(): Queryable {
    return this.tx?.conn ?? this.run.conn;
  }

  /** `sql` on the connection (null: only the open transaction's BEGIN, if not sent yet). */
  private async exec(sql: string | null): Promise<void> {
    try {
      if (sql !== null) await this.conn.exec(sql);
      else await this.tx?.begin();
    } catch (error) {
      throw this.asFlowError(error);
    }
  }

  private asFlowError(error: unknown, node?: string): unknown {
    if (error instanceof ToolError || error instanceof CommitOutcomeUnknown) return error;
    if (isConnectionFailure(error)) this.state.connectionLost = true;
    if (isDatabaseError(error) || isConnectionFailure(error)) return mapDatabaseError(error, this.run.refusals, this.tables, node);
    return error;
  }

  private nodeContext(): NodeContext {
    const run = this.run;
    const state = this.state;
    // One CEL context for the whole run: `state.outputs` is filled in place as nodes run.
    const scope = { ...run.celContext, nodes: state.outputs };
    return {
      app: run.app,
      tool: run.tool,
      invocationId: run.invocationId,
      caller: run.caller,
      deadline: run.deadline,
      services: run.services,
      evaluate: (node, field, expression) => run.tool.flow.evaluate(expression, scope, `flow.${node.id}.${field}`),
      entity: (name): EntityRuntime => {
        const entity = run.app.entities.get(name);
        if (!entity) throw new Error(`unknown entity ${name}`);
        return entity;
      },
      query: async <R>(node: PlanNode, statement: Statement): Promise<R[]> => {
        try {
          // A read may travel with its transaction's BEGIN: run outside it (BEGIN failed), it changed nothing.
          // The plan's reads and writes are prepared (compiler/schema/crud.ts builds them: one text per node and
          // shape, every column named). An `sql` node's text is the spec author's, `*` included, so it is not.
          const options = node.type === "sql" ? undefined : PREPARED;
          const result =
            node.type === "read" && this.tx
              ? await this.tx.harmless<R>(statement.text, statement.values, options)
              : await this.conn.query<R>(statement.text, statement.values, options);
          return result.rows;
        } catch (error) {
          throw this.asFlowError(error, node.id);
        }
      },
      wrote: (node, entity, action, rows) => {
        if (!this.open) throw new Error(`write "${node.id}" ran outside a transaction`);
        this.open.wrote = true;
        for (const row of rows) this.open.rows.push({ entity, id: String(row.id), action, row });
        state.trace?.wrote(node.id, rows);
      },
      effect: (effect, compensation) => {
        state.effects.push(effect);
        if (compensation && !state.armed.some((a) => a.payment === compensation.payment))
          state.armed.push({ node: effect.node, ...compensation });
      },
      attempted: (node) => state.trace?.attempt(node.id),
      paymentKey: (node) => `${run.paymentKeyStem()}:${node.id}`,
      guard: async (node, request) => {
        if (!run.writeGuard) return undefined;
        const id = randomUUID();
        const origin = { invocationId: run.invocationId, tool: run.tool.name, callerId: run.caller.id };
        const dueInMs = run.guardDueInMs ?? run.deadline.remaining() + 90_000;
        try {
          await run.writeGuard(guardStatement(origin, { id, node: node.id, request, dueInMs }));
        } catch (error) {
          throw this.asFlowError(error, node.id);
        }
        const refundKey = request.kind === "refundCharge" ? request.refundKey : "";
        state.guards.push({ id, node: node.id, refundKey, declined: false });
        return id;
      },
      declined: (guard) => {
        const entry = state.guards.find((g) => g.id === guard);
        if (entry) entry.declined = true;
      },
      enqueue: (node, build, deliveryHeaders) => {
        const id = randomUUID();
        state.pendingOutbox.push({
          id,
          node: node.id,
          request: build(`fascia_${id.replace(/-/g, "")}`),
          policy: deliveryPolicyOf(node),
          transaction: this.open?.id ?? null,
          ...(deliveryHeaders ? { deliveryHeaders } : {}),
        });
        return undefined;
      },
    };
  }
}

/** How the outbox attempts a node's effect: its per-attempt timeout and own retry policy (one attempt without one). */
function deliveryPolicyOf(node: PlanNode): DeliveryPolicy {
  const external = node.external!;
  return { attemptTimeoutMs: external.attemptTimeoutMs, ...backoffOfPlan(external.retry) };
}

/** The branch an if/switch took: the boolean, or the matched case, or `default`. */
function outcomeOf(node: PlanNode, value: unknown): BranchLabel {
  if (node.type === "if") return value === true;
  const spec = node.spec as { cases: BranchLabel[] };
  // A decimal matches a number case by value, exactly as written (19.99 is the case `19.99`).
  if (value instanceof CelDecimal) return spec.cases.find((c) => typeof c === "number" && value.value.eq(c)) ?? "default";
  const plain = fromCel(value);
  return spec.cases.find((c) => c === plain) ?? "default";
}

export { WHOLE_FLOW_TRANSACTION };
