/**
 * Checks of Tool documents: trigger and input agree, references resolve, every CEL expression
 * type-checks against what it can see at its place in the flow.
 */
import type { Environment } from "@marcbachmann/cel-js";
import type { Diagnostic } from "../diagnostics";
import type { EntitySpec } from "../../language/entity";
import type { FlowNodeSpec, NodeOfType, NodeType } from "../../language/nodes";
import { COMPARISON_OPERATORS } from "../../language/node-kinds";
import type { ToolSpec } from "../../language/tool";
import type { Located, SpecSet } from "../model";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { didYouMean } from "../suggest";
import { whereIsUnique } from "../../language/keys";
import { checkExpression } from "../cel/check-expression";
import { createToolEnvironment, withRowTypes } from "../cel/environment";
import { celTypeOfField, rowFields, rowTypeName, type CelTypeName } from "../cel/types";
import { checkFlowGraph, type FlowShape } from "./flow-graph";
import { checkTrigger } from "./triggers";
import { AFTER_COMMIT_RESULT_HINT, afterCommitResultMessage, checkAfterCommitNode, runsAfterCommit } from "./after-commit";

export function checkTool(entry: Located<ToolSpec>, specs: SpecSet, loaderBase: Environment, out: Diagnostic[]): void {
  const { spec: tool, doc } = entry;
  const base = withRowTypes(loaderBase, entitiesUsedBy(tool, specs));
  const report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string) =>
    out.push({ ...doc.locate(path), code, message, ...(expected ? { expected } : {}) });

  checkTrigger(tool, doc, out);
  if (tool.auth?.public && tool.auth.roles)
    report("FS006", ["auth"], `auth takes roles or public: true, not both`, "{ roles: [...] } or { public: true }");

  const inputTypes = Object.fromEntries(Object.entries(tool.input ?? {}).map(([n, f]) => [n, celTypeOfField(f)]));
  const preFlowEnv = createToolEnvironment(base, { input: inputTypes });
  tool.policies?.forEach((name, i) => {
    const policy = specs.policies.get(name);
    if (!policy)
      return specs.invalidNames.has(name)
        ? undefined
        : report("FS015", ["policies", i], `unknown policy "${name}"${didYouMean(name, specs.policies.keys())}`);
    // Tool policies run at step 4, before any node: they see input and caller only.
    const scratch: Diagnostic[] = [];
    const checked = checkExpression(preFlowEnv, policy.spec.rule, policy.doc, ["rule"], scratch, "bool");
    if (/\bnodes\b/.test(policy.spec.rule) && !checked.ok) {
      report(
        "FS027",
        ["policies", i],
        `policy "${name}" reads nodes, but tool policies run before any node; use a policyCheck node in the flow`,
      );
    } else {
      for (const d of scratch) out.push({ ...d, message: `${d.message} (as used by tool ${tool.name})` });
    }
  });

  tool.acknowledge?.forEach((ack, i) => {
    if (ack.rule.startsWith("R"))
      report(
        "FS028",
        ["acknowledge", i, "rule"],
        `${ack.rule} is a Red rule; Red findings cannot be acknowledged, only fixed`,
        "a Yellow rule id (Y…)",
      );
    if (ack.node !== undefined && !tool.flow.nodes.some((n) => n.id === ack.node)) {
      report(
        "FS028",
        ["acknowledge", i, "node"],
        `acknowledgment names unknown node "${ack.node}"${didYouMean(
          ack.node,
          tool.flow.nodes.map((n) => n.id),
        )}`,
      );
    }
  });

  const shape = checkFlowGraph(tool, doc, out);
  const context: NodeContext = { tool, doc, specs, report, out, base, inputTypes, shape, outputs: new Map() };
  inferOutputs(context);
  const fullEnv = toolEnvironment(context);
  for (const [id, node] of shape.nodes) {
    checkNode(context, fullEnv, node, shape.indexOf.get(id)!);
    checkAfterCommitNode(node, ["flow", "nodes", shape.indexOf.get(id)!], report);
  }
  tool.flow.nodes.forEach((node, i) => {
    if (node.type === "transaction" || node.type === "retry") checkScopeNode(context, node, i);
  });
  if (tool.output !== undefined) {
    const checked = checkExpression(fullEnv, tool.output, doc, ["output"], out);
    reportAfterCommitReads(context, "output", ["output"], checked.nodeRefs);
  }
  if (tool.trigger.webhook?.eventId !== undefined)
    checkExpression(preFlowEnv, tool.trigger.webhook.eventId, doc, ["trigger", "webhook", "eventId"], out, "string");
}

