/**
 * Graph algorithms shared by the flow checks (loader/check/flow-graph.ts) and the flow compiler
 * (compiler/flow/): one topological order and one notion of "runs before", so the checker and the
 * compiled plan never disagree about which node comes first or what a node can see.
 */
import type graphlib from "graphlib";

/**
 * Kahn's algorithm; among nodes ready at the same time the lowest `rank` goes first (declaration
 * order for flow nodes), so the order is stable for a given spec. Nodes on cycles go last.
 */
export function topologicalOrder(graph: graphlib.Graph, rank: (id: string) => number): string[] {
  const byRank = (a: string, b: string) => rank(a) - rank(b);
  const indegree = new Map(graph.nodes().map((n) => [n, new Set(graph.predecessors(n) ?? []).size]));
  const ready = graph
    .nodes()
    .filter((n) => indegree.get(n) === 0)
    .sort(byRank);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of new Set(graph.successors(id) ?? [])) {
      indegree.set(next, indegree.get(next)! - 1);
      if (indegree.get(next) === 0) {
        ready.push(next);
        ready.sort(byRank);
      }
    }
  }
  const placed = new Set(order);
  const rest = graph
    .nodes()
    .filter((n) => !placed.has(n))
    .sort(byRank);
  return [...order, ...rest];
}

/** For each node, every node with a path to it (the nodes that always or possibly run before it). */
export function ancestorSets(graph: graphlib.Graph): Map<string, Set<string>> {
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string, stack: Set<string>): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const found = new Set<string>();
    stack.add(id);
    for (const p of graph.predecessors(id) ?? []) {
      if (stack.has(p)) continue; // a cycle, reported by the checks
      found.add(p);
      for (const a of ancestorsOf(p, stack)) found.add(a);
    }
    stack.delete(id);
    ancestors.set(id, found);
    return found;
  };
  for (const id of graph.nodes()) ancestorsOf(id, new Set());
  return ancestors;
}
