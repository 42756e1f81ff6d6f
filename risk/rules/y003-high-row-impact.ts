import { whereIsUnique } from "../../language/keys";
import type { WhereSpec } from "../../language/nodes";
import type { ToolRule, RuleHit } from "../rule";
import { nodesInOrder } from "./facts";

/**
 * Y003: a read with neither `one` nor `limit` whose where is not bound to a unique key (a read by
 * id returns at most one row), or a write (update, delete, transition) whose where is not bound to
 * a unique key. An update or delete with an empty where is R004's, not this rule's.
 */
export const highRowImpact: ToolRule<"Y003"> = {
  id: "Y003",
  level: "yellow",
  title: "a read without one or limit (unbounded query), or a write whose where is not bound to a unique key (high row impact)",
  hint: "give the read one: true or a limit; bind the write's where to id or a unique key",
  check: (tool) => {
    const hits: RuleHit[] = [];
    const unique = (entity: string, where: WhereSpec | undefined) => {
      const spec = tool.entities.get(entity);
      return spec !== undefined && whereIsUnique(spec, where);
    };
    for (const n of nodesInOrder(tool)) {
      if (n.type === "read" && n.one !== true && n.limit === undefined && !unique(n.entity, n.where)) {
        hits.push({
          node: n.id,
          message: `read "${n.id}" has neither one nor limit: it returns every matching ${n.entity} row, however many there are`,
        });
      }
      if (n.type !== "write" || n.action === "create") continue;
      const empty = Object.keys(n.where ?? {}).length === 0;
      if (empty && n.action !== "transition") continue; // R004
      if (tool.entities.has(n.entity) && !unique(n.entity, n.where)) {
        hits.push({
          node: n.id,
          message: `write "${n.id}" is not bound to a unique key of ${n.entity}: one invocation may change many rows`,
        });
      }
    }
    return hits;
  },
};
