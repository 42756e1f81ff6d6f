/**
 * DDL for a fresh database, and the statement pieces the migration planner reuses. Tables first
 * (with their own checks, uniques and exclusions), then indexes, then foreign keys — so entities
 * that refer to each other in a cycle need no ordering — then the guard triggers (and, with a
 * status machine, the guard's status trigger).
 */
import { quoteIdent } from "./names";
import type { Column, Constraint, Guard, Index, RelationalModel, Table } from "./model";

const DOLLAR = "$fascia$";

export function columnDefinition(column: Column): string {
  return `${quoteIdent(column.name)} ${column.type}${column.nullable ? "" : " NOT NULL"}${column.default !== undefined ? ` DEFAULT ${column.default}` : ""}`;
}

export function constraintDefinition(constraint: Constraint): string {
  return `CONSTRAINT ${quoteIdent(constraint.name)} ${constraint.definition}`;
}

export function createIndex(table: string, index: Index, concurrently = false): string {
  return `CREATE INDEX${concurrently ? " CONCURRENTLY" : ""} ${quoteIdent(index.name)} ON ${quoteIdent(table)} ${index.method};`;
}

export function createGuardFunction(guard: Guard): string {
  return `CREATE OR REPLACE FUNCTION ${quoteIdent(guard.functionName)}() RETURNS trigger LANGUAGE plpgsql AS ${DOLLAR}${guard.body}${DOLLAR};`;
}

export function createGuardTrigger(table: string, guard: Guard): string {
  return `CREATE TRIGGER ${quoteIdent(guard.triggerName)} BEFORE INSERT OR UPDATE ON ${quoteIdent(table)} FOR EACH ROW EXECUTE FUNCTION ${quoteIdent(guard.functionName)}();`;
}

/** The guard's second trigger, for UPDATEs that name the status column; none without a status machine. */
export function createStatusTrigger(table: string, guard: Guard): string[] {
  if (!guard.statusTrigger) return [];
  const { name, column } = guard.statusTrigger;
  return [
    `CREATE TRIGGER ${quoteIdent(name)} BEFORE UPDATE OF ${quoteIdent(column)} ON ${quoteIdent(table)} FOR EACH ROW EXECUTE FUNCTION ${quoteIdent(guard.functionName)}();`,
  ];
}

export function createTable(table: Table): string {
  const inline = table.constraints.filter((c) => c.kind !== "foreignKey");
  const lines = [...table.columns.map(columnDefinition), ...inline.map(constraintDefinition)];
  return `CREATE TABLE ${quoteIdent(table.name)} (\n  ${lines.join(",\n  ")}\n);`;
}

export function addConstraint(table: string, constraint: Constraint, notValid = false): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD ${constraintDefinition(constraint)}${notValid ? " NOT VALID" : ""};`;
}

export function createExtensions(model: RelationalModel): string[] {
  return model.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e)};`);
}

/** Every statement that builds the model in an empty schema, in order. */
export function freshSchemaStatements(model: RelationalModel): string[] {
  return [
    ...createExtensions(model),
    ...model.tables.map(createTable),
    ...model.tables.flatMap((t) => t.indexes.map((i) => createIndex(t.name, i))),
    ...model.tables.flatMap((t) => t.constraints.filter((c) => c.kind === "foreignKey").map((c) => addConstraint(t.name, c))),
    ...model.tables.flatMap((t) => [
      createGuardFunction(t.guard),
      createGuardTrigger(t.name, t.guard),
      ...createStatusTrigger(t.name, t.guard),
    ]),
  ];
}

export function freshSchemaSql(model: RelationalModel): string {
  return `${freshSchemaStatements(model).join("\n\n")}\n`;
}
