/**
 * Parameterized CRUD statements per table. Values only ever travel as parameters ($1, $2, …);
 * identifiers come from the compiled model, never from callers, and are quoted. Rows come back
 * with their spec names (`startDate`, `customerId`, `createdAt`).
 */
import { quoteIdent } from "./names";
import type { Column, Table } from "./model";
import type { Statement } from "../../database/types";

export type FilterOp = "eq" | "ne" | "lt" | "lte" | "gt" | "gte" | "in";
export interface Filter {
  readonly field: string;
  readonly op: FilterOp;
  readonly value: unknown;
}
export interface OrderBy {
  readonly field: string;
  readonly direction?: "asc" | "desc";
}
export interface ListOptions {
  readonly where?: readonly Filter[];
  readonly orderBy?: readonly OrderBy[];
  readonly limit?: number;
  /** The last row of the previous page (its order-by fields and id): keyset pagination. */
  readonly after?: Readonly<Record<string, unknown>>;
  readonly lock?: "update" | "share";
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const SETTABLE = (c: Column) => c.origin.kind !== "system";

function column(table: Table, rowName: string): Column {
  const found = table.columns.find((c) => c.rowName === rowName);
  if (!found) throw new Error(`${table.entity} has no field "${rowName}"`);
  return found;
}

/** Built once per column list: the executor puts it in nearly every statement it sends. */
const SELECT_LISTS = new WeakMap<readonly Column[], string>();

export function selectList(table: Table): string {
  let list = SELECT_LISTS.get(table.columns);
  if (list === undefined) {
    list = table.columns
      .map((c) => (c.name === c.rowName ? quoteIdent(c.name) : `${quoteIdent(c.name)} AS ${quoteIdent(c.rowName)}`))
      .join(", ");
    SELECT_LISTS.set(table.columns, list);
  }
  return list;
}

/** `row` keys are row names; relationships by `<name>Id`. */
export function insertStatement(table: Table, row: Readonly<Record<string, unknown>>): Statement {
  const params = new Params();
  const entries = Object.entries(row).filter(([, v]) => v !== undefined);
  const columns = entries.map(([name]) => {
    const c = column(table, name);
    if (!SETTABLE(c) && c.name !== "id") throw new Error(`${table.entity}.${name} is maintained by the database`);
    return quoteIdent(c.name);
  });
  const values = entries.map(([, v]) => params.add(v));
  const target = columns.length ? `(${columns.join(", ")}) VALUES (${values.join(", ")})` : "DEFAULT VALUES";
  return { text: `INSERT INTO ${quoteIdent(table.name)} ${target} RETURNING ${selectList(table)}`, values: params.values };
}

export function getByIdStatement(table: Table, id: string, lock?: "update" | "share"): Statement {
  return { text: `SELECT ${selectList(table)} FROM ${quoteIdent(table.name)} WHERE "id" = $1${lockClause(lock)}`, values: [id] };
}

const OPS: Record<Exclude<FilterOp, "in">, string> = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" };

function filterSql(table: Table, filter: Filter, params: Params): string {
  const c = column(table, filter.field);
  const col = quoteIdent(c.name);
  if (filter.op === "in") {
    if (!Array.isArray(filter.value)) throw new Error(`filter ${filter.field} in: the value must be a list`);
    return `${col} = ANY(${params.add(filter.value)}::${c.type}[])`;
  }
  if (filter.value === null && (filter.op === "eq" || filter.op === "ne")) return `${col} IS ${filter.op === "eq" ? "" : "NOT "}NULL`;
  return `${col} ${OPS[filter.op]} ${params.add(filter.value)}`;
}

/**
 * Keyset condition "comes after `after`" for an ORDER BY with mixed directions and NULLS LAST:
 * (k1 after v1) OR (k1 = v1 AND k2 after v2) OR … with the id as the final, unique key.
 */
function keysetSql(table: Table, keys: readonly Required<OrderBy>[], after: Readonly<Record<string, unknown>>, params: Params): string {
  const alternatives: string[] = [];
  keys.forEach((key, i) => {
    const equalBefore = keys.slice(0, i).map((k) => {
      const v = after[k.field];
      const col = quoteIdent(column(table, k.field).name);
      return v === null || v === undefined ? `${col} IS NULL` : `${col} = ${params.add(v)}`;
    });
    const v = after[key.field];
    const col = quoteIdent(column(table, key.field).name);
    // NULLS LAST in both directions: after a null only nulls follow; after a value, nulls do too.
    if (v === null || v === undefined) return;
    const op = key.direction === "asc" ? ">" : "<";
    const later = `(${col} ${op} ${params.add(v)} OR ${col} IS NULL)`;
    alternatives.push([...equalBefore, later].join(" AND "));
  });
  return alternatives.length ? `(${alternatives.map((a) => `(${a})`).join(" OR ")})` : "false";
}

export function listStatement(table: Table, options: ListOptions = {}): Statement {
  const params = new Params();
  const conditions = (options.where ?? []).map((f) => filterSql(table, f, params));
  const keys: Required<OrderBy>[] = (options.orderBy ?? []).map((o) => ({ field: o.field, direction: o.direction ?? "asc" }));
  if (!keys.some((k) => k.field === "id")) keys.push({ field: "id", direction: "asc" });
  if (options.after) {
    if (options.after.id === undefined || options.after.id === null) throw new Error("keyset pagination needs the previous page's last id");
    conditions.push(keysetSql(table, keys, options.after, params));
  }
  const order = keys
    .map((k) => `${quoteIdent(column(table, k.field).name)} ${k.direction === "asc" ? "ASC" : "DESC"} NULLS LAST`)
    .join(", ");
  const where = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  const limit = options.limit !== undefined ? ` LIMIT ${params.add(checkedLimit(options.limit))}` : "";
  return {
    text: `SELECT ${selectList(table)} FROM ${quoteIdent(table.name)}${where} ORDER BY ${order}${limit}${lockClause(options.lock)}`,
    values: params.values,
  };
}

/** `column = $n` for each value to set; system columns and the status field are refused. */
function setAssignments(table: Table, set: Readonly<Record<string, unknown>>, params: Params): string[] {
  return Object.entries(set)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => {
      const c = column(table, name);
      if (!SETTABLE(c)) throw new Error(`${table.entity}.${name} is maintained by the database`);
      if (c.origin.kind === "status") throw new Error(`${table.entity}.${name} changes only through a transition`);
      return `${quoteIdent(c.name)} = ${params.add(v)}`;
    });
}