/**
 * The environments checkTool type-checks a tool's expressions in, for the executor to evaluate
 * with: `preFlow` (input, caller, now: tool policies and the webhook's eventId) and `flow` (also
 * nodes and secrets: every node expression and the output). Same construction, so checking and
 * running never disagree.
 */
export function toolEnvironments(
  entry: Located<ToolSpec>,
  specs: SpecSet,
  loaderBase: Environment,
): { preFlow: Environment; flow: Environment; inputTypes: Record<string, CelTypeName>; outputs: ReadonlyMap<string, CelTypeName> } {
  const tool = entry.spec;
  const base = withRowTypes(loaderBase, entitiesUsedBy(tool, specs));
  const inputTypes = Object.fromEntries(Object.entries(tool.input ?? {}).map(([n, f]) => [n, celTypeOfField(f)]));
  const shape = checkFlowGraph(tool, entry.doc, []);
  const context: NodeContext = {
    tool,
    doc: entry.doc,
    specs,
    report: () => undefined,
    out: [],
    base,
    inputTypes,
    shape,
    outputs: new Map(),
  };
  inferOutputs(context);
  return {
    preFlow: createToolEnvironment(base, { input: inputTypes }),
    flow: toolEnvironment(context),
    inputTypes,
    outputs: context.outputs,
  };
}

/** The entities whose rows the tool's read and write nodes output (their row types must be declared). */
function entitiesUsedBy(tool: ToolSpec, specs: SpecSet): EntitySpec[] {
  const names = new Set(tool.flow.nodes.flatMap((n) => (n.type === "read" || n.type === "write" ? [n.entity] : [])));
  return [...names].flatMap((name) => specs.entities.get(name)?.spec ?? []);
}

interface NodeContext {
  tool: ToolSpec;
  doc: SourceDocument;
  specs: SpecSet;
  report: (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string) => void;
  out: Diagnostic[];
  base: Environment;
  inputTypes: Record<string, CelTypeName>;
  shape: FlowShape;
  /** Output type of each node that has one. */
  outputs: Map<string, CelTypeName>;
}

function toolEnvironment(ctx: NodeContext): Environment {
  const secrets = new Set(ctx.tool.secrets ?? []);
  return createToolEnvironment(ctx.base, { input: ctx.inputTypes, nodes: Object.fromEntries(ctx.outputs), secrets: [...secrets] });
}

/** Output types, in flow order so a transform's type can come from the nodes before it. */
function inferOutputs(ctx: NodeContext): void {
  for (const id of ctx.shape.order) {
    const node = ctx.shape.nodes.get(id)!;
    const type = OUTPUT_TYPES[node.type](node as never, ctx);
    if (type) ctx.outputs.set(id, type);
  }
}

const rowOrList = (ctx: NodeContext, entityName: string, single: boolean): CelTypeName | undefined =>
  ctx.specs.entities.has(entityName) ? (single ? rowTypeName(entityName) : `list<${rowTypeName(entityName)}>`) : "dyn";

const OUTPUT_TYPES: { [T in NodeType]: (node: NodeOfType<T>, ctx: NodeContext) => CelTypeName | undefined } = {
  read: (n, ctx) => rowOrList(ctx, n.entity, n.one === true),
  write: (n, ctx) => {
    const entity = ctx.specs.entities.get(n.entity)?.spec;
    return rowOrList(ctx, n.entity, n.action === "create" || (entity !== undefined && whereIsUnique(entity, n.where)));
  },
  transform: (n, ctx) => {
    // Checked quietly here; checkNode reports its problems once, against the full environment.
    const result = checkExpression(toolEnvironment(ctx), n.value, ctx.doc, [], []);
    return result.ok && result.type && !/^(list|map)$/.test(result.type) ? result.type : "dyn";
  },
  if: () => "bool",
  switch: (n, ctx) => {
    const result = checkExpression(toolEnvironment(ctx), n.value, ctx.doc, [], []);
    return result.ok && result.type ? result.type : "dyn";
  },
  retry: () => undefined,
  transaction: () => undefined,
  payment: () => "tool.Payment",
  email: () => "tool.EmailResult",
  http: () => "tool.HttpResponse",
  policyCheck: () => undefined,
  assert: () => undefined,
  sql: () => "list<map<string, dyn>>",
};

