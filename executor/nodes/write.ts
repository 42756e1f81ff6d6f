/**
 * `write`: create, update, transition and delete through the CRUD builders (values only as
 * parameters). The output is the row written, or the list when the where does not pin one row
 * (as the checker typed it). A where pinned to one row that matches none is 404; with the plan's
 * optimistic version check it is 409 (the row changed since it was read); a transition of that row
 * from a state the machine does not list (itself included) is 422 INVALID_TRANSITION.
 */
import {
  deleteWhereStatement,
  insertStatement,
  listStatement,
  statusRowName,
  transitionSources,
  updateWhereStatement,
  type Filter,
} from "../../compiler/schema/crud";
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
    // The locks and the insert leave together: the insert, queued behind the locks on the server,
    // runs once they are held, and is refused with them when one is (the lock's error is thrown).
    const locks = lockOverlapKeys(ctx, node, entity, values);
    const inserted = ctx.query(node, insertStatement(entity.table, values));
    const settled = await Promise.allSettled([...locks, inserted]);
    const refused = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (refused) throw refused.reason;
    const rows = await inserted;
    ctx.wrote(node, spec.entity, "create", rows);
    return rowToCel(rows[0]!, spec.entity, ctx.tool.types);
  }
  const { filters: where, empty } = selection(ctx, node, entity, spec.where);
  const unique = whereIsUnique(entity.spec, spec.where);
  const filters = [...where];
  const versionFilter = versionCheck(ctx, node);
  if (versionFilter) filters.push(versionFilter);
  // A transition of one row admits only the states it may leave for `to`, in the UPDATE itself:
  // the state is judged on the row the statement locks (a racer blocked behind another
  // transition re-checks the committed row), so of two identical transitions only one can pass,
  // and a self-transition the machine does not list is refused like any other. The guard trigger
  // refuses the rest; a write over many rows stays all-or-nothing there (docs/schema.md).
  const to = spec.action === "transition" ? spec.to : undefined;
  const sources = to !== undefined && unique ? transitionSources(entity.table, to) : undefined;
  if (sources) filters.push({ field: statusRowName(entity.table), op: "in", value: sources });
  const statement =
    spec.action === "delete" ? deleteWhereStatement(entity.table, filters) : updateWhereStatement(entity.table, filters, values, to);
  const rows = empty ? [] : await ctx.query(node, statement);
  ctx.wrote(node, spec.entity, spec.action, rows);
  if (!unique) return rows.map((row) => rowToCel(row, spec.entity, ctx.tool.types));
  const row = rows[0];
  if (!row) {
    const found = sources && !empty ? await whyNoRow(ctx, node, entity, where) : undefined;
    if (versionFilter && (!found || Number(found.version) !== Number(versionFilter.value))) {
      throw FlowError.from(
        ToolError.of("CONFLICT", `${spec.entity} changed since "${node.versionCheck!.node}" read it; retry the request`, [
          { message: "the row's version moved on", node: node.id, entity: spec.entity },
        ]),
        "conflict",
      );
    }
    if (found && sources && to !== undefined) {
      const from = String(found[statusRowName(entity.table)]);
      if (!sources.includes(from)) throw invalidTransition(entity, from, to, node.id);
      // Only under READ COMMITTED: the row entered a state it may leave between the UPDATE and
      // this read (each statement takes a new snapshot). Nothing was written; a retry decides.
      throw FlowError.from(
        ToolError.of("CONFLICT", `${spec.entity} changed while write "${node.id}" ran; retry the request`, [
          { message: "the row's status moved on", node: node.id, entity: spec.entity },
        ]),
        "conflict",
      );
    }
    throw ToolError.of("NOT_FOUND", `no ${spec.entity} matches (write "${node.id}")`, [
      { message: `no ${spec.entity} row matches the where of write "${node.id}"`, node: node.id, entity: spec.entity },
    ]);
  }
  return rowToCel(row, spec.entity, ctx.tool.types);
};

/**
 * The refusal of a status change the machine does not list, worded as the guard trigger words
 * it and with the rule buildRefusalIndex (invoke/database-errors.ts) gives the guard's
 * `__transition` check, so the caller sees one error whichever of the two refused.
 */
function invalidTransition(entity: EntityRuntime, from: string, to: string, node: string): FlowError {
  const message = `${entity.spec.name}: no transition from ${from} to ${to}`;
  return FlowError.from(
    ToolError.of("INVALID_TRANSITION", message, [
      { message, node, entity: entity.spec.name, rule: `status ${statusRowName(entity.table)}: transitions` },
    ]),
    "permanent",
  );
}

/**
 * After a one-row transition updated nothing: is there no such row (404), or is it in a state it
 * may not leave for `to` (422)? Read in the same transaction with FOR SHARE, so the answer is the
 * latest committed row and stays true until this transaction ends (a racer still holding the row
 * is waited for, as the UPDATE waited). The version filter is left out: a moved version is judged
 * by the caller, on the row this read returns.
 */
async function whyNoRow(
  ctx: NodeContext,
  node: PlanNode,
  entity: EntityRuntime,
  where: readonly Filter[],
): Promise<Record<string, unknown> | undefined> {
  const rows = await ctx.query(node, listStatement(entity.table, { where, limit: 1, lock: "share" }));
  return rows[0];
}

function setValues(ctx: NodeContext, node: PlanNode, spec: NodeOfType<"write">, entity: EntityRuntime): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(spec.set ?? {})) {
    const field = rowNameOf(entity.spec, name);
    values[field] = toStoredParam(
      ctx.evaluate(node, `set.${name}`, expression),
      columnOf(entity.table, field),
      `flow.${node.id}.set.${name}`,
    );
  }
  return values;
}

/**
 * PostgreSQL checks an exclusion constraint after inserting the index entry, so two concurrent
 * inserts of overlapping rows wait for each other: a deadlock, found only after deadlock_timeout
 * and reported as 40P01 instead of the noOverlap rule (execIndexing.c says so). Inserts into the
 * same `per` group therefore queue on a transaction-level advisory lock first; the next one then
 * meets the committed row and gets the rule's own 23P01 → 409 at once. The locks are issued, not
 * awaited: the caller sends the insert behind them.
 */
function lockOverlapKeys(ctx: NodeContext, node: PlanNode, entity: EntityRuntime, values: Record<string, unknown>): Promise<unknown>[] {
  return (entity.spec.noOverlap ?? []).map((rule) => {
    const group = JSON.stringify((rule.per ?? []).map((name) => values[rowNameOf(entity.spec, name)] ?? null));
    return ctx.query(node, {
      text: "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
      values: [`${entity.table.name}.${rule.name}`, group],
    });
  });
}

function versionCheck(ctx: NodeContext, node: PlanNode): Filter | undefined {
  if (!node.versionCheck) return undefined;
  const version = ctx.evaluate(node, "versionCheck", `nodes.${node.versionCheck.node}.version`);
  return {
    field: "version",
    op: "eq",
    value: toParam(version, { name: "version", rowName: "version", type: "integer", nullable: false, origin: { kind: "system" } }),
  };
}
