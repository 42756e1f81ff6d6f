import type { SchemaChangeRule } from "./rule";

export const S009: SchemaChangeRule = {
  id: "S009",
  level: "yellow",
  title: "a new or tightened check or reference is validated against existing rows",
  hint: "the constraint is added NOT VALID (new writes are checked at once) and then validated; if an old row violates it, validation fails and the migration stops there",
  check: (c) =>
    c.kind === "addConstraint" && c.existingTable && !c.rebuilt && (c.constraint.kind === "check" || c.constraint.kind === "foreignKey")
      ? `${c.constraint.rule} on ${c.entity} is validated against the rows already in ${c.table}`
      : undefined,
};
