/**
 * CEL invariant → SQL boolean expression for a CHECK constraint, over the subset the spec names:
 * comparisons, arithmetic, `&&`, `||`, `!`, `in` lists, `size()`, null checks, `matches()`.
 * Anything else is reported as untranslatable with a reason; the compiler then marks the
 * invariant executor-enforced. See docs/schema.md for the null semantics.
 */
import type { CelNode } from "../../../language/cel-syntax";
import { literal, variable } from "./literals";
import { Untranslatable, fail, type RowVariable, type SqlValue } from "./sql-value";
import { OPERATORS, type Translate } from "./operators";

export type Translation = { ok: true; sql: string } | { ok: false; reason: string };

export function translateInvariant(ast: CelNode, row: ReadonlyMap<string, RowVariable>): Translation {
  try {
    const value = translateNode(ast, row);
    if (value.kind !== "bool") return { ok: false, reason: "the rule is not a boolean" };
    // A CHECK passes on NULL; CEL accepts only true. NULL here means a CEL error: refuse it.
    return { ok: true, sql: value.nulls === "never" ? value.sql : `((${value.sql}) IS TRUE)` };
  } catch (error) {
    if (error instanceof Untranslatable) return { ok: false, reason: error.message };
    throw error;
  }
}

export function translateNode(node: CelNode, row: ReadonlyMap<string, RowVariable>): SqlValue {
  const recurse: Translate = (n) => translateNode(n, row);
  if (node.op === "value") return literal(node.args);
  if (node.op === "id") return variable(String(node.args), row);
  const handler = OPERATORS[node.op];
  if (!handler) return fail(`the operator ${node.op} is outside the SQL subset`);
  return handler(node, recurse);
}
