import type { SchemaChangeRule } from "./rule";

export const S008: SchemaChangeRule = {
  id: "S008",
  level: "red",
  title: "a `noOverlap` is added to an existing table: overlapping rows make it fail, and it locks the table while it checks",
  hint: "resolve overlaps first, deploy at a quiet time, and acknowledge with `allowDataLoss: { reason }`",
  check: (c) =>
    c.kind === "addConstraint" && c.existingTable && c.constraint.kind === "exclusion"
      ? `${c.constraint.rule} on ${c.entity} fails if rows of ${c.table} overlap, and blocks writes to it while it is built`
      : undefined,
};