function checkNode(ctx: NodeContext, env: Environment, node: FlowNodeSpec, index: number): void {
  const path: SpecPath = ["flow", "nodes", index];
  const cel = (key: SpecPath, expression: string, expected?: CelTypeName) => {
    const result = checkExpression(env, expression, ctx.doc, [...path, ...key], ctx.out, expected);
    const visible = ctx.shape.ancestors.get(node.id) ?? new Set<string>();
    reportAfterCommitReads(
      ctx,
      node.id,
      [...path, ...key],
      result.nodeRefs.filter((ref) => visible.has(ref.id)),
    );
    for (const ref of result.nodeRefs) {
      if (!ctx.shape.nodes.has(ref.id) || visible.has(ref.id)) continue;
      ctx.out.push({
        ...ctx.doc.locateInString([...path, ...key], ref.offset),
        code: "FS026",
        ...(ref.id === node.id
          ? { message: `${node.id}: reads nodes.${ref.id}, its own output, which does not exist yet` }
          : {
              message: `${node.id}: reads nodes.${ref.id}, but "${ref.id}" does not run before "${node.id}"`,
              expected: `an edge path from "${ref.id}" to "${node.id}"`,
            }),
      });
    }
  };
  NODE_CHECKS[node.type](node as never, { ctx, env, path, cel });
}

/** What a node's check sees: the tool's context, the full environment, the node's spec path, a CEL check at a key under it. */
interface NodeCheckContext {
  ctx: NodeContext;
  env: Environment;
  path: SpecPath;
  cel: CelAt;
}

/** One check per node type: a new node type does not compile until it has one. */
const NODE_CHECKS: { [T in NodeType]: (node: NodeOfType<T>, at: NodeCheckContext) => void } = {
  read: (node, { ctx, path, cel }) => checkDataNode(ctx, node, path, cel),
  write: (node, { ctx, path, cel }) => checkDataNode(ctx, node, path, cel),
  transform: (node, { cel }) => cel(["value"], node.value),
  if: (node, { cel }) => cel(["condition"], node.condition, "bool"),
  switch: (node, { ctx, path, cel }) => {
    cel(["value"], node.value);
    node.cases.forEach((c, i) => {
      if (node.cases.indexOf(c) !== i) ctx.report("FS020", [...path, "cases", i], `case ${JSON.stringify(c)} is listed twice`);
    });
  },
  payment: (node, { ctx, path, cel }) => {
    if (node.action === "charge") {
      for (const key of ["amount", "currency"] as const)
        if (node[key] === undefined) ctx.report("FS005", path, `payment "${node.id}": a charge needs ${key}`, key);
      if (node.payment !== undefined)
        ctx.report("FS006", [...path, "payment"], `payment "${node.id}": payment names the charge a refund returns; a charge has none`);
    } else {
      if (node.payment === undefined) ctx.report("FS005", path, `payment "${node.id}": a refund needs payment (the charge id)`, "payment");
      if (node.compensate !== undefined)
        ctx.report("FS006", [...path, "compensate"], `payment "${node.id}": compensate applies to charges only`);
    }
    if (node.amount !== undefined) cel(["amount"], node.amount, "int");
    for (const key of ["currency", "customer", "payment", "idempotencyKey"] as const) {
      const value = node[key];
      if (value !== undefined) cel([key], value, key === "customer" ? "dyn<string>" : "string");
    }
  },
  email: (node, { cel }) => {
    for (const key of ["to", "subject", "body"] as const) cel([key], node[key], "string");
  },
  http: (node, { cel }) => {
    cel(["url"], node.url, "string");
    for (const [name, value] of Object.entries(node.headers ?? {})) cel(["headers", name], value, "string");
    if (node.body !== undefined) cel(["body"], node.body);
  },
  policyCheck: (node, { ctx, env, path, cel }) => {
    if ((node.policy === undefined) === (node.rule === undefined)) {
      ctx.report("FS006", path, `policyCheck "${node.id}" takes either policy or rule`, "exactly one of policy, rule");
    }
    if (node.rule !== undefined) cel(["rule"], node.rule, "bool");
    if (node.policy !== undefined) {
      const policy = ctx.specs.policies.get(node.policy);
      if (!policy) {
        if (!ctx.specs.invalidNames.has(node.policy))
          ctx.report("FS015", [...path, "policy"], `unknown policy "${node.policy}"${didYouMean(node.policy, ctx.specs.policies.keys())}`);
      } else {
        const scratch: Diagnostic[] = [];
        const result = checkExpression(env, policy.spec.rule, policy.doc, ["rule"], scratch, "bool");
        for (const d of scratch) ctx.out.push({ ...d, message: `${d.message} (as used by ${ctx.tool.name}.${node.id})` });
        const visible = ctx.shape.ancestors.get(node.id) ?? new Set<string>();
        for (const ref of result.nodeRefs) {
          if (ctx.shape.nodes.has(ref.id) && !visible.has(ref.id)) {
            ctx.report(
              "FS026",
              [...path, "policy"],
              `${node.id}: policy "${node.policy}" reads nodes.${ref.id}, but "${ref.id}" does not run before "${node.id}"`,
            );
          }
        }
      }
    }
  },
  assert: (node, { cel }) => cel(["condition"], node.condition, "bool"),
  sql: (node, { cel }) => {
    node.params?.forEach((p, i) => cel(["params", i], p));
  },
  // Scope nodes are checked by checkScopeNode.
  transaction: () => undefined,
  retry: () => undefined,
};

