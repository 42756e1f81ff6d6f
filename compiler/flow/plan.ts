/**
 * The execution plan: what the flow compiler hands to the executor. Plain JSON (no classes, no
 * Maps), versioned, complete: the executor runs `steps` top to bottom and never re-derives order,
 * branch liveness, scopes, locks, deadlines or compensations from the spec.
 * docs/execution-plan.md describes every field and the semantics the executor must apply.
 */
import type { TriggerKind } from "../../contracts/routes";
import type { EffectTiming, FlowNodeSpec, NodeType } from "../../language/nodes";

/** Bumped whenever a field changes meaning; an executor refuses plans of another version. */
export const PLAN_VERSION = 2 as const;

export type BranchLabel = string | number | boolean;
export type Isolation = "readCommitted" | "repeatableRead" | "serializable";
export type RetryOn = "timeout" | "unavailable" | "rateLimited" | "conflict";

export interface ExecutionPlan {
  planVersion: typeof PLAN_VERSION;
  tool: string;
  trigger: TriggerKind;
  /** The invocation's deadline (step 5 starts it); `default` when the tool sets no timeout. */
  deadline: { ms: number; source: "tool" | "default" };
  idempotency: "required" | "optional" | "none";
  /** Executable node ids in the order they run (scopes are not nodes here). */
  order: string[];
  /** The program: scope boundaries and node runs, top to bottom. */
  steps: PlanStep[];
  nodes: Record<string, PlanNode>;
  edges: PlanEdge[];
  branches: PlanBranch[];
  transactions: PlanTransaction[];
  retryScopes: PlanRetryScope[];
  concurrency: ConcurrencyPlan;
  /** The response body (CEL); `maySkip` lists nodes whose output may be absent when it is evaluated. */
  output: { expression: string | null; maySkip: string[] };
  /** True when the plan could not enumerate every branch combination and chose conservative answers. */
  approximate: boolean;
}

export type PlanStep =
  | { op: "retryStart"; scope: string }
  | { op: "begin"; transaction: string }
  | { op: "run"; node: string }
  | { op: "commit"; transaction: string }
  | { op: "retryEnd"; scope: string };

export interface PlanEdge {
  from: string;
  to: string;
  /** Present on edges out of `if` / `switch`: the outcome that makes the edge live. */
  when?: BranchLabel;
}

export interface PlanNode {
  id: string;
  type: Exclude<NodeType, "transaction" | "retry">;
  /** The node as written: the expressions the executor evaluates. */
  spec: FlowNodeSpec;
  /** `start`: no incoming edge, always runs. `anyLiveEdge`: runs iff at least one incoming edge is live. */
  join: "start" | "anyLiveEdge";
  incoming: PlanEdge[];
  /** False when every combination of branch outcomes runs this node. */
  canBeSkipped: boolean;
  /** Innermost transaction around the node, or null (autocommit). */
  transaction: string | null;
  /** Retry scopes around the node, innermost first. */
  retryScopes: string[];
  /** Node ids whose output `nodes.<id>` holds when this node runs (its ancestors that have an output). */
  sees: string[];
  /** Of `sees`, those that may have been skipped by a branch, so `nodes.<id>` may be absent. */
  maySkip: string[];
  /** Read nodes: the row lock taken, and why. */
  lock?: PlanLock;
  /** Write nodes: the optimistic check `version = nodes.<node>.version` added to the where. */
  versionCheck?: { node: string; reason: string };
  /** External nodes (payment, email, http): per-attempt timeout, retry policy and worst-case time. */
  external?: PlanExternal;
  /** Payment charges with `compensate: refund`: what undoes the effect if the invocation fails later. */
  compensation?: { action: "refund"; payment: string };
  /** Compensations possibly armed once this node has run, newest first (node ids of the effects). */
  armed: string[];
}

export interface PlanLock {
  mode: "update" | "share";
  source: "spec" | "concurrency";
  /** Held until this transaction ends; null when the read is outside every transaction (released at once). */
  transaction: string | null;
  reason: string;
}

export interface PlanExternal {
  attemptTimeoutMs: number;
  timeoutSource: "node" | "default";
  /** The node's own retry policy (defaults filled in), or null. */
  retry: ResolvedRetry | null;
  /** Attempts counting enclosing retry scopes (their attempts multiply). */
  maxAttempts: number;
  /** Worst case: every attempt times out and every backoff delay is waited. */
  budgetMs: number;
  /**
   * `afterCommit`: the node's fields are evaluated where it stands and stored in the outbox with
   * the next commit; the call is made from the outbox once that commit landed (no output in the flow).
   */
  runs: EffectTiming;
}

export interface ResolvedRetry {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  retryOn: RetryOn[];
}

export interface PlanBranch {
  node: string;
  kind: "if" | "switch";
  outcomes: PlanBranchOutcome[];
}

export interface PlanBranchOutcome {
  /** `true`/`false` for if; a case or `default` for switch. */
  when: BranchLabel;
  /** Targets of the edges this outcome makes live. */
  to: string[];
  /** Nodes that certainly do not run when this outcome is taken (whatever other branches do). */
  skips: string[];
}

export interface PlanTransaction {
  id: string;
  isolation: Isolation;
  /** Where the isolation came from: the spec, the default (readCommitted) or the concurrency choice. */
  isolationSource: "spec" | "default" | "concurrency";
  /** Executable nodes inside, in run order. */
  members: string[];
  /** The transaction begins just before this node runs and commits just after the last member. */
  beginsBefore: string;
  commitsAfter: string;
  /** Writes inside (write nodes and sql in write mode). */
  writes: string[];
  /** Reads inside that take row locks. */
  locks: string[];
  /** How a serialization failure or deadlock is retried; null when it is not. */
  conflictRetry: { scope: string } | { implicit: ResolvedRetry } | null;
}

export interface PlanRetryScope {
  id: string;
  policy: ResolvedRetry;
  members: string[];
  /** Enclosing transaction: attempts roll back to a savepoint taken at the scope's start. */
  transaction: string | null;
  savepoint: boolean;
}

export type ConcurrencyStrategy = "serializableRetry" | "rowLock" | "optimisticVersion" | "none";

export interface ConcurrencyPlan {
  /** The strongest measure the tool needs (serializableRetry > rowLock > optimisticVersion > none). */
  strategy: ConcurrencyStrategy;
  reason: string;
  measures: ConcurrencyMeasure[];
}

export interface ConcurrencyMeasure {
  strategy: Exclude<ConcurrencyStrategy, "none">;
  /** The nodes concerned: the read and the write of a read-modify-write, or a transaction's members. */
  nodes: string[];
  transaction: string | null;
  reason: string;
}
