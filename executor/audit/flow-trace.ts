/**
 * Records the per-node trace of one invocation while it runs (the format: contracts/flow-trace.ts).
 * The record's hash covers the trace like the rest of the body.
 */
import {
  MAX_TRACED_ROWS,
  TRACE_VERSION,
  type FlowTrace,
  type NodeState,
  type TraceCompensation,
  type TraceNode,
  type TraceScope,
  type TraceTransaction,
  type TransactionEnd,
} from "../../contracts/flow-trace";

export { MAX_TRACED_ROWS, TRACE_VERSION };
export type { FlowTrace, NodeState, TraceCompensation, TraceNode, TraceScope, TraceTransaction, TransactionEnd };

interface NodeRecord {
  state: "ran" | "skipped" | "failed";
  start: number;
  end: number;
  runs: number;
  attempts: number;
  rows?: readonly string[];
  rowCount?: number;
  error?: string;
}

interface OpenTransaction {
  id: string;
  start: number;
}

/**
 * Collects the trace while the invocation runs: a few numbers per node, no allocation beyond a
 * record per node, so tracing stays out of the executor's throughput (bench/executor.bench.ts).
 */
export class TraceRecorder {
  private readonly origin: number;
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly transactions: TraceTransaction[] = [];
  private readonly scopes = new Map<string, number>();
  private readonly compensations: TraceCompensation[] = [];
  private open: OpenTransaction | null = null;

  /** `startedAt`: the invocation's start (Date.now()); offsets are measured on the monotonic clock from there. */
  constructor(startedAt: number) {
    this.origin = performance.now() - (Date.now() - startedAt);
  }

  /** ms since the invocation's start, on the monotonic clock. */
  now(): number {
    return performance.now() - this.origin;
  }

  nodeStarted(id: string): NodeRecord {
    const at = this.now();
    let record = this.nodes.get(id);
    if (!record || record.state === "skipped") {
      record = { state: "ran", start: at, end: at, runs: 0, attempts: 0 };
      this.nodes.set(id, record);
    }
    record.runs++;
    return record;
  }

  nodeEnded(record: NodeRecord, error?: unknown): void {
    record.end = this.now();
    if (error === undefined) {
      record.state = "ran";
      delete record.error;
    } else {
      record.state = "failed";
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === "string") record.error = code;
    }
  }

  /** Its state is its last run's: a node that ran in a transaction attempt a conflict retry replayed, and was skipped in the next, is `skipped`. */
  skipped(id: string): void {
    this.nodes.set(id, { state: "skipped", start: 0, end: 0, runs: 0, attempts: 0 });
  }

  /** An external node's call to the outside (each retry of its own policy counts). */
  attempt(id: string): void {
    const record = this.nodes.get(id);
    if (record) record.attempts++;
  }

  wrote(id: string, rows: readonly Record<string, unknown>[]): void {
    const record = this.nodes.get(id);
    if (!record) return;
    const listed = rows.length > MAX_TRACED_ROWS ? rows.slice(0, MAX_TRACED_ROWS) : rows;
    record.rows = listed.map((row) => String(row.id));
    record.rowCount = rows.length;
  }

  began(id: string): void {
    this.open = { id, start: this.now() };
  }

  ended(end: TransactionEnd): void {
    if (!this.open) return;
    const { id, start } = this.open;
    this.transactions.push({ id, t: round(start), d: round(this.now() - start), e: end });
    this.open = null;
  }

  scopeAttempt(id: string): void {
    this.scopes.set(id, (this.scopes.get(id) ?? 0) + 1);
  }

  compensated(node: string, ok: boolean, start: number): void {
    this.compensations.push({ n: node, ok, t: round(start), d: round(this.now() - start) });
  }

  /**
   * The trace as the audit record keeps it. `order`: the plan's nodes in order; `queued`: the
   * outbox entries this record lists (a node whose entry is among them is `queued`). A transaction
   * still open is the final one, committing with this record: it says `commit`.
   */
  toTrace(order: readonly string[], queued: readonly { node: string; id: string }[]): FlowTrace {
    const outbox = new Map<string, string>();
    for (const entry of queued) outbox.set(entry.node, entry.id);
    const n = order.map((id) => this.traceNode(id, outbox.get(id)));
    const x = this.open
      ? [
          ...this.transactions,
          { id: this.open.id, t: round(this.open.start), d: round(this.now() - this.open.start), e: "commit" as const },
        ]
      : this.transactions;
    return {
      v: TRACE_VERSION,
      n,
      ...(x.length > 0 ? { x } : {}),
      ...(this.scopes.size > 0 ? { r: [...this.scopes].map(([id, a]) => ({ id, a })) } : {}),
      ...(this.compensations.length > 0 ? { c: this.compensations } : {}),
    };
  }

  private traceNode(id: string, outboxId: string | undefined): TraceNode {
    const record = this.nodes.get(id);
    if (!record) return { id, s: "unreached" };
    if (record.state === "skipped") return { id, s: "skipped" };
    const node: TraceNode = {
      id,
      s: record.state === "ran" && outboxId !== undefined ? "queued" : record.state,
      t: round(record.start),
      d: round(record.end - record.start),
    };
    const attempts = Math.max(record.attempts, record.runs);
    if (attempts > 1) node.a = attempts;
    if (record.rows) {
      node.w = [...record.rows];
      if (record.rowCount! > record.rows.length) node.wn = record.rowCount!;
    }
    if (node.s === "queued") node.o = outboxId!;
    if (record.state === "failed" && record.error) node.e = record.error;
    return node;
  }
}

/** Whole milliseconds: the trace is for reading a run, and sub-millisecond digits would only lengthen every record. */
function round(ms: number): number {
  return Math.max(0, Math.round(ms));
}