/** FS034 at each read of an after-commit node's result: it does not exist while the flow runs. */
function reportAfterCommitReads(ctx: NodeContext, reader: string, at: SpecPath, refs: readonly { id: string; offset: number }[]): void {
  for (const ref of refs) {
    const target = ctx.shape.nodes.get(ref.id);
    if (!target || !runsAfterCommit(target)) continue;
    ctx.out.push({
      ...ctx.doc.locateInString(at, ref.offset),
      code: "FS034",
      message: afterCommitResultMessage(reader, target),
      expected: AFTER_COMMIT_RESULT_HINT,
    });
  }
}

type CelAt = (key: SpecPath, expression: string, expected?: CelTypeName) => void;

function checkDataNode(ctx: NodeContext, node: NodeOfType<"read" | "write">, path: SpecPath, cel: CelAt): void {
  const located = ctx.specs.entities.get(node.entity);
  if (!located) {
    if (!ctx.specs.invalidNames.has(node.entity)) {
      ctx.report("FS009", [...path, "entity"], `unknown entity "${node.entity}"${didYouMean(node.entity, ctx.specs.entities.keys())}`);
    }
    // Without the entity the columns' types are unknown, but the expressions can still be wrong.
    for (const [name, condition] of Object.entries(node.where ?? {})) {
      if (typeof condition === "string") cel(["where", name], condition);
      else for (const op of COMPARISON_OPERATORS) if (condition[op] !== undefined) cel(["where", name, op], condition[op]);
    }
    if (node.type === "write") for (const [name, value] of Object.entries(node.set ?? {})) cel(["set", name], value);
    return;
  }
  const entity = located.spec;
  const columns = columnTypes(entity);
  const column = (key: SpecPath, name: string): CelTypeName | undefined => {
    const type = columns.get(name);
    // In where and set the column is the key itself (`startDate: ...`): point at it, not its value.
    const at = { ...ctx.doc.locate([...path, ...key], { key: key[0] === "where" || key[0] === "set" }) };
    if (!type)
      ctx.out.push({
        ...at,
        code: "FS010",
        message: `unknown field "${name}" in ${entity.name}${didYouMean(name, columns.keys())}`,
        expected: "a field, belongsTo relationship or system column",
      });
    return type;
  };
  for (const [name, condition] of Object.entries(node.where ?? {})) {
    const type = column(["where", name], name);
    if (typeof condition === "string") cel(["where", name], condition, type);
    else {
      if (Object.keys(condition).length === 0)
        ctx.report("FS006", [...path, "where", name], `where.${name} has no comparison`, COMPARISON_OPERATORS.join(", "));
      for (const op of COMPARISON_OPERATORS) {
        const value = condition[op];
        if (value !== undefined)
          cel(["where", name, op], value, type && (op === "in" ? `list<${type.replace(/^dyn<(.+)>$/, "$1")}>` : type));
      }
    }
  }
  if (node.type === "read") {
    node.orderBy?.forEach((o, i) => column(["orderBy", i, "field"], o.field));
    if (node.one && node.limit !== undefined)
      ctx.report("FS006", [...path, "limit"], `read "${node.id}" has one: true, so limit has no meaning`);
    return;
  }
  checkWrite(ctx, entity, node, path, cel, column);
}

