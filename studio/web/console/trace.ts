/**
 * An invocation's per-node trace (contracts/flow-trace.ts) as the canvas draws it: each node's
 * state with its timings, attempts, rows and compensation; each transaction scope with how its
 * attempts ended; each retry scope with its attempts.
 */
import type { FlowTrace, TraceNode, TraceTransaction } from "../../protocol";
import type { NodeOverlay } from "../overlay";

/** A duration in ms as a person reads it: <0.1 ms, 0.4 ms, 12 ms, 1.2 s. */
export function ms(value: number): string {
  if (value < 0.05) return "<0.1 ms";
  if (value < 1) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

const NOT_RUN: Record<string, string> = {
  skipped: "skipped: a branch did not take it",
  unreached: "not reached: the flow stopped before it",
};

export function nodeFacts(node: TraceNode): string[] {
  const facts: string[] = [];
  if (node.s in NOT_RUN) facts.push(NOT_RUN[node.s]!);
  if (node.d !== undefined) facts.push(node.t !== undefined ? `${ms(node.d)} · at +${ms(node.t)}` : ms(node.d));
  if (node.a !== undefined && node.a > 1) facts.push(`${node.a} attempts`);
  const rows = node.wn ?? node.w?.length;
  if (rows !== undefined) facts.push(`${rows} row${rows === 1 ? "" : "s"} written`);
  if (node.o) facts.push(`queued: outbox ${node.o}`);
  if (node.e) facts.push(`error ${node.e}`);
  return facts;
}

const TRANSACTION_END: Record<TraceTransaction["e"], string> = {
  commit: "committed",
  rollback: "rolled back",
  commitFailed: "commit failed",
};

export function traceOverlay(trace: FlowTrace): Record<string, NodeOverlay> {
  const overlay: Record<string, NodeOverlay> = {};
  for (const node of trace.n) overlay[node.id] = { state: node.s, facts: nodeFacts(node) };
  // A transaction inside a retry scope may begin more than once: the scope shows every attempt's end, and ends as the last did.
  const attempts = new Map<string, TraceTransaction[]>();
  for (const x of trace.x ?? []) attempts.set(x.id, [...(attempts.get(x.id) ?? []), x]);
  for (const [id, xs] of attempts) {
    const last = xs[xs.length - 1]!;
    const ends = xs.map((x) => `${TRANSACTION_END[x.e]} ${ms(x.d)}`);
    overlay[id] = { state: last.e, facts: xs.length > 1 ? [`${xs.length} attempts`, ...ends] : ends };
  }
  for (const scope of trace.r ?? []) overlay[scope.id] = { state: "ran", facts: [`${scope.a} attempt${scope.a === 1 ? "" : "s"}`] };
  for (const c of trace.c ?? []) {
    const at = overlay[c.n];
    if (at) at.facts.push(`compensated ${c.ok ? "✓" : "✗ failed"} (${ms(c.d)})`);
  }
  return overlay;
}
