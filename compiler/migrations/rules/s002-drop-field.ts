import type { SchemaChangeRule } from "./rule";

export const S002: SchemaChangeRule = {
  id: "S002",
  level: "red",
  title: "a field (or relationship, or the status machine) is dropped: its values are deleted",
  hint: "if the field was renamed, say so with `renamedFrom`; otherwise acknowledge with `allowDataLoss: { reason }` on the entity",
  check: (c) =>
    c.kind === "dropColumn"
      ? `dropping ${c.entity}.${c.column.rowName} deletes the column ${c.table}.${c.column.name} and its values`
      : undefined,
};
