import type { ToolRule } from "../rule";
import { classifySql } from "../sql-query";
import { nodesInOrder } from "./facts";

/** Y007: a plain SELECT in raw SQL: safe to run, but unchecked against the entities. */
export const rawSqlRead: ToolRule<"Y007"> = {
  id: "Y007",
  level: "yellow",
  title: "raw SQL that only reads",
  hint: "use a read node where it can express the query; acknowledge a query it cannot (aggregates, joins)",
  check: (tool) =>
    nodesInOrder(tool).flatMap((n) =>
      n.type === "sql" && n.mode === "read" && classifySql(n.query).plainSelect
        ? [
            {
              node: n.id,
              message: `sql "${n.id}" reads with raw SQL: its tables and columns are not checked against the entities, so a schema change can break it`,
            },
          ]
        : [],
    ),
};
