/** `sql`: the escape hatch — the spec's query as written, its params from CEL, always as parameters. */
import { fromCel, toCel } from "../cel/values";
import type { NodeHandler } from "./handler";

export const runSql: NodeHandler<"sql"> = async (node, spec, ctx) => {
  const params = (spec.params ?? []).map((expression, i) => {
    const value = fromCel(ctx.evaluate(node, `params.${i}`, expression));
    return value !== null && typeof value === "object" ? JSON.stringify(value) : value;
  });
  const rows = await ctx.query(node, { text: spec.query, values: params });
  if (spec.mode === "write") ctx.wrote(node, "(sql)", "update", []);
  return toCel(rows, "list<map<string, dyn>>", ctx.tool.types);
};
