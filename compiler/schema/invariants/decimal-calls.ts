/**
 * The CEL decimal functions an invariant may use, as PostgreSQL numeric expressions that give
 * the same value (loader/cel/decimal.ts defines them). Each one translated here agrees exactly:
 * - `decimal('12.50')` → '12.50'::numeric, only for a literal in the plain notation the CEL
 *   function accepts (any other text is a CEL error, which SQL would not raise);
 * - `decimal(i)` for an int → i::numeric;
 * - `double(d)` → d::double precision (both pick the nearest double to the exact value);
 * - `round(d, s)` → round(d, s): both round half away from zero;
 * - `floor(d, s)` / `ceil(d, s)` → floor(d * 10^s) * 10^-s (and ceil): numeric multiplication
 *   by a power of ten is exact, where a division would pick its own result scale.
 * The scale must be an int literal within what CEL accepts. `decimal(double)` is not translated:
 * CEL takes the double's shortest text, PostgreSQL's float8 → numeric cast 15 digits, and they
 * differ (0.1 + 0.2). `minorUnits`, `int(d)` and `string(d)` stay with the executor.
 */
import { MAX_DIGITS } from "../../../loader/cel/decimal";
import { quoteLiteral } from "../names";
import { errorIfAnyNull, fail, type SqlValue } from "./sql-value";
import type { CelNode } from "../../../language/cel-syntax";

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

export function decimalCall(name: string, args: readonly CelNode[], translate: (node: CelNode) => SqlValue): SqlValue | undefined {
  if (name === "decimal" && args.length === 1) return toDecimal(args[0]!, translate);
  if (name === "double" && args.length === 1) {
    const value = translate(args[0]!);
    if (value.kind !== "decimal") return undefined;
    return { sql: `(${value.sql})::double precision`, kind: "double", nulls: errorIfAnyNull(value) };
  }
  if ((name === "round" || name === "floor" || name === "ceil") && args.length === 2) {
    const value = translate(args[0]!);
    if (value.kind !== "decimal") fail(`${name}() of ${value.kind}`);
    const scale = literalScale(args[1]!, name);
    const sql =
      name === "round" ? `round(${value.sql}, ${scale})` : `(${name}((${value.sql}) * ${powerOfTen(scale)}) * ${powerOfTen(-scale)})`;
    return { sql, kind: "decimal", nulls: errorIfAnyNull(value) };
  }
  return undefined;
}

function toDecimal(arg: CelNode, translate: (node: CelNode) => SqlValue): SqlValue {
  if (arg.op === "value" && typeof arg.args === "string") {
    if (!PLAIN_DECIMAL.test(arg.args)) fail(`decimal() of "${arg.args}", which is not a plain decimal`);
    return { sql: `${quoteLiteral(arg.args)}::numeric`, kind: "decimal", nulls: "never" };
  }
  const value = translate(arg);
  if (value.kind === "decimal") return value;
  if (value.kind === "int") return { sql: `(${value.sql})::numeric`, kind: "decimal", nulls: errorIfAnyNull(value) };
  return fail(`decimal() of ${value.kind}`);
}

function literalScale(node: CelNode, name: string): number {
  const scale = node.op === "value" ? node.args : undefined;
  if (typeof scale !== "bigint" || scale < 0n || scale > BigInt(MAX_DIGITS))
    fail(`${name}() with a scale that is not an int literal from 0 to ${MAX_DIGITS}`);
  return Number(scale);
}

/** 10^n as an exact numeric literal: 100, 0.01. */
function powerOfTen(n: number): string {
  return n >= 0 ? `1${"0".repeat(n)}::numeric` : `0.${"0".repeat(-n - 1)}1::numeric`;
}
