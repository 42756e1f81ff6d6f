import type { ToolRule } from "../rule";
import { isExternal, label, nodesInOrder } from "./facts";

/** Y001: an external call attempted only once (no retry policy, its own or a scope's, above 1 attempt). */
export const externalWithoutRetry: ToolRule<"Y001"> = {
  id: "Y001",
  level: "yellow",
  title: "an external node (payment, email, http) without a retry policy",
  hint: "add retry: { maxAttempts: 3, initialInterval: 200ms, backoffCoefficient: 2 } to the node, or put it in a retry scope",
  check: (tool) =>
    nodesInOrder(tool)
      .filter((n) => isExternal(n) && tool.plan.nodes[n.id]!.external!.maxAttempts <= 1)
      .map((n) => ({ node: n.id, message: `${label(n)} is attempted once: a single network blip fails the invocation` })),
};
