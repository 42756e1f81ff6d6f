import { formatMs } from "../../compiler/flow/timing";
import type { ToolRule } from "../rule";
import { isExternal, label, nodesInOrder, runsAfterCommit } from "./facts";

/**
 * Y004: a network call while a transaction is open keeps its row locks held for the call's
 * duration. An after-commit node inside a transaction only stores its request there: no I/O.
 */
export const externalInTransaction: ToolRule<"Y004"> = {
  id: "Y004",
  level: "yellow",
  title: "an external call inside a transaction scope (locks held across network I/O)",
  hint: "let the call run after the commit (runs: afterCommit; a charge with compensate: refund undoes it on failure), or acknowledge why the lock must be held",
  check: (tool) =>
    nodesInOrder(tool).flatMap((n) => {
      const tx = tool.plan.nodes[n.id]!.transaction;
      if (!isExternal(n) || tx === null || runsAfterCommit(tool, n)) return [];
      const budget = formatMs(tool.plan.nodes[n.id]!.external!.budgetMs);
      return [
        { node: n.id, message: `${label(n)} runs inside transaction ${tx}: its locks stay held for up to ${budget} of network calls` },
      ];
    }),
};
