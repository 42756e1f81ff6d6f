/** Which `where` clauses pin a single row: shared by typing (a node's output is a row or a list) and risk. */
import type { EntitySpec } from "./entity";
import type { WhereSpec } from "./nodes";

/** Columns compared for equality in a where clause (`field: expr` or `field: { eq: expr }`). */
export function equalityColumns(where: WhereSpec | undefined): Set<string> {
  const columns = new Set<string>();
  for (const [name, condition] of Object.entries(where ?? {})) {
    if (typeof condition === "string" || (condition.eq !== undefined && Object.keys(condition).length === 1)) columns.add(name);
  }
  return columns;
}

/** True when the where clause fixes `id`, a unique field, or every column of a composite unique. */
export function whereIsUnique(entity: EntitySpec, where: WhereSpec | undefined): boolean {
  const eq = equalityColumns(where);
  if (eq.has("id")) return true;
  for (const [name, field] of Object.entries(entity.fields)) if (field.unique && eq.has(name)) return true;
  return (entity.unique ?? []).some((columns) => columns.every((c) => eq.has(c)));
}