/** An update that succeeds only at the expected version: 0 rows back means gone or changed. */
export function updateStatement(table: Table, id: string, expectedVersion: number, set: Readonly<Record<string, unknown>>): Statement {
  const params = new Params();
  const assignments = setAssignments(table, set, params);
  if (assignments.length === 0) throw new Error(`an update of ${table.entity} must set at least one field`);
  const idParam = params.add(id);
  const versionParam = params.add(expectedVersion);
  return {
    text: `UPDATE ${quoteIdent(table.name)} SET ${assignments.join(", ")} WHERE "id" = ${idParam} AND "version" = ${versionParam} RETURNING ${selectList(table)}`,
    values: params.values,
  };
}

export function deleteStatement(table: Table, id: string, expectedVersion?: number): Statement {
  const values: unknown[] = [id];
  const version = expectedVersion !== undefined ? (values.push(expectedVersion), ` AND "version" = $2`) : "";
  return { text: `DELETE FROM ${quoteIdent(table.name)} WHERE "id" = $1${version} RETURNING ${selectList(table)}`, values };
}

/** A status change; the guard trigger refuses one that is not a listed transition. */
export function transitionStatement(table: Table, id: string, to: string, expectedVersion?: number): Statement {
  if (!table.status) throw new Error(`${table.entity} has no status machine`);
  if (!table.status.states.includes(to)) throw new Error(`${table.entity} has no state "${to}"`);
  const values: unknown[] = [to, id];
  const version = expectedVersion !== undefined ? (values.push(expectedVersion), ` AND "version" = $3`) : "";
  return {
    text: `UPDATE ${quoteIdent(table.name)} SET ${quoteIdent(table.status.column)} = $1 WHERE "id" = $2${version} RETURNING ${selectList(table)}`,
    values,
  };
}

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}

function lockClause(lock: "update" | "share" | undefined): string {
  return lock === "update" ? " FOR UPDATE" : lock === "share" ? " FOR SHARE" : "";
}

/**
 * The states a row may leave for `to`: those with a listed transition into it. `to` itself is
 * never among them (the checker refuses a transition to the same state, FS013): a row already in
 * `to` is refused, not "already done".
 */
/** The status field as rows carry it (`status`, or the spec's `status.field`). */
export function statusRowName(table: Table): string {
  const column = table.status && table.columns.find((c) => c.name === table.status!.column);
  if (!column) throw new Error(`${table.entity} has no status machine`);
  return column.rowName;
}

export function transitionSources(table: Table, to: string): string[] {
  if (!table.status) throw new Error(`${table.entity} has no status machine`);
  return table.status.states.filter((from) => table.status!.transitions.some(([f, t]) => f === from && t === to));
}

/**
 * Writes selected by filters rather than by one id, as flow `write` nodes address rows: every
 * matching row is changed by one statement (atomic; the guard trigger still checks transitions,
 * immutables and keeps version/updated_at). `to` moves the status; `set` may not name the status.
 */
export function updateWhereStatement(
  table: Table,
  where: readonly Filter[],
  set: Readonly<Record<string, unknown>>,
  to?: string,
): Statement {
  const params = new Params();
  const assignments = setAssignments(table, set, params);
  if (to !== undefined) {
    if (!table.status) throw new Error(`${table.entity} has no status machine`);
    if (!table.status.states.includes(to)) throw new Error(`${table.entity} has no state "${to}"`);
    assignments.unshift(`${quoteIdent(table.status.column)} = ${params.add(to)}`);
  }
  if (assignments.length === 0) throw new Error(`an update of ${table.entity} must set at least one field`);
  const conditions = where.map((f) => filterSql(table, f, params));
  const whereSql = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  return {
    text: `UPDATE ${quoteIdent(table.name)} SET ${assignments.join(", ")}${whereSql} RETURNING ${selectList(table)}`,
    values: params.values,
  };
}

export function deleteWhereStatement(table: Table, where: readonly Filter[]): Statement {
  const params = new Params();
  const conditions = where.map((f) => filterSql(table, f, params));
  const whereSql = conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "";
  return { text: `DELETE FROM ${quoteIdent(table.name)}${whereSql} RETURNING ${selectList(table)}`, values: params.values };
}
