/**
 * Entities → the relational model. Pure: no database, no I/O. Problems the spec loader cannot see
 * (names colliding once snake_cased, names over PostgreSQL's length limit, patterns PostgreSQL
 * cannot check the same way) come back as SchemaProblems with the spec path they concern.
 */
import { Environment } from "@marcbachmann/cel-js";
import type { EntitySpec } from "../../language/entity";
import { columnDefault, columnType, rangeTypeOf } from "./types";
import { fieldCheckName, fieldChecks } from "./field-checks";
import { buildGuard } from "./guard";
import { translateInvariant } from "./invariants/translate";
import type { CelNode } from "../../language/cel-syntax";
import { MAX_IDENTIFIER_BYTES, objectName, quoteIdent, quoteLiteral, snakeCase } from "./names";
import { rowVariables } from "./row-variables";
import type { Column, CompileResult, Constraint, ExecutorInvariant, Index, SchemaProblem, SqlInvariant, Table } from "./model";

export const LEDGER_PREFIX = "fascia_";
const parser = new Environment({ unlistedVariablesAreDyn: true });

export function compileEntities(entities: readonly EntitySpec[]): CompileResult {
  const problems: SchemaProblem[] = [];
  const tables = entities.map((entity) => compileEntity(entity, problems));
  const owners = new Map<string, string>();
  tables.forEach((table, i) => {
    const earlier = owners.get(table.name);
    if (earlier)
      problems.push({ entity: table.entity, path: ["name"], message: `table name "${table.name}" is also the table of ${earlier}` });
    owners.set(table.name, table.entity);
    if (table.name.startsWith(LEDGER_PREFIX))
      problems.push({
        entity: entities[i]!.name,
        path: ["name"],
        message: `table names starting with ${LEDGER_PREFIX} are reserved for Fascia's own tables`,
      });
  });
  return { model: { tables, extensions: ["btree_gist"] }, problems };
}

function compileEntity(entity: EntitySpec, problems: SchemaProblem[]): Table {
  const draft = newDraft(entity, problems);
  addFieldColumns(draft, entity);
  addRelationshipColumns(draft, entity);
  const status = addStatusColumn(draft, entity);
  addSystemColumns(draft);
  checkColumnNames(draft);
  addKeysAndIndexes(draft, entity);
  const row = rowVariables(draft.columns);
  const { sqlInvariants, executorInvariants } = addInvariants(draft, entity, row);
  addNoOverlap(draft, entity, row);

  const { table, columns, constraints, indexes, immutable } = draft;
  const uniqueIndexes = dedupeByName(indexes);
  const guard = buildGuard({ table, entity: entity.name, ...(status ? { status } : {}), immutable });
  return {
    name: table,
    entity: entity.name,
    columns,
    constraints: dedupeByName(constraints),
    indexes: uniqueIndexes,
    guard,
    ...(status ? { status } : {}),
    immutableColumns: immutable.map((i) => i.column),
    sqlInvariants,
    executorInvariants,
  };
}

type TableStatus = NonNullable<Table["status"]>;
type RowVariables = ReturnType<typeof rowVariables>;

/** One entity's table while it is compiled: the parts so far, in the order they are added. */
interface TableDraft {
  table: string;
  columns: Column[];
  constraints: Constraint[];
  indexes: Index[];
  /** Spec name (field, relationship, status) → column. */
  columnOf: Map<string, string>;
  immutable: { column: string; name: string }[];
  report: (path: (string | number)[], message: string) => void;
  check: (name: string, expression: string, columnsUsed: string[], rule: string) => void;
  /** The column of a spec name, reporting an unknown one at `path`. */
  resolve: (path: (string | number)[], name: string) => string;
}

