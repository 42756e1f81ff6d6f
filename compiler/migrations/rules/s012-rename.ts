import type { SchemaChangeRule } from "./rule";

/**
 * A rename (only ever from `renamedFrom`) is the one change of phase 1 the revision still serving
 * cannot live with: docs/deploy.md migrates before the new revision takes traffic, and the old
 * one keeps querying the old name until then. Nothing is lost, so Yellow, not Red. Found by the
 * Squawk cross-check (renaming-column, renaming-table).
 */
export const S012: SchemaChangeRule = {
  id: "S012",
  level: "yellow",
  title: "a table or column is renamed: the revision still serving uses the old name until the new revision takes over",
  hint: "expect errors from this entity's tools between the migration and the switch to the new revision; for no gap, add a new field, copy the values in a tool, and drop the old field in a later deploy",
  check: (c) => {
    if (c.kind === "renameTable")
      return `renaming table ${c.from} to ${c.table} breaks the queries of the revision still serving until the new revision takes over`;
    if (c.kind === "renameColumn")
      return `renaming ${c.table}.${c.from} to ${c.to} breaks the queries of the revision still serving until the new revision takes over`;
    return undefined;
  },
};