function checkWrite(
  ctx: NodeContext,
  entity: EntitySpec,
  node: NodeOfType<"write">,
  path: SpecPath,
  cel: CelAt,
  column: (key: SpecPath, name: string) => CelTypeName | undefined,
): void {
  const bad = (key: SpecPath, message: string, expected?: string) => {
    // `where`/`set` problems are about the key (the clause, or the field named), not the value.
    const at = ctx.doc.locate([...path, ...key], { key: key[0] === "set" || key[0] === "where" });
    ctx.out.push({ ...at, code: "FS032", message: `write "${node.id}": ${message}`, ...(expected ? { expected } : {}) });
  };
  if (node.action === "transition") {
    if (!entity.status) bad(["action"], `${entity.name} has no status machine to transition`);
    else if (node.to === undefined)
      ctx.report("FS005", path, `write "${node.id}": a transition needs to (the target state)`, entity.status.states.join(", "));
    else if (!entity.status.states.includes(node.to)) {
      ctx.report(
        "FS012",
        [...path, "to"],
        `unknown state "${node.to}" of ${entity.name}${didYouMean(node.to, entity.status.states)}`,
        entity.status.states.join(", "),
      );
    }
  } else if (node.to !== undefined) bad(["to"], `to is for action: transition, not ${node.action}`);
  if (node.action === "create" && node.where !== undefined) bad(["where"], `a create has no where`);
  if ((node.action === "create" || node.action === "update") && node.set === undefined)
    ctx.report("FS005", path, `write "${node.id}": ${node.action} needs set`, "set: { field: CEL }");
  if (node.action === "delete" && node.set !== undefined) bad(["set"], `a delete sets nothing`);
  for (const [name, value] of Object.entries(node.set ?? {})) {
    if (name === "id" || name === "createdAt" || name === "updatedAt" || name === "version") {
      bad(["set", name], `"${name}" is maintained by Fascia and cannot be set`);
      continue;
    }
    const field = Object.hasOwn(entity.fields, name) ? entity.fields[name] : undefined;
    if (node.action !== "create" && field?.immutable) bad(["set", name], `"${name}" is immutable and cannot change after create`);
    cel(["set", name], value, column(["set", name], name));
  }
  if (node.action === "create") {
    const relationships = Object.entries(entity.relationships ?? {});
    const required = [
      ...Object.entries(entity.fields)
        .filter(([, f]) => !f.optional && f.default === undefined)
        .map(([n]) => n),
      ...relationships.filter(([, r]) => r.kind === "belongsTo" && !r.optional).map(([n]) => n),
    ];
    const missing = required.filter((n) => !Object.hasOwn(node.set ?? {}, n));
    if (node.set && missing.length)
      bad(["set"], `create leaves required ${missing.length === 1 ? "field" : "fields"} ${missing.join(", ")} of ${entity.name} unset`);
  }
}

/** The columns a where/set/orderBy may name, with the CEL type of their values. */
function columnTypes(entity: EntitySpec): Map<string, CelTypeName> {
  const row = rowFields(entity);
  const columns = new Map(Object.entries(row));
  for (const [name, rel] of Object.entries(entity.relationships ?? {})) {
    if (rel.kind === "belongsTo") {
      columns.set(name, row[`${name}Id`]!);
      columns.delete(`${name}Id`);
    }
  }
  return columns;
}

function checkScopeNode(ctx: NodeContext, node: NodeOfType<"transaction" | "retry">, index: number): void {
  if (node.type === "retry" && node.policy.maxInterval && node.policy.initialInterval === undefined) {
    ctx.report("FS006", ["flow", "nodes", index, "policy", "maxInterval"], `retry "${node.id}": maxInterval without initialInterval`);
  }
}
