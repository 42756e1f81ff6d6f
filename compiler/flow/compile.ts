/**
 * The flow compiler: a loaded, valid Tool → its execution plan, plus the analysis the risk rules
 * read (graph, scopes, which nodes run together). Pure: the spec is never changed.
 */
import { triggerKind } from "../../contracts/routes";
import { durationMs } from "../../language/common";
import type { EntitySpec } from "../../language/entity";
import { effectTiming, EXTERNAL_NODE_TYPES, type NodeType } from "../../language/nodes";
import type { ToolSpec } from "../../language/tool";
import type { SpecSet } from "../../loader/model";
import { branchStructure } from "./branches";
import { chooseConcurrency, type ConcurrencyDecisions } from "./concurrency";
import { buildFlowGraph, type ExecNode, type FlowGraph } from "./graph";
import { orderFlow } from "./order";
import { PLAN_VERSION, type ExecutionPlan, type PlanExternal, type PlanNode, type PlanRetryScope, type PlanTransaction } from "./plan";
import { analyseRuns, type RunAnalysis } from "./runs";
import { buildScopeTree, retryScopesOf, transactionOf, type ScopeTree } from "./scopes";
import { DEFAULT_EXTERNAL_TIMEOUT_MS, DEFAULT_TOOL_TIMEOUT_MS, resolveRetry, retriedBudgetMs } from "./timing";

/** A compiled tool: the plan (serializable) and the analysis behind it (not serialized). */
export interface CompiledTool {
  readonly spec: ToolSpec;
  readonly plan: ExecutionPlan;
  readonly flow: FlowGraph;
  readonly scopes: ScopeTree;
  readonly runs: RunAnalysis;
  readonly entities: ReadonlyMap<string, EntitySpec>;
}

/** Node types with no output (`nodes.<id>` does not exist for them). */
const NO_OUTPUT: ReadonlySet<NodeType> = new Set(["assert", "policyCheck"]);
const EXTERNAL: ReadonlySet<NodeType> = new Set(EXTERNAL_NODE_TYPES);

/** Whether `nodes.<id>` exists during the flow: not for assert/policyCheck, nor for an effect that waits for the commit. */
function hasOutput(node: ExecNode): boolean {
  return !NO_OUTPUT.has(node.type) && !(EXTERNAL.has(node.type) && effectTiming(node) === "afterCommit");
}

export function compileTool(tool: ToolSpec, entities: ReadonlyMap<string, EntitySpec>): CompiledTool {
  const flow = buildFlowGraph(tool);
  const scopes = buildScopeTree(flow);
  const { order, steps } = orderFlow(flow, scopes);
  const runs = analyseRuns(flow, order);
  const concurrency = chooseConcurrency(flow, scopes, order, entities);
  const deadline =
    tool.timeout !== undefined
      ? { ms: durationMs(tool.timeout), source: "tool" as const }
      : { ms: DEFAULT_TOOL_TIMEOUT_MS, source: "default" as const };
  const position = new Map(order.map((id, i) => [id, i]));

  const nodes: Record<string, PlanNode> = {};
  const compensable = order.filter((id) => {
    const n = flow.nodes.get(id)!;
    return n.type === "payment" && n.action === "charge" && n.compensate === "refund";
  });
  for (const id of order) {
    const node = flow.nodes.get(id)!;
    const incoming = [...(flow.incoming.get(id) ?? [])];
    const sees = order.filter((a) => flow.ancestors.get(id)?.has(a) && hasOutput(flow.nodes.get(a)!));
    const planNode: PlanNode = {
      id,
      type: node.type,
      spec: node,
      join: incoming.length === 0 ? "start" : "anyLiveEdge",
      incoming,
      canBeSkipped: runs.canBeSkipped(id),
      transaction: transactionOf(scopes, id),
      retryScopes: retryScopesOf(scopes, id),
      sees,
      maySkip: sees.filter((a) => runs.maySkipWhileRunning(a, id)),
      armed: compensable.filter((c) => position.get(c)! <= position.get(id)! && (c === id || runs.runTogether(c, id))).reverse(),
    };
    const lock = concurrency.locks.get(id);
    if (lock) planNode.lock = lock;
    const versionCheck = concurrency.versionChecks.get(id);
    if (versionCheck) planNode.versionCheck = versionCheck;
    if (EXTERNAL.has(node.type)) planNode.external = externalOf(node, scopes, deadline.ms);
    if (node.type === "payment" && node.action === "charge" && node.compensate === "refund") {
      planNode.compensation = { action: "refund", payment: `nodes.${id}.id` };
    }
    nodes[id] = planNode;
  }

  const plan: ExecutionPlan = {
    planVersion: PLAN_VERSION,
    tool: tool.name,
    trigger: triggerKind(tool),
    deadline,
    idempotency: tool.idempotency ?? "optional",
    order,
    steps,
    nodes,
    edges: [...flow.edges],
    branches: branchStructure(flow, order),
    transactions: transactionsOf(flow, scopes, order, concurrency),
    retryScopes: retryScopesTable(scopes, order),
    concurrency: concurrency.plan,
    output: {
      expression: tool.output ?? null,
      maySkip: order.filter((id) => hasOutput(flow.nodes.get(id)!) && runs.canBeSkipped(id)),
    },
    approximate: runs.approximate,
  };
  return { spec: tool, plan, flow, scopes, runs, entities };
}

