/** One handler per CEL operator of the SQL subset. */
import { quoteLiteral } from "../names";
import { translateRegex } from "../regex";
import { decimalCall } from "./decimal-calls";
import { coerceToDate } from "./literals";
import { errorIfAnyNull, fail, type SqlValue } from "./sql-value";
import type { CelNode } from "../../../language/cel-syntax";

export type Translate = (node: CelNode) => SqlValue;
type Handler = (node: CelNode, translate: Translate) => SqlValue;

const pair = (node: CelNode): [CelNode, CelNode] => node.args as [CelNode, CelNode];
const rawLiteral = (node: CelNode) => (node.op === "value" ? node.args : undefined);

/** Both sides of a comparison, with date ↔ ISO-literal coercion and kind compatibility checked. */
function operands(node: CelNode, translate: Translate, allowNull: boolean): [SqlValue, SqlValue] {
  const [ln, rn] = pair(node);
  let l = translate(ln);
  let r = translate(rn);
  if (l.kind === "date" && r.kind !== "date") r = coerceToDate(r, rawLiteral(rn));
  if (r.kind === "date" && l.kind !== "date") l = coerceToDate(l, rawLiteral(ln));
  const compatible = l.kind === r.kind || numericPair(l, r) || (allowNull && (l.kind === "null" || r.kind === "null"));
  if (!compatible) fail(`a comparison of ${l.kind} with ${r.kind}`);
  return [l, r];
}

function equality(negate: boolean): Handler {
  return (node, translate) => {
    const [l, r] = operands(node, translate, true);
    if (l.nulls !== "null" && r.nulls !== "null") {
      return { sql: `(${l.sql} ${negate ? "<>" : "="} ${r.sql})`, kind: "bool", nulls: errorIfAnyNull(l, r) };
    }
    // CEL: null == null is true, null == value is false — SQL's IS NOT DISTINCT FROM.
    const [a, b] = l.kind === "null" ? [r, l] : [l, r];
    const test =
      b.kind === "null" ? `(${a.sql} IS ${negate ? "NOT " : ""}NULL)` : `(${a.sql} IS ${negate ? "" : "NOT "}DISTINCT FROM ${b.sql})`;
    const errors = [a, b].filter((v) => v.nulls === "error");
    if (errors.length === 0) return { sql: test, kind: "bool", nulls: "never" };
    // A side whose NULL means an error makes the comparison an error, not false.
    const guard = errors.map((v) => `${v.sql} IS NULL`).join(" OR ");
    return { sql: `(CASE WHEN ${guard} THEN NULL ELSE ${test} END)`, kind: "bool", nulls: "error" };
  };
}

function ordering(op: string): Handler {
  return (node, translate) => {
    const [l, r] = operands(node, translate, false);
    // CEL orders strings by code point; the "C" collation orders UTF-8 by byte, which agrees.
    const collate = l.kind === "string" ? ' COLLATE "C"' : "";
    return { sql: `(${l.sql}${collate} ${op} ${r.sql})`, kind: "bool", nulls: errorIfAnyNull(l, r) };
  };
}

function logical(op: "AND" | "OR"): Handler {
  return (node, translate) => {
    const [l, r] = pair(node).map(translate) as [SqlValue, SqlValue];
    if (l.kind !== "bool" || r.kind !== "bool") fail(`${op} over non-boolean operands`);
    return { sql: `(${l.sql} ${op} ${r.sql})`, kind: "bool", nulls: errorIfAnyNull(l, r) };
  };
}

const asBigint = (v: SqlValue) => (v.kind === "int" ? `${v.sql}::bigint` : v.sql);

/** Numbers CEL compares with each other: int with double (CEL's cross-type comparison), decimal with int or decimal; never decimal with double. */
function numericPair(l: SqlValue, r: SqlValue): boolean {
  const kinds = new Set([l.kind, r.kind]);
  if (kinds.has("decimal")) return [...kinds].every((k) => k === "decimal" || k === "int");
  return [...kinds].every((k) => k === "int" || k === "double");
}

function arithmetic(op: "+" | "-" | "*" | "/" | "%"): Handler {
  return (node, translate) => {
    const [ln, rn] = pair(node);
    const l = translate(ln);
    const r = translate(rn);
    if (op === "+" && l.kind === "string" && r.kind === "string")
      return { sql: `(${l.sql} || ${r.sql})`, kind: "string", nulls: errorIfAnyNull(l, r) };
    if (l.kind === "decimal" || r.kind === "decimal") {
      // numeric + - * is exact, as the CEL decimal is; an int operand joins as a bigint. CEL
      // decimals have no / or % (the checker refuses them), so neither is translated.
      if (op === "/" || op === "%" || !numericPair(l, r)) fail(`${op} over ${l.kind} and ${r.kind}`);
      return { sql: `(${asBigint(l)} ${op} ${asBigint(r)})`, kind: "decimal", nulls: errorIfAnyNull(l, r) };
    }
    if (!(l.kind === r.kind && (l.kind === "int" || l.kind === "double"))) fail(`${op} over ${l.kind} and ${r.kind}`);
    if (l.kind === "int") {
      // CEL int is 64-bit: compute in bigint. Division by zero is a CEL error: NULLIF makes it NULL.
      const right = op === "/" || op === "%" ? `NULLIF(${asBigint(r)}, 0)` : asBigint(r);
      return { sql: `(${asBigint(l)} ${op} ${right})`, kind: "int", nulls: op === "/" || op === "%" ? "error" : errorIfAnyNull(l, r) };
    }
    if (op === "%") fail("% over doubles");
    if (op === "/") {
      // CEL gives ±Infinity or NaN for a double divided by zero; SQL raises. Only a non-zero literal divisor is the same in both.
      const divisor = rawLiteral(rn);
      if (typeof divisor !== "number" || divisor === 0) fail("a double division by something other than a non-zero literal");
    }
    return { sql: `(${l.sql} ${op} ${r.sql})`, kind: "double", nulls: errorIfAnyNull(l, r) };
  };
}

