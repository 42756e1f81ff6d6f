import type { SchemaChangeRule } from "./rule";

export const S001: SchemaChangeRule = {
  id: "S001",
  level: "red",
  title: "an entity is dropped: its table and every row in it are deleted",
  hint: "keep the entity, or first deploy it with `allowDataLoss: { reason }` and then remove it",
  check: (c) => (c.kind === "dropTable" ? `dropping ${c.entity} deletes the table ${c.table} and all its rows` : undefined),
};
