/**
 * The flow as a graph: executable nodes (scopes excluded), labelled edges, declaration order and
 * ancestors. Built once per tool; every later pass of the compiler reads it and none changes it.
 */
import graphlib from "graphlib";
import { ancestorSets } from "../../loader/graph-order";
import { isScopeNode } from "../../language/node-kinds";
import type { FlowNodeSpec, ScopeNode } from "../../language/nodes";
import type { ToolSpec } from "../../language/tool";
import type { PlanEdge } from "./plan";

export type ExecNode = Exclude<FlowNodeSpec, ScopeNode>;

export interface FlowGraph {
  /** Executable nodes by id, in declaration order. */
  readonly nodes: ReadonlyMap<string, ExecNode>;
  readonly scopes: ReadonlyMap<string, ScopeNode>;
  /** Position of every node (scopes included) in `flow.nodes`. */
  readonly declIndex: ReadonlyMap<string, number>;
  readonly edges: readonly PlanEdge[];
  readonly incoming: ReadonlyMap<string, readonly PlanEdge[]>;
  readonly outgoing: ReadonlyMap<string, readonly PlanEdge[]>;
  // No graphlib.Graph here: this type reaches the package's public declarations (through
  // RiskReportJson and the risk engine), and graphlib's types are a devDependency, so a consumer
  // compiling without skipLibCheck would fail on it (TS7016). The graph only serves to compute
  // `ancestors` below and stays inside buildFlowGraph.
  readonly ancestors: ReadonlyMap<string, ReadonlySet<string>>;
}

export function buildFlowGraph(tool: ToolSpec): FlowGraph {
  const nodes = new Map<string, ExecNode>();
  const scopes = new Map<string, ScopeNode>();
  const declIndex = new Map<string, number>();
  tool.flow.nodes.forEach((node, i) => {
    if (declIndex.has(node.id)) return;
    declIndex.set(node.id, i);
    if (isScopeNode(node)) scopes.set(node.id, node);
    else nodes.set(node.id, node);
  });
  // Simple directed graph over executable nodes (parallel labelled edges collapsed).
  const graph = new graphlib.Graph({ directed: true });
  for (const id of nodes.keys()) graph.setNode(id);
  const edges: PlanEdge[] = [];
  const incoming = new Map<string, PlanEdge[]>([...nodes.keys()].map((id) => [id, []]));
  const outgoing = new Map<string, PlanEdge[]>([...nodes.keys()].map((id) => [id, []]));
  for (const edge of tool.flow.edges ?? []) {
    if (!nodes.has(edge.from) || !nodes.has(edge.to)) continue; // the loader reports these
    const planEdge: PlanEdge =
      edge.when === undefined ? { from: edge.from, to: edge.to } : { from: edge.from, to: edge.to, when: edge.when };
    edges.push(planEdge);
    incoming.get(edge.to)!.push(planEdge);
    outgoing.get(edge.from)!.push(planEdge);
    graph.setEdge(edge.from, edge.to);
  }
  return { nodes, scopes, declIndex, edges, incoming, outgoing, ancestors: ancestorSets(graph) };
}

/** Descendants of `id` (nodes reachable from it), computed on demand. */
export function descendantsOf(flow: FlowGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    for (const edge of flow.outgoing.get(stack.pop()!) ?? []) {
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        stack.push(edge.to);
      }
    }
  }
  return seen;
}
