import type { SchemaChangeRule } from "./rule";

/**
 * The contract's "narrowing a check": any check or reference that rows already in the table may
 * violate (existing-rows.ts decides which). The SQL stays safe — NOT VALID, then VALIDATE — but
 * VALIDATE fails on the first such row, and the migration stops there.
 */
export const S011: SchemaChangeRule = {
  id: "S011",
  level: "red",
  title:
    "a check or reference that rows already in the table may violate is added: a tightened bound, a new or changed pattern/format, a check on a field that already has values, an invariant",
  hint: "fix or move the rows that would violate it first (a tool), then deploy the change with `allowDataLoss: { reason }` on the entity; or put the rule on a new field",
  check: (c) =>
    c.kind === "addConstraint" &&
    c.existingTable &&
    !c.rebuilt &&
    (c.constraint.kind === "check" || c.constraint.kind === "foreignKey") &&
    c.existingRows.verdict === "mayViolate"
      ? `${c.constraint.rule} on ${c.entity} makes the migration fail if a row already in ${c.table} violates it (${c.existingRows.why})`
      : undefined,
};
