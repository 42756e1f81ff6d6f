/**
 * Plain values about flow nodes that the executor needs at run time, apart from nodes.ts so that
 * using them does not build the zod schemas of every node type (a governed executor never parses
 * specs; docs/executor.md, "Cold start"). nodes.ts re-exports them.
 */
export const COMPARISON_OPERATORS = ["eq", "ne", "lt", "lte", "gt", "gte", "in"] as const;

/** For a FlowNodeSpec, narrows to nodes.ts's ScopeNode (no import of nodes.ts: it re-exports this module). */
export function isScopeNode<N extends { type: string }>(node: N): node is Extract<N, { type: "transaction" | "retry" }> {
  return node.type === "transaction" || node.type === "retry";
}