/** The table with its id column and primary key. */
function newDraft(entity: EntitySpec, problems: SchemaProblem[]): TableDraft {
  const table = snakeCase(entity.name);
  const report = (path: (string | number)[], message: string) => problems.push({ entity: entity.name, path, message });
  if (Buffer.byteLength(table) > MAX_IDENTIFIER_BYTES)
    report(["name"], `table name "${table}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);

  const columns: Column[] = [
    { name: "id", rowName: "id", type: "uuid", nullable: false, default: "gen_random_uuid()", origin: { kind: "system" } },
  ];
  const constraints: Constraint[] = [
    { name: objectName(table, [], "pkey"), kind: "primaryKey", definition: 'PRIMARY KEY ("id")', columns: ["id"], rule: "id" },
  ];
  const indexes: Index[] = [];
  const columnOf = new Map<string, string>(); // spec name (field, relationship, status) → column
  const immutable: { column: string; name: string }[] = [];
  const check = (name: string, expression: string, columnsUsed: string[], rule: string) =>
    constraints.push({ name, kind: "check", definition: `CHECK (${expression})`, columns: columnsUsed, rule });
  const resolve = (path: (string | number)[], name: string) => {
    const column = columnOf.get(name);
    if (!column) report(path, `unknown field "${name}"`);
    return column ?? snakeCase(name);
  };
  return { table, columns, constraints, indexes, columnOf, immutable, report, check, resolve };
}

/** A column per field, with its CHECKs, its unique constraint and whether it is immutable. */
function addFieldColumns(draft: TableDraft, entity: EntitySpec): void {
  const { table, columns, constraints, columnOf, immutable, report, check } = draft;
  for (const [name, field] of Object.entries(entity.fields)) {
    const column = snakeCase(name);
    columnOf.set(name, column);
    let defaultSql: string | undefined;
    try {
      defaultSql = columnDefault(field);
    } catch (error) {
      report(["fields", name, "default"], (error as Error).message);
    }
    columns.push({
      name: column,
      rowName: name,
      type: columnType(field),
      nullable: Boolean(field.optional),
      ...(defaultSql ? { default: defaultSql } : {}),
      origin: { kind: "field", field: name, spec: field },
    });
    const { checks, problems: patternProblems } = fieldChecks(field, column);
    for (const c of checks) check(fieldCheckName(table, column, c.suffix), c.expression, [column], `field ${name}: ${c.option}`);
    for (const p of patternProblems) report(["fields", name, p.option], p.message);
    if (field.unique) constraints.push(uniqueConstraint(table, [column], `field ${name}: unique`));
    if (field.immutable) immutable.push({ column, name });
  }
}

/** A `<name>_id` column per belongsTo relationship, with its foreign key and index. */
function addRelationshipColumns(draft: TableDraft, entity: EntitySpec): void {
  const { table, columns, constraints, indexes, columnOf, immutable } = draft;
  for (const [name, rel] of Object.entries(entity.relationships ?? {})) {
    if (rel.kind !== "belongsTo") continue;
    const column = `${snakeCase(name)}_id`;
    columnOf.set(name, column);
    const target = snakeCase(rel.entity);
    columns.push({
      name: column,
      rowName: `${name}Id`,
      type: "uuid",
      nullable: Boolean(rel.optional),
      origin: { kind: "relationship", relationship: name, target: rel.entity },
    });
    const onDelete = { restrict: "RESTRICT", cascade: "CASCADE", setNull: "SET NULL" }[rel.onDelete ?? "restrict"];
    constraints.push({
      name: objectName(table, [column], "fkey"),
      kind: "foreignKey",
      definition: `FOREIGN KEY (${quoteIdent(column)}) REFERENCES ${quoteIdent(target)}("id") ON DELETE ${onDelete}`,
      columns: [column],
      rule: `relationship ${name}`,
    });
    indexes.push(btreeIndex(table, [column]));
    if (rel.immutable) immutable.push({ column, name });
  }
}

/** The status machine's column and the CHECK of its states; undefined without a status. */
function addStatusColumn(draft: TableDraft, entity: EntitySpec): TableStatus | undefined {
  const { table, columns, columnOf, check } = draft;
  const status = entity.status
    ? {
        column: snakeCase(entity.status.field ?? "status"),
        initial: entity.status.initial,
        states: entity.status.states,
        transitions: (entity.status.transitions ?? []).flatMap((t) =>
          (Array.isArray(t.from) ? t.from : [t.from]).map((from) => [from, t.to] as const),
        ),
      }
    : undefined;
  if (status && entity.status) {
    const field = entity.status.field ?? "status";
    columnOf.set(field, status.column);
    columns.push({
      name: status.column,
      rowName: field,
      type: "text",
      nullable: false,
      default: quoteLiteral(status.initial),
      origin: { kind: "status", field },
    });
    check(
      objectName(table, [status.column], "state"),
      `${quoteIdent(status.column)} IN (${status.states.map(quoteLiteral).join(", ")})`,
      [status.column],
      `status ${field}: states`,
    );
  }
  return status;
}

function addSystemColumns({ columns }: TableDraft): void {
  columns.push(
    {
      name: "created_at",
      rowName: "createdAt",
      type: "timestamp with time zone",
      nullable: false,
      default: "now()",
      origin: { kind: "system" },
    },
    {
      name: "updated_at",
      rowName: "updatedAt",
      type: "timestamp with time zone",
      nullable: false,
      default: "now()",
      origin: { kind: "system" },
    },
    { name: "version", rowName: "version", type: "integer", nullable: false, default: "1", origin: { kind: "system" } },
  );
}

/** Column names PostgreSQL would truncate, and two spec names that become one column. */
function checkColumnNames({ columns, report }: TableDraft): void {
  const seen = new Map<string, string>();
  for (const c of columns) {
    if (Buffer.byteLength(c.name) > MAX_IDENTIFIER_BYTES)
      report(["fields", c.rowName], `column name "${c.name}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
    const other = seen.get(c.name);
    if (other) report(["fields", c.rowName], `"${c.rowName}" and "${other}" both become the column "${c.name}"`);
    seen.set(c.name, c.rowName);
  }
}

