/** `read`: rows through the CRUD list statement, with the plan's row lock; `one` finding nothing is 404. */
import { listStatement } from "../../compiler/schema/crud";
import { ToolError } from "../errors/catalogue";
import { rowToCel } from "./db-values";
import type { NodeHandler } from "./handler";
import { selection } from "./where";

export const runRead: NodeHandler<"read"> = async (node, spec, ctx) => {
  const entity = ctx.entity(spec.entity);
  const { filters, empty } = selection(ctx, node, entity, spec.where);
  const lock = node.lock?.mode ?? spec.lock;
  const rows = empty
    ? []
    : await ctx.query(
        node,
        listStatement(entity.table, {
          where: filters,
          ...(spec.orderBy ? { orderBy: spec.orderBy } : {}),
          ...(spec.one ? { limit: 1 } : spec.limit !== undefined ? { limit: spec.limit } : {}),
          ...(lock ? { lock } : {}),
        }),
      );
  if (spec.one) {
    const row = rows[0];
    if (!row)
      throw ToolError.of("NOT_FOUND", `no ${spec.entity} matches (read "${node.id}")`, [
        { message: `no ${spec.entity} row matches the where of read "${node.id}"`, node: node.id, entity: spec.entity },
      ]);
    return rowToCel(row, spec.entity, ctx.tool.types);
  }
  return rows.map((row) => rowToCel(row, spec.entity, ctx.tool.types));
};