export function compileSpecs(specs: SpecSet): CompiledTool[] {
  const entities = new Map([...specs.entities].map(([name, e]) => [name, e.spec]));
  return [...specs.tools.values()].map((t) => compileTool(t.spec, entities));
}

function externalOf(node: ExecNode, scopes: ScopeTree, deadlineMs: number): PlanExternal {
  const own = node.timeout !== undefined;
  const attemptTimeoutMs = own ? durationMs(node.timeout!) : Math.min(DEFAULT_EXTERNAL_TIMEOUT_MS, deadlineMs);
  const retry = "retry" in node && node.retry ? resolveRetry(node.retry) : null;
  let maxAttempts = retry?.maxAttempts ?? 1;
  let budgetMs = retriedBudgetMs(attemptTimeoutMs, retry);
  for (const scopeId of retryScopesOf(scopes, node.id)) {
    const scope = scopes.scopes.get(scopeId)!.node;
    if (scope.type !== "retry") continue;
    const policy = resolveRetry(scope.policy);
    maxAttempts *= policy.maxAttempts;
    budgetMs = retriedBudgetMs(budgetMs, policy);
  }
  const runs = effectTiming(node);
  return { attemptTimeoutMs, timeoutSource: own ? "node" : "default", retry, maxAttempts, budgetMs, runs };
}

function transactionsOf(flow: FlowGraph, scopes: ScopeTree, order: readonly string[], decisions: ConcurrencyDecisions): PlanTransaction[] {
  const result: PlanTransaction[] = [];
  for (const scope of scopes.scopes.values()) {
    if (scope.kind !== "transaction") continue;
    const members = order.filter((id) => scope.members.has(id));
    const iso = decisions.isolation.get(scope.id)!;
    result.push({
      id: scope.id,
      isolation: iso.isolation,
      isolationSource: iso.source,
      members,
      beginsBefore: members[0]!,
      commitsAfter: members[members.length - 1]!,
      writes: members.filter((id) => {
        const n = flow.nodes.get(id)!;
        return n.type === "write" || (n.type === "sql" && n.mode === "write");
      }),
      locks: members.filter((id) => decisions.locks.has(id)),
      conflictRetry: decisions.conflictRetry.get(scope.id) ?? null,
    });
  }
  return result.sort((a, b) => order.indexOf(a.beginsBefore) - order.indexOf(b.beginsBefore));
}

function retryScopesTable(scopes: ScopeTree, order: readonly string[]): PlanRetryScope[] {
  const result: PlanRetryScope[] = [];
  for (const scope of scopes.scopes.values()) {
    if (scope.node.type !== "retry") continue;
    let transaction: string | null = null;
    for (let p = scope.parent; p !== null && transaction === null; p = scopes.scopes.get(p)!.parent) {
      if (scopes.scopes.get(p)!.kind === "transaction") transaction = p;
    }
    result.push({
      id: scope.id,
      policy: resolveRetry(scope.node.policy),
      members: order.filter((id) => scope.members.has(id)),
      transaction,
      savepoint: transaction !== null,
    });
  }
  return result.sort((a, b) => order.indexOf(a.members[0]!) - order.indexOf(b.members[0]!));
}
