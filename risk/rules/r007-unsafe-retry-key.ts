import { isConstant } from "../../language/cel-syntax";
import type { ToolRule, RuleHit } from "../rule";
import { nodesInOrder, runsAfterCommit } from "./facts";

/**
 * R007: retried requests that are not idempotent. An `http` POST or PATCH that may be attempted
 * more than once (its own retry or an enclosing retry scope) must send an Idempotency-Key header;
 * a payment's idempotencyKey must not be a constant (every invocation would share one key). An
 * after-commit http call gets an Idempotency-Key derived from its outbox row when it sets none.
 */
export const unsafeRetryKey: ToolRule<"R007"> = {
  id: "R007",
  level: "red",
  title: "a retried POST/PATCH http node without an Idempotency-Key header, or a payment whose idempotencyKey is a constant",
  hint: "send an Idempotency-Key header derived from the invocation (input, nodes, now); leave a payment's idempotencyKey unset to have one derived",
  check: (tool) => {
    const hits: RuleHit[] = [];
    for (const n of nodesInOrder(tool)) {
      if (n.type === "http" && (n.method === "POST" || n.method === "PATCH") && !runsAfterCommit(tool, n)) {
        const attempts = tool.plan.nodes[n.id]!.external!.maxAttempts;
        const keyed = Object.keys(n.headers ?? {}).some((h) => h.toLowerCase() === "idempotency-key");
        if (attempts > 1 && !keyed) {
          hits.push({
            node: n.id,
            message: `http "${n.id}" may send its ${n.method} ${attempts} times without an Idempotency-Key header: the other side may act on it more than once`,
          });
        }
      }
      if (n.type === "payment" && n.idempotencyKey !== undefined && isConstant(n.idempotencyKey)) {
        hits.push({
          node: n.id,
          message: `payment "${n.id}" uses the constant idempotency key ${n.idempotencyKey}: every invocation after the first gets the first one's payment`,
        });
      }
    }
    return hits;
  },
};
