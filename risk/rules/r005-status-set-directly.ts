import type { ToolRule } from "../rule";
import { nodesInOrder } from "./facts";

/** R005: the status field changes only through `action: transition`, never through `set`. */
export const statusSetDirectly: ToolRule<"R005"> = {
  id: "R005",
  level: "red",
  title: "a write that sets an entity's status field directly instead of action: transition",
  hint: "remove the status field from set and use action: transition with to: <state>",
  check: (tool) =>
    nodesInOrder(tool).flatMap((n) => {
      if (n.type !== "write") return [];
      const status = tool.entities.get(n.entity)?.status;
      if (!status) return [];
      const field = status.field ?? "status";
      if (!(field in (n.set ?? {}))) return [];
      return [
        {
          node: n.id,
          message: `write "${n.id}" sets ${n.entity}.${field} directly: the status machine's transitions are not what decides the new state`,
        },
      ];
    }),
};
