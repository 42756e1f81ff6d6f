/**
 * CEL values → statement parameters, per column: ints leave CEL as bigint, timestamps as Date,
 * maps as Map; PostgreSQL gets numbers, ISO text and JSON text. Rows coming back are handed to
 * CEL with the row type the checker used (executor/cel/values.ts).
 */
import type { Column, Table } from "../../compiler/schema/model";
import type { EntitySpec } from "../../language/entity";
import { rowTypeName } from "../../loader/cel/types";
import { fromCel, toCel, type TypeTable } from "../cel/values";
import { CelDecimal } from "../../loader/cel/decimal";
import { ToolError } from "../errors/catalogue";

export function toParam(value: unknown, column: Column): unknown {
  const plain = fromCel(value);
  if (plain === null || plain === undefined) return null;
  if (column.type === "jsonb") return JSON.stringify(plain);
  return plain;
}

/**
 * A value to store (a write's `set`). PostgreSQL would round a decimal with more digits after
 * the point than its numeric column keeps (29.985 into numeric(12,2) is 29.99), and money must
 * not change without a rule saying how: such a value is refused, naming the round() to write.
 * Trailing zeros do not count (19.990 stores as 19.99 exactly).
 */
export function toStoredParam(value: unknown, column: Column, where: string): unknown {
  const spec = column.origin.kind === "field" ? column.origin.spec : undefined;
  if (value instanceof CelDecimal && spec?.type === "decimal" && spec.scale !== undefined && value.value.decimalPlaces() > spec.scale) {
    throw ToolError.of("EXPRESSION_FAILED", undefined, [
      {
        path: where,
        message: `${value} has more than ${spec.scale} digits after the point, which ${column.rowName} keeps; round it explicitly, e.g. round(x, ${spec.scale})`,
      },
    ]);
  }
  return toParam(value, column);
}

/** A where/set key (field, relationship or status name) → the row name the CRUD builders use. */
export function rowNameOf(entity: EntitySpec, name: string): string {
  const rel = entity.relationships?.[name];
  return rel && rel.kind === "belongsTo" ? `${name}Id` : name;
}

export function columnOf(table: Table, rowName: string): Column {
  const column = table.columns.find((c) => c.rowName === rowName);
  if (!column) throw new Error(`${table.entity} has no field "${rowName}"`);
  return column;
}

export function rowToCel(row: Record<string, unknown>, entity: string, types: TypeTable): unknown {
  return toCel(row, rowTypeName(entity), types);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a parameter can be compared with the column at all: a non-UUID never equals a uuid column. */
export function comparable(value: unknown, column: Column): boolean {
  if (column.type !== "uuid" || value === null) return true;
  return typeof value === "string" && UUID.test(value);
}
