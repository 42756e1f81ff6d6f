/** Every CEL expression a node holds, by node type (a new type without an entry does not compile). */
import type { NodeOfType, NodeType, WhereSpec } from "../../language/nodes";
import type { ExecNode } from "./graph";

function whereExpressions(where: WhereSpec | undefined): string[] {
  return Object.values(where ?? {}).flatMap((c) =>
    typeof c === "string" ? [c] : Object.values(c).filter((v): v is string => typeof v === "string"),
  );
}

const EXPRESSIONS: { [T in Exclude<NodeType, "transaction" | "retry">]: (node: NodeOfType<T>) => string[] } = {
  read: (n) => whereExpressions(n.where),
  write: (n) => [...whereExpressions(n.where), ...Object.values(n.set ?? {})],
  transform: (n) => [n.value],
  if: (n) => [n.condition],
  switch: (n) => [n.value],
  payment: (n) => [n.amount, n.currency, n.customer, n.payment, n.idempotencyKey].filter((v): v is string => v !== undefined),
  email: (n) => [n.to, n.subject, n.body],
  http: (n) => [n.url, ...Object.values(n.headers ?? {}), ...(n.body !== undefined ? [n.body] : [])],
  policyCheck: (n) => (n.rule !== undefined ? [n.rule] : []),
  assert: (n) => [n.condition],
  sql: (n) => n.params ?? [],
};

export function nodeExpressions(node: ExecNode): string[] {
  return (EXPRESSIONS[node.type] as (n: ExecNode) => string[])(node);
}

export { whereExpressions };
