/** CEL literals and row variables → SQL values. */
import { quoteLiteral } from "../names";
import { fail, type RowVariable, type SqlValue } from "./sql-value";

export function literal(value: unknown): SqlValue {
  if (value === null) return { sql: "NULL", kind: "null", nulls: "null" };
  if (typeof value === "bigint") return { sql: value.toString(), kind: "int", nulls: "never" };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail("a non-finite number literal");
    return { sql: `${quoteLiteral(String(value))}::double precision`, kind: "double", nulls: "never" };
  }
  if (typeof value === "string") {
    if (value.includes("\0")) fail("a string literal with a NUL character");
    return { sql: quoteLiteral(value), kind: "string", nulls: "never" };
  }
  if (typeof value === "boolean") return { sql: value ? "true" : "false", kind: "bool", nulls: "never" };
  return fail(`a literal of type ${typeof value === "object" ? "bytes or unsigned int" : typeof value}`);
}

export function variable(name: string, row: ReadonlyMap<string, RowVariable>): SqlValue {
  const found = row.get(name) ?? fail(`unknown variable ${name}`);
  if (found.kind === "unsupported") fail(`${name} is a json field`);
  return { sql: found.sql, kind: found.kind, nulls: found.nullable ? "null" : "never" };
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Dates are strings to CEL and `date` to PostgreSQL: a string literal compared with a date column
 * becomes a date literal when it is a valid calendar date — the two orders then agree.
 */
export function coerceToDate(value: SqlValue, literalText: unknown): SqlValue {
  if (value.kind === "date" || value.kind === "null") return value;
  if (
    value.kind === "string" &&
    typeof literalText === "string" &&
    ISO_DATE.test(literalText) &&
    !literalText.startsWith("0000") &&
    validDate(literalText)
  ) {
    return { sql: `${quoteLiteral(literalText)}::date`, kind: "date", nulls: "never" };
  }
  return fail("a date compared with something other than a date field or a YYYY-MM-DD literal");
}

function validDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}
