import type { ToolRule } from "../rule";
import { isWriteNode, label, nodesInOrder } from "./facts";

/** R001: every write must sit in a transaction scope, or a later failure leaves it half done. */
export const writeOutsideTransaction: ToolRule<"R001"> = {
  id: "R001",
  level: "red",
  title: "a write node (or sql with mode: write) outside every transaction scope",
  hint: "list the node (and the reads it depends on) in a transaction node's nodes",
  check: (tool) =>
    nodesInOrder(tool)
      .filter((n) => isWriteNode(n) && tool.plan.nodes[n.id]!.transaction === null)
      .map((n) => ({
        node: n.id,
        message: `${label(n)} runs outside every transaction: if a later step fails, its change stays committed`,
      })),
};
