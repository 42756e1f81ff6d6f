import type { ToolRule } from "../rule";
import { nodesInOrder } from "./facts";

/** R004: an update or delete with an empty where touches every row of the table. */
export const unboundedWrite: ToolRule<"R004"> = {
  id: "R004",
  level: "red",
  title: "an update or delete write whose where is empty (touches every row)",
  hint: "bind where to the row's id or a unique key (a where that is omitted or {} matches every row)",
  check: (tool) =>
    nodesInOrder(tool).flatMap((n) =>
      n.type === "write" && (n.action === "update" || n.action === "delete") && Object.keys(n.where ?? {}).length === 0
        ? [
            {
              node: n.id,
              message: `write "${n.id}" ${n.action === "delete" ? "deletes" : "updates"} every ${n.entity} row: its where is empty`,
            },
          ]
        : [],
    ),
};
