import type { ToolRule } from "../rule";
import { formatList, isWriteNode, nodesInOrder } from "./facts";

/** Y006: anyone on the internet can change data through a public tool. */
export const publicWrite: ToolRule<"Y006"> = {
  id: "Y006",
  level: "yellow",
  title: "a public Tool that writes",
  hint: "require roles in auth, or acknowledge why anonymous callers may write (e.g. a sign-up form)",
  check: (tool) => {
    if (tool.spec.auth?.public !== true) return [];
    const writes = nodesInOrder(tool)
      .filter(isWriteNode)
      .map((n) => n.id);
    return writes.length > 0
      ? [{ message: `the tool is public (no authentication) and writes (${formatList(writes)}): anyone can change data` }]
      : [];
  },
};
