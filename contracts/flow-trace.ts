/**
 * The per-node trace's format, as the audit record keeps it (`body.trace`) and the operator API and
 * the Console read it: what each node of the plan did, the transactions' begins and ends, retry
 * scopes' attempts, compensations — as states, ids, counts and times only, never an input value or
 * a node's output. Keys are short because every record carries one; they are documented once here
 * and in docs/executor.md ("The per-node trace"). The executor records it (executor/audit/flow-trace.ts).
 */

/** The trace's own format version (a reader that meets another one knows it cannot read it). */
export const TRACE_VERSION = 1;

/**
 * What became of a node: it ran; a branch did not take it; it failed (the flow stopped there, or a
 * retry scope gave up on it); the flow stopped before reaching it; it ran as an after-commit effect
 * whose outbox entry committed (the outbox makes it).
 */
export type NodeState = "ran" | "skipped" | "failed" | "unreached" | "queued";

/** At most this many row ids per write node (`w`); past it `wn` counts them all (rowsChanged lists every committed row). */
export const MAX_TRACED_ROWS = 100;

export interface TraceNode {
  /** The node's id in the plan. */
  id: string;
  /** Its state (NodeState). */
  s: NodeState;
  /** Start of its first run, ms from the invocation's start. Absent when it never ran. */
  t?: number;
  /** Duration, ms, from its first run's start to its last run's end (retries and backoff included). */
  d?: number;
  /** Attempts when more than one: an external node's calls to the outside (all of them), any other node's runs. */
  a?: number;
  /** A write's affected row ids (its last run), at most MAX_TRACED_ROWS. */
  w?: string[];
  /** How many rows the write affected, when more than `w` lists. */
  wn?: number;
  /** The outbox entry of a `queued` node. */
  o?: string;
  /** The error code a failed node ended with. */
  e?: string;
}

/** How a transaction attempt ended: committed, rolled back (a failure inside it), or its COMMIT failed. */
export type TransactionEnd = "commit" | "rollback" | "commitFailed";

export interface TraceTransaction {
  id: string;
  /** BEGIN, ms from the invocation's start. */
  t: number;
  /** Until the end; a committing final transaction's ends when its COMMIT, carrying this record, was sent. */
  d: number;
  e: TransactionEnd;
}

export interface TraceScope {
  id: string;
  /** Attempts of the scope's block. */
  a: number;
}

export interface TraceCompensation {
  /** The node whose effect was compensated. */
  n: string;
  ok: boolean;
  t: number;
  d: number;
}

export interface FlowTrace {
  v: typeof TRACE_VERSION;
  /** Every node of the plan, in the plan's order. */
  n: TraceNode[];
  /** Transaction attempts in the order they began (absent: none began). */
  x?: TraceTransaction[];
  /** Retry scopes that were entered. */
  r?: TraceScope[];
  /** Compensations in the order they ran (newest effect first). */
  c?: TraceCompensation[];
}
