/**
 * A node's `where` (field: CEL, or {eq, ne, lt, lte, gt, gte, in: CEL}) → the CRUD builders'
 * filters, values evaluated in CEL and converted per column. An equality with a value the column
 * can never hold (a non-UUID id) means "no row" without asking the database.
 */
import type { PlanNode } from "../../compiler/flow/plan";
import type { Filter, FilterOp } from "../../compiler/schema/crud";
import { COMPARISON_OPERATORS } from "../../language/node-kinds";
import type { WhereSpec } from "../../language/nodes";
import type { EntityRuntime } from "../app/runtime-app";
import { columnOf, comparable, rowNameOf, toParam } from "./db-values";
import type { NodeContext } from "./node-context";

export interface Selection {
  filters: Filter[];
  /** True when some filter can match no row (the statement need not run). */
  empty: boolean;
}

export function selection(ctx: NodeContext, node: PlanNode, entity: EntityRuntime, where: WhereSpec | undefined): Selection {
  const filters: Filter[] = [];
  let empty = false;
  for (const [name, condition] of Object.entries(where ?? {})) {
    const field = rowNameOf(entity.spec, name);
    const column = columnOf(entity.table, field);
    const comparisons: [FilterOp, string][] =
      typeof condition === "string"
        ? [["eq", condition]]
        : COMPARISON_OPERATORS.filter((op) => condition[op] !== undefined).map((op) => [op, condition[op]!]);
    for (const [op, expression] of comparisons) {
      const value = ctx.evaluate(node, `where.${name}${typeof condition === "string" ? "" : `.${op}`}`, expression);
      if (op === "in") {
        const list = (Array.isArray(value) ? value : []).map((v) => toParam(v, column)).filter((v) => comparable(v, column));
        if (list.length === 0) empty = true;
        filters.push({ field, op, value: list });
        continue;
      }
      const param = toParam(value, column);
      if (op === "eq" && !comparable(param, column)) empty = true;
      filters.push({ field, op, value: param });
    }
  }
  return { filters, empty };
}