const negate: Handler = (node, translate) => {
  const v = translate(node.args as CelNode);
  if (v.kind !== "int" && v.kind !== "double" && v.kind !== "decimal") fail(`unary minus over ${v.kind}`);
  return { sql: `(- ${asBigint(v)})`, kind: v.kind, nulls: errorIfAnyNull(v) };
};

const not: Handler = (node, translate) => {
  const v = translate(node.args as CelNode);
  if (v.kind !== "bool") fail(`! over ${v.kind}`);
  return { sql: `(NOT ${v.sql})`, kind: "bool", nulls: errorIfAnyNull(v) };
};

const membership: Handler = (node, translate) => {
  const [xn, listNode] = pair(node);
  const x = translate(xn);
  if (listNode.op !== "list") fail("`in` over something other than a list literal");
  const items = (listNode.args as CelNode[]).map((item) => {
    if (item.op !== "value" || item.args === null) fail("`in` over a list with other than non-null literals");
    const raw = item.args;
    const value = translate(item);
    return x.kind === "date" ? coerceToDate(value, raw) : value;
  });
  if (items.some((i) => i.kind !== x.kind)) fail("`in` over a list whose items differ in type from the value");
  if (items.length === 0)
    return {
      sql: x.nulls === "error" ? `(CASE WHEN ${x.sql} IS NULL THEN NULL ELSE false END)` : "false",
      kind: "bool",
      nulls: x.nulls === "error" ? "error" : "never",
    };
  const test = `(${x.sql} IN (${items.map((i) => i.sql).join(", ")}))`;
  // CEL: null in [..] is false (membership is equality); SQL gives NULL. An error stays NULL.
  if (x.nulls === "null") return { sql: `COALESCE(${test}, false)`, kind: "bool", nulls: "never" };
  return { sql: test, kind: "bool", nulls: x.nulls };
};

function size(target: SqlValue): SqlValue {
  if (target.kind !== "string") fail(`size() of ${target.kind}`);
  return { sql: `char_length(${target.sql})`, kind: "int", nulls: errorIfAnyNull(target) };
}

function matches(target: SqlValue, patternNode: CelNode | undefined): SqlValue {
  if (target.kind !== "string") fail(`matches() on ${target.kind}`);
  const pattern = patternNode ? rawLiteral(patternNode) : undefined;
  if (typeof pattern !== "string") fail("matches() with a pattern that is not a string literal");
  const translated = translateRegex(pattern);
  if (!translated.ok) fail(`matches() pattern: ${translated.reason}`);
  return { sql: `(${target.sql} ~ ${quoteLiteral(translated.are)})`, kind: "bool", nulls: errorIfAnyNull(target) };
}

/** `size(x)`, `matches(x, p)`, and the decimal functions of ./decimal-calls.ts */
const globalCall: Handler = (node, translate) => {
  const [name, args] = node.args as [string, CelNode[]];
  if (name === "size" && args.length === 1) return size(translate(args[0]!));
  if (name === "matches" && args.length === 2) return matches(translate(args[0]!), args[1]);
  const decimal = decimalCall(name, args, translate);
  if (decimal) return decimal;
  return fail(`the function ${name}() is outside the SQL subset`);
};

/** `x.size()`, `x.matches(p)` */
const receiverCall: Handler = (node, translate) => {
  const [name, receiver, args] = node.args as [string, CelNode, CelNode[]];
  if (name === "size" && args.length === 0) return size(translate(receiver));
  if (name === "matches" && args.length === 1) return matches(translate(receiver), args[0]);
  return fail(`the method ${name}() is outside the SQL subset`);
};

export const OPERATORS: Readonly<Record<string, Handler>> = {
  "==": equality(false),
  "!=": equality(true),
  "<": ordering("<"),
  "<=": ordering("<="),
  ">": ordering(">"),
  ">=": ordering(">="),
  "&&": logical("AND"),
  "||": logical("OR"),
  "!_": not,
  "-_": negate,
  "+": arithmetic("+"),
  "-": arithmetic("-"),
  "*": arithmetic("*"),
  "/": arithmetic("/"),
  "%": arithmetic("%"),
  in: membership,
  call: globalCall,
  rcall: receiverCall,
};
