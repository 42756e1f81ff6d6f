import type { ToolRule, RuleHit } from "../rule";
import { classifySql } from "../sql-query";
import { nodesInOrder } from "./facts";

/** R002: raw SQL that writes bypasses everything the compiler knows about the entities. */
export const rawSqlWrite: ToolRule<"R002"> = {
  id: "R002",
  level: "red",
  title: "raw SQL that writes (sql node with mode: write, or a read-mode query that is not a plain SELECT)",
  hint: "change rows with write nodes (create, update, delete, transition); keep sql for plain SELECTs",
  check: (tool) => {
    const hits: RuleHit[] = [];
    for (const n of nodesInOrder(tool)) {
      if (n.type !== "sql") continue;
      if (n.mode === "write") {
        hits.push({
          node: n.id,
          message: `sql "${n.id}" writes with raw SQL: what it changes is invisible to the plan, the audit and the risk checks`,
        });
        continue;
      }
      const verdict = classifySql(n.query);
      if (!verdict.plainSelect)
        hits.push({ node: n.id, message: `sql "${n.id}" is in read mode but its query is not a plain SELECT: ${verdict.because}` });
    }
    return hits;
  },
};
