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

/** When an external node's effect happens: during the flow, or from the outbox once its commit landed. */
export type EffectTiming = "inFlow" | "afterCommit";

/**
 * The default timing per external node, the language's decision (docs/spec-language.md, "When an
 * effect happens"): what cannot be undone waits for the commit — a refund, an email, an http call
 * that is not a read; what can be undone or only reads runs in the flow — a charge (its
 * `compensate: refund`, or R003, governs it) and GET/HEAD. A node's own `runs` overrides this.
 */
export function effectTiming(node: { type: string; runs?: EffectTiming; action?: string; method?: string }): EffectTiming {
  if (node.runs) return node.runs;
  if (node.type === "email") return "afterCommit";
  if (node.type === "payment") return node.action === "refund" ? "afterCommit" : "inFlow";
  if (node.type === "http") return node.method === "GET" || node.method === "HEAD" ? "inFlow" : "afterCommit";
  return "inFlow";
}

/**
 * An http header of an after-commit node that is evaluated at delivery, not stored in the outbox:
 * it reads secrets and nothing of the invocation (the loader refuses a header that reads both).
 */
export function deliveryHeader(expression: string): boolean {
  return /\bsecrets\b/.test(expression) && !/\b(input|nodes|caller|now)\b/.test(expression);
}

/**
 * Node types that change nothing and call nothing outside the flow: a read (inside a transaction,
 * rolled back with it) and what only computes or checks. The executor runs them while the
 * invocation's idempotency claim is still unanswered, so the flow's first reads travel with the
 * claim (docs/executor.md, "Round trips"); every other node waits for the answer.
 */
export const CHANGES_NOTHING_NODE_TYPES = ["read", "transform", "if", "switch", "assert", "policyCheck"] as const;