/** The entity's `unique` constraints and `indexes`. */
function addKeysAndIndexes({ table, constraints, indexes, resolve }: TableDraft, entity: EntitySpec): void {
  entity.unique?.forEach((names, i) =>
    constraints.push(
      uniqueConstraint(
        table,
        names.map((n, j) => resolve(["unique", i, j], n)),
        `unique [${names.join(", ")}]`,
      ),
    ),
  );
  entity.indexes?.forEach((names, i) =>
    indexes.push(
      btreeIndex(
        table,
        names.map((n, j) => resolve(["indexes", i, j], n)),
      ),
    ),
  );
}

/** Invariants PostgreSQL can check become CHECKs; the others are left to the executor, with the reason. */
function addInvariants(
  { table, check }: TableDraft,
  entity: EntitySpec,
  row: RowVariables,
): { sqlInvariants: SqlInvariant[]; executorInvariants: ExecutorInvariant[] } {
  const sqlInvariants: SqlInvariant[] = [];
  const executorInvariants: ExecutorInvariant[] = [];
  entity.invariants?.forEach((inv) => {
    const translated = translateInvariant(parser.parse(inv.rule).ast as unknown as CelNode, row);
    if (translated.ok) {
      const name = objectName(table, [snakeCase(inv.name)], "inv");
      check(name, translated.sql, [], `invariant ${inv.name}`);
      sqlInvariants.push({ name: inv.name, rule: inv.rule, message: inv.message, constraint: name });
    } else {
      executorInvariants.push({ name: inv.name, rule: inv.rule, message: inv.message, reason: translated.reason });
    }
  });
  return { sqlInvariants, executorInvariants };
}

/** Each noOverlap rule as an exclusion constraint over its range (and `per` columns, and `where`). */
function addNoOverlap({ table, constraints, report, resolve }: TableDraft, entity: EntitySpec, row: RowVariables): void {
  entity.noOverlap?.forEach((rule, i) => {
    const path = ["noOverlap", i];
    const [lo, hi] = rule.range;
    const loField = entity.fields[lo];
    const range = loField ? rangeTypeOf(loField) : undefined;
    if (!range) return report([...path, "range"], `range bounds must be date, datetime or numeric fields`);
    const bound = (name: string, j: number) => `${quoteIdent(resolve([...path, "range", j], name))}${range.cast ? `::${range.cast}` : ""}`;
    const elements = [
      ...(rule.per ?? []).map((p, j) => `${quoteIdent(resolve([...path, "per", j], p))} WITH =`),
      `${range.constructor}(${bound(lo, 0)}, ${bound(hi, 1)}, '[)') WITH &&`,
    ];
    let where = "";
    if (rule.where) {
      const translated = translateInvariant(parser.parse(rule.where).ast as unknown as CelNode, row);
      if (!translated.ok) return report([...path, "where"], `the where condition must be checkable by PostgreSQL: ${translated.reason}`);
      where = ` WHERE (${translated.sql})`;
    }
    constraints.push({
      name: objectName(table, [snakeCase(rule.name)], "excl"),
      kind: "exclusion",
      definition: `EXCLUDE USING gist (${elements.join(", ")})${where}`,
      columns: [],
      rule: `noOverlap ${rule.name}`,
    });
  });
}

function uniqueConstraint(table: string, columns: string[], rule: string): Constraint {
  return {
    name: objectName(table, columns, "key"),
    kind: "unique",
    definition: `UNIQUE (${columns.map(quoteIdent).join(", ")})`,
    columns,
    rule,
  };
}

function btreeIndex(table: string, columns: string[]): Index {
  return { name: objectName(table, columns, "idx"), columns, method: `USING btree (${columns.map(quoteIdent).join(", ")})` };
}

function dedupeByName<T extends { name: string }>(items: T[]): T[] {
  const byName = new Map<string, T>();
  for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
  return [...byName.values()];
}
