import { backoffTotalMs, formatMs } from "../../compiler/flow/timing";
import type { ToolRule } from "../rule";
import { isExternal, label, nodesInOrder, runsAfterCommit } from "./facts";

/**
 * Y009: the worst case of an external node's retries (attempts × per-attempt timeout + backoff
 * delays, enclosing retry scopes multiplying) is longer than the tool's deadline, so the policy
 * promises attempts the deadline will cut off. Uses the plan's effective numbers (defaults included).
 * An after-commit node is delivered from the outbox, which the deadline does not bound.
 */
export const retryOverDeadline: ToolRule<"Y009"> = {
  id: "Y009",
  level: "yellow",
  title: "a retry budget over the deadline: attempts × timeout plus backoff delays exceed the Tool's timeout",
  hint: "lower maxAttempts or the node's timeout, or raise the tool's timeout above the budget",
  check: (tool) =>
    nodesInOrder(tool).flatMap((n) => {
      if (!isExternal(n) || runsAfterCommit(tool, n)) return [];
      const external = tool.plan.nodes[n.id]!.external!;
      const deadline = tool.plan.deadline;
      if (external.maxAttempts <= 1 || external.budgetMs <= deadline.ms) return [];
      const backoff = external.retry ? ` + ${formatMs(backoffTotalMs(external.retry))} backoff` : "";
      const scopes = tool.plan.nodes[n.id]!.retryScopes.length > 0 ? ` (with its retry scopes: ${external.maxAttempts} attempts)` : "";
      const timeout =
        deadline.source === "tool" ? `the tool's ${formatMs(deadline.ms)} timeout` : `the default ${formatMs(deadline.ms)} deadline`;
      const retry = external.retry;
      const own = retry
        ? `${retry.maxAttempts} × ${formatMs(external.attemptTimeoutMs)}${backoff}`
        : `${formatMs(external.attemptTimeoutMs)} per attempt`;
      return [
        {
          node: n.id,
          message: `${label(n)} may take ${formatMs(external.budgetMs)} (${own})${scopes}, over ${timeout}: the deadline cuts off attempts the policy promises`,
        },
      ];
    }),
};
