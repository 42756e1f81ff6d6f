import type { SchemaChangeRule } from "./rule";

/**
 * What stays Yellow of a check or reference added to an existing table: the rows already there
 * cannot violate it (existing-rows.ts), so validating it costs a scan and cannot fail. One that
 * they may violate is S011 (Red); removed enum values and states are S004/S005.
 */
export const S009: SchemaChangeRule = {
  id: "S009",
  level: "yellow",
  title: "a new or changed check or reference is validated against existing rows, which cannot violate it",
  hint: "the constraint is added NOT VALID (new writes are checked at once) and then validated by a scan that lets reads and writes go on; on a large table the migration lasts as long as that scan",
  check: (c) =>
    c.kind === "addConstraint" &&
    c.existingTable &&
    !c.rebuilt &&
    (c.constraint.kind === "check" || c.constraint.kind === "foreignKey") &&
    c.existingRows.verdict === "satisfy"
      ? `${c.constraint.rule} on ${c.entity} is validated against the rows already in ${c.table}; they cannot violate it (${c.existingRows.why})`
      : undefined,
};
