/**
 * `write`: create, update, transition and delete through the CRUD builders (values only as
 * parameters). The output is the row written, or the list when the where does not pin one row
 * (as the checker typed it). A where pinned to one row that matches none is 404; with the plan's
 * optimistic version check it is 409 (the row changed since it was read).
 */
import { deleteWhereStatement, insertStatement, updateWhereStatement, type Filter } from "../../compiler/schema/crud";
import { whereIsUnique } from "../../language/keys";
import { ToolError } from "../errors/catalogue";
import { FlowError } from "../errors/flow-error";
import { columnOf, rowNameOf, rowToCel, toParam, toStoredParam } from "./db-values";
import type { NodeHandler } from "./handler";
import type { NodeContext } from "./node-context";
import type { PlanNode } from "../../compiler/flow/plan";
import type { NodeOfType } from "../../language/nodes";
import type { EntityRuntime } from "../app/runtime-app";
import { selection } from "./where";

export const runWrite: NodeHandler<"write"> = async (node, spec, ctx) => {
  const entity = ctx.entity(spec.entity);
  const values = setValues(ctx, node, spec, entity);
  if (spec.action === "create") {
    await lockOverlapKeys(ctx, node, entity, values);
    const rows = await ctx.query(node, insertStatement(entity.table, values));
    ctx.wrote(node, spec.entity, "create", rows);
    return rowToCel(rows[0]!, spec.entity, ctx.tool.types);
  }
  const { filters, empty } = selection(ctx, node, entity, spec.where);
  const versionFilter = versionCheck(ctx, node);
  if (versionFilter) filters.push(versionFilter);
  const statement = spec.action === "delete" ? deleteWhereStatement(entity.table, filters) : updateWhereStatement(entity.table, filters, values, spec.action === "transition" ? spec.to : undefined);
  const rows = empty ? [] : await ctx.query(node, statement);
  ctx.wrote(node, spec.entity, spec.action, rows);
  if (!whereIsUnique(entity.spec, spec.where)) return rows.map((row) => rowToCel(row, spec.entity, ctx.tool.types));
  const row = rows[0];
  if (!row) {
    if (versionFilter) {
      throw FlowError.from(ToolError.of("CONFLICT", `${spec.entity} changed since "${node.versionCheck!.node}" read it; retry the request`, [{ message: "the row's version moved on", node: node.id, entity: spec.entity }]), "conflict");
    }
    throw ToolError.of("NOT_FOUND", `no ${spec.entity} matches (write "${node.id}")`, [{ message: `no ${spec.entity} row matches the where of write "${node.id}"`, node: node.id, entity: spec.entity }]);
  }
  return rowToCel(row, spec.entity, ctx.tool.types);
};

function setValues(ctx: NodeContext, node: PlanNode, spec: NodeOfType<"write">, entity: EntityRuntime): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(spec.set ?? {})) {
    const field = rowNameOf(entity.spec, name);
    values[field] = toStoredParam(ctx.evaluate(node, `set.${name}`, expression), columnOf(entity.table, field), `flow.${node.id}.set.${name}`);
  }
  return values;
}

/**
 * PostgreSQL checks an exclusion constraint after inserting the index entry, so two concurrent
 * inserts of overlapping rows wait for each other: a deadlock, found only after deadlock_timeout
 * and reported as 40P01 instead of the noOverlap rule (execIndexing.c says so). Inserts into the
 * same `per` group therefore queue on a transaction-level advisory lock first; the next one then
 * meets the committed row and gets the rule's own 23P01 → 409 at once.
 */
async function lockOverlapKeys(ctx: NodeContext, node: PlanNode, entity: EntityRuntime, values: Record<string, unknown>): Promise<void> {
  for (const rule of entity.spec.noOverlap ?? []) {
    const group = JSON.stringify((rule.per ?? []).map((name) => values[rowNameOf(entity.spec, name)] ?? null));
    await ctx.query(node, { text: "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", values: [`${entity.table.name}.${rule.name}`, group] });
  }
}

function versionCheck(ctx: NodeContext, node: PlanNode): Filter | undefined {
  if (!node.versionCheck) return undefined;
  const version = ctx.evaluate(node, "versionCheck", `nodes.${node.versionCheck.node}.version`);
  return { field: "version", op: "eq", value: toParam(version, { name: "version", rowName: "version", type: "integer", nullable: false, origin: { kind: "system" } }) };
}
