/**
 * A translated CEL sub-expression. SQL NULL stands for one of two CEL outcomes, never both:
 * `null` (an optional column with no value, or the null literal) or `error` (arithmetic on null,
 * a division by zero, an ordering comparison with null). Kleene logic in SQL's AND/OR/NOT then
 * behaves exactly like CEL's error-absorbing `&&`/`||`/`!`, and a CHECK accepts only `IS TRUE`.
 */
/** `decimal` is a PostgreSQL numeric: exact, like the CEL decimal it stands for. */
export type ValueKind = "int" | "double" | "decimal" | "string" | "bool" | "date" | "timestamp" | "null";
export type NullMeaning = "never" | "null" | "error";

export interface SqlValue {
  readonly sql: string;
  readonly kind: ValueKind;
  readonly nulls: NullMeaning;
}

/** A variable an invariant may name: a column seen the way CEL sees it. */
export interface RowVariable {
  readonly sql: string;
  readonly kind: ValueKind | "unsupported";
  readonly nullable: boolean;
}

export class Untranslatable extends Error {}

export function fail(reason: string): never {
  throw new Untranslatable(reason);
}

/** The null meaning of a result computed from operands: any NULL operand makes it an error. */
export function errorIfAnyNull(...values: readonly SqlValue[]): NullMeaning {
  return values.every((v) => v.nulls === "never") ? "never" : "error";
}
