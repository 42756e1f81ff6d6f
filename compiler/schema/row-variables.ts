/** How an invariant sees a table's columns: CEL name → SQL expression, CEL kind, nullability. */
import type { FieldSpec } from "../../language/field";
import type { RowVariable, ValueKind } from "./invariants/sql-value";
import { quoteIdent } from "./names";
import type { Column } from "./model";

const KIND: Record<FieldSpec["type"], ValueKind | "unsupported"> = {
  string: "string",
  enum: "string",
  uuid: "string",
  integer: "int",
  bigint: "int",
  decimal: "decimal",
  number: "double",
  boolean: "bool",
  date: "date",
  datetime: "timestamp",
  json: "unsupported",
};

function variableOf(column: Column): RowVariable {
  const sql = quoteIdent(column.name);
  const nullable = column.nullable;
  switch (column.origin.kind) {
    case "field": {
      const type = column.origin.spec.type;
      // CEL sees uuids as lower-case strings (PostgreSQL's text form); a decimal stays numeric,
      // exact on both sides.
      if (type === "uuid") return { sql: `${sql}::text`, kind: "string", nullable };
      return { sql, kind: KIND[type], nullable };
    }
    case "relationship":
      return { sql: `${sql}::text`, kind: "string", nullable };
    case "status":
      return { sql, kind: "string", nullable };
    case "system":
      if (column.name === "id") return { sql: `${sql}::text`, kind: "string", nullable };
      if (column.name === "version") return { sql, kind: "int", nullable };
      return { sql, kind: "timestamp", nullable };
  }
}

export function rowVariables(columns: readonly Column[]): Map<string, RowVariable> {
  return new Map(columns.map((c) => [c.rowName, variableOf(c)]));
}
