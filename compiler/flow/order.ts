/**
 * Run order and the step program. Every scope runs as one contiguous block (a transaction begins
 * before its first member and commits after its last, with no outside node in between), so the
 * order is a topological sort of each scope level with the inner scopes contracted to one unit.
 * The loader's contiguity check (no path leaves a scope and comes back) makes each contracted
 * graph acyclic; declaration order breaks ties, so the order is stable for a given spec.
 */
import graphlib from "graphlib";
import { topologicalOrder } from "../../loader/graph-order";
import type { FlowGraph } from "./graph";
import type { PlanStep } from "./plan";
import type { ScopeTree } from "./scopes";

export class FlowCompileError extends Error {}

export interface RunOrder {
  order: string[];
  steps: PlanStep[];
}

export function orderFlow(flow: FlowGraph, tree: ScopeTree): RunOrder {
  const steps: PlanStep[] = [];
  const unitOf = (node: string, level: string | null): string => {
    // The child scope of `level` containing the node, or the node itself.
    const chain = tree.enclosing.get(node) ?? [];
    const at = level === null ? chain.length : chain.indexOf(level);
    return at > 0 ? chain[at - 1]! : node;
  };
  const rank = (unit: string): number => {
    const scope = tree.scopes.get(unit);
    if (!scope) return flow.declIndex.get(unit)!;
    return Math.min(...[...scope.members].map((m) => flow.declIndex.get(m)!));
  };

  const emitLevel = (level: string | null, members: Iterable<string>) => {
    const units = new graphlib.Graph({ directed: true });
    const memberSet = new Set(members);
    for (const node of memberSet) units.setNode(unitOf(node, level));
    for (const edge of flow.edges) {
      if (!memberSet.has(edge.from) || !memberSet.has(edge.to)) continue;
      const from = unitOf(edge.from, level);
      const to = unitOf(edge.to, level);
      if (from !== to) units.setEdge(from, to);
    }
    if (!graphlib.alg.isAcyclic(units)) {
      throw new FlowCompileError(`scope ${level ?? "(top level)"} is not contiguous: its nodes cannot run as one block`);
    }
    for (const unit of topologicalOrder(units, rank)) {
      const scope = tree.scopes.get(unit);
      if (!scope) {
        steps.push({ op: "run", node: unit });
        continue;
      }
      if (scope.kind === "transaction") steps.push({ op: "begin", transaction: unit });
      else steps.push({ op: "retryStart", scope: unit });
      emitLevel(unit, scope.members);
      if (scope.kind === "transaction") steps.push({ op: "commit", transaction: unit });
      else steps.push({ op: "retryEnd", scope: unit });
    }
  };
  emitLevel(null, flow.nodes.keys());
  const order = steps.flatMap((s) => (s.op === "run" ? [s.node] : []));
  return { order, steps };
}
