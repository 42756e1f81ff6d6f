/**
 * Changes between the deployed model and the new one. `before` is the deployed model, `renamed`
 * the deployed specs compiled with the new names (renames.ts): the two line up item by item, so
 * their name differences are exactly the RENAME statements; `renamed` and `after` then diff by name.
 */
import type { EntitySpec } from "../../language/entity";
import type { Column, RelationalModel, Table } from "../schema/model";
import type { Change } from "./changes";
import { existingRows } from "./existing-rows";

export function diffModels(
  before: RelationalModel,
  renamed: RelationalModel,
  after: RelationalModel,
  renamedSpecs: readonly EntitySpec[],
  afterSpecs: readonly EntitySpec[],
): Change[] {
  const changes: Change[] = [];
  before.tables.forEach((old, i) => changes.push(...renameChanges(old, renamed.tables[i]!)));
  const oldByName = new Map(renamed.tables.map((t, i) => [t.name, { table: t, original: before.tables[i]! }]));
  const newNames = new Set(after.tables.map((t) => t.name));
  for (const { table } of oldByName.values()) {
    if (!newNames.has(table.name)) changes.push({ kind: "dropTable", entity: table.entity, table: table.name, dropped: table });
  }
  const renamedByName = new Map(renamedSpecs.map((s) => [s.name, s]));
  const afterByName = new Map(afterSpecs.map((s) => [s.name, s]));
  for (const table of after.tables) {
    const previous = oldByName.get(table.name);
    if (!previous) {
      changes.push({ kind: "createTable", entity: table.entity, table: table.name, created: table });
      continue;
    }
    changes.push(...tableChanges(previous.table, previous.original, table));
    changes.push(...valueRemovals(renamedByName.get(previous.table.entity), afterByName.get(table.entity), table));
  }
  return changes;
}

function renameChanges(old: Table, renamed: Table): Change[] {
  const base = { entity: renamed.entity, table: renamed.name };
  const out: Change[] = [];
  if (old.name !== renamed.name) out.push({ ...base, kind: "renameTable", from: old.name });
  old.columns.forEach((c, i) => {
    const to = renamed.columns[i]?.name;
    if (to && to !== c.name) out.push({ ...base, kind: "renameColumn", from: c.name, to });
  });
  old.constraints.forEach((c, i) => {
    const to = renamed.constraints[i]?.name;
    if (to && to !== c.name) out.push({ ...base, kind: "renameConstraint", from: c.name, to });
  });
  old.indexes.forEach((x, i) => {
    const to = renamed.indexes[i]?.name;
    if (to && to !== x.name) out.push({ ...base, kind: "renameIndex", from: x.name, to });
  });
  return out;
}

function tableChanges(old: Table, original: Table, next: Table): Change[] {
  const base = { entity: next.entity, table: next.name };
  const out: Change[] = [];
  const oldColumns = new Map(old.columns.map((c) => [c.name, c]));
  const newColumns = new Set(next.columns.map((c) => c.name));
  for (const c of old.columns) if (!newColumns.has(c.name)) out.push({ ...base, kind: "dropColumn", column: c });
  for (const c of next.columns) {
    const prev = oldColumns.get(c.name);
    if (!prev) {
      out.push({ ...base, kind: "addColumn", column: c });
      continue;
    }
    out.push(...columnChanges(base, prev, c));
  }
  const oldConstraints = new Map(old.constraints.map((c) => [c.name, c]));
  const newConstraints = new Map(next.constraints.map((c) => [c.name, c]));
  // PostgreSQL keeps a CHECK over a retyped column by wrapping it in casts, which a fresh table
  // would not have: such checks are dropped before the type change and added again after it.
  const retyped = new Set(next.columns.filter((c) => oldColumns.has(c.name) && oldColumns.get(c.name)!.type !== c.type).map((c) => c.name));
  const rebuilt = (c: { kind: string; columns: readonly string[] }) => c.kind === "check" && c.columns.some((col) => retyped.has(col));
  for (const c of old.constraints) {
    const now = newConstraints.get(c.name);
    if (!now || now.definition !== c.definition || rebuilt(now)) out.push({ ...base, kind: "dropConstraint", constraint: c });
  }
  for (const c of next.constraints) {
    const was = oldConstraints.get(c.name);
    if (!was || was.definition !== c.definition)
      out.push({ ...base, kind: "addConstraint", constraint: c, existingTable: true, existingRows: existingRows(c, old, next) });
    else if (rebuilt(c))
      out.push({
        ...base,
        kind: "addConstraint",
        constraint: c,
        existingTable: true,
        rebuilt: true,
        existingRows: { verdict: "satisfy", why: "the same check, put back after its column's type changed" },
      });
  }
  const oldIndexes = new Map(old.indexes.map((x) => [x.name, x]));
  const newIndexes = new Map(next.indexes.map((x) => [x.name, x]));
  for (const x of old.indexes) {
    const now = newIndexes.get(x.name);
    if (!now || now.method !== x.method) out.push({ ...base, kind: "dropIndex", index: x });
  }
  for (const x of next.indexes) {
    const was = oldIndexes.get(x.name);
    if (!was || was.method !== x.method) out.push({ ...base, kind: "addIndex", index: x, existingTable: true });
  }
  // The deployed trigger body names the deployed columns: compare with the original, not the renamed.
  if (original.guard.functionName !== next.guard.functionName || original.guard.body !== next.guard.body) {
    out.push({ ...base, kind: "replaceGuard", guard: next.guard, previous: original.guard });
  }
  return out;
}

function columnChanges(base: { entity: string; table: string }, prev: Column, next: Column): Change[] {
  const out: Change[] = [];
  if (prev.type !== next.type) out.push({ ...base, kind: "alterColumnType", column: next, from: prev.type });
  if (prev.nullable && !next.nullable) out.push({ ...base, kind: "setNotNull", column: next });
  if (!prev.nullable && next.nullable) out.push({ ...base, kind: "dropNotNull", column: next });
  if (prev.default !== next.default) out.push({ ...base, kind: "setDefault", column: next });
  return out;
}

/** Enum values and states that existed and are gone: rows holding them would break the new CHECK. */
function valueRemovals(before: EntitySpec | undefined, after: EntitySpec | undefined, table: Table): Change[] {
  if (!before || !after) return [];
  const base = { entity: after.name, table: table.name };
  const out: Change[] = [];
  for (const [name, field] of Object.entries(after.fields)) {
    const old = before.fields[name];
    if (old?.type === "enum" && field.type === "enum") {
      const removed = old.values.filter((v) => !field.values.includes(v));
      if (removed.length) out.push({ ...base, kind: "removeEnumValues", field: name, values: removed });
    }
  }
  if (before.status && after.status && (before.status.field ?? "status") === (after.status.field ?? "status")) {
    const removed = before.status.states.filter((s) => !after.status!.states.includes(s));
    if (removed.length) out.push({ ...base, kind: "removeStates", states: removed });
  }
  return out;
}
