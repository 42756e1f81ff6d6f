import type { SchemaChangeRule } from "./rule";

export const S007: SchemaChangeRule = {
  id: "S007",
  level: "red",
  title: "a `unique` is added to an existing table: duplicates among its rows make the migration fail",
  hint: "remove duplicates first (a tool), then add the unique with `allowDataLoss: { reason }`",
  check: (c) =>
    c.kind === "addConstraint" && c.existingTable && c.constraint.kind === "unique"
      ? `${c.constraint.rule} on ${c.entity} fails if ${c.table} already holds duplicates`
      : undefined,
};
