import { formatMs } from "../../compiler/flow/timing";
import type { ToolRule } from "../rule";
import { isExternal, label, nodesInOrder } from "./facts";

/** Y002: an external node with no `timeout` of its own. */
export const externalWithoutTimeout: ToolRule<"Y002"> = {
  id: "Y002",
  level: "yellow",
  title: "an external node without a timeout",
  hint: "set timeout: on the node (e.g. 5s), well under the tool's timeout",
  check: (tool) =>
    nodesInOrder(tool)
      .filter((n) => isExternal(n) && n.timeout === undefined)
      .map((n) => ({
        node: n.id,
        message: `${label(n)} sets no timeout: each attempt may hang for the default ${formatMs(tool.plan.nodes[n.id]!.external!.attemptTimeoutMs)}`,
      })),
};
