/**
 * The structure of a tool's flow: ids, edges, branch labels, cycles, connectivity and scopes.
 * Returns what the expression checks need (which nodes run before which) even when the flow has
 * errors, so one pass reports everything.
 */
import graphlib from "graphlib";
import type { Diagnostic } from "../diagnostics";
import { isScopeNode } from "../../language/node-kinds";
import type { FlowNodeSpec, ScopeNode } from "../../language/nodes";
import type { ToolSpec } from "../../language/tool";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { didYouMean, oneOf } from "../suggest";
import { ancestorSets, topologicalOrder } from "../graph-order";

export interface FlowShape {
  /** Executable nodes (not scopes) by id, first declaration wins. */
  nodes: Map<string, FlowNodeSpec>;
  /** Index of each node in `flow.nodes`, for locating it. */
  indexOf: Map<string, number>;
  /** For each executable node, the nodes that always or possibly run before it. */
  ancestors: Map<string, Set<string>>;
  /** Executable nodes in an order that respects every edge (declaration order breaks ties). */
  order: string[];
}

export function checkFlowGraph(tool: ToolSpec, doc: SourceDocument, out: Diagnostic[]): FlowShape {
  const report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string) =>
    out.push({ ...doc.locate(path), code, message, ...(expected ? { expected } : {}) });
  const all = new Map<string, FlowNodeSpec>();
  const indexOf = new Map<string, number>();
  tool.flow.nodes.forEach((node, i) => {
    if (all.has(node.id)) report("FS017", ["flow", "nodes", i, "id"], `node id "${node.id}" is used twice in tool ${tool.name}`);
    else {
      all.set(node.id, node);
      indexOf.set(node.id, i);
    }
  });
  const nodes = new Map([...all].filter(([, n]) => !isScopeNode(n)));
  const graph = new graphlib.Graph({ directed: true });
  for (const id of nodes.keys()) graph.setNode(id);

  const edges = tool.flow.edges ?? [];
  const edgeKeys = new Set<string>();
  edges.forEach((edge, i) => {
    const path = ["flow", "edges", i];
    let valid = true;
    for (const end of ["from", "to"] as const) {
      const id = edge[end];
      const node = all.get(id);
      if (!node) {
        report("FS016", [...path, end], `edge ${end} unknown node "${id}"${didYouMean(id, all.keys())}`, "a node id of this flow");
        valid = false;
      } else if (isScopeNode(node)) {
        report("FS021", [...path, end], `"${id}" is a ${node.type} scope; edges connect the nodes inside it`);
        valid = false;
      }
    }
    const from = all.get(edge.from);
    if (from && !isScopeNode(from)) checkBranchLabel(from, edge.when, path, report);
    if (!valid) return;
    // The same pair twice is a mistake unless the edges carry different branch labels.
    const key = `${edge.from}\u0000${edge.to}\u0000${JSON.stringify(edge.when)}`;
    // A self-loop is reported with the other cycles below.
    if (edge.from !== edge.to && edgeKeys.has(key)) report("FS020", path, `edge ${edge.from} → ${edge.to} is listed twice`);
    edgeKeys.add(key);
    graph.setEdge(edge.from, edge.to);
  });

  for (const cycle of graphlib.alg.findCycles(graph)) {
    // findCycles lists members in reverse; show them in flow order, starting from the first declared.
    const members = [...cycle].reverse();
    const start = members.indexOf(members.reduce((a, b) => (indexOf.get(a)! <= indexOf.get(b)! ? a : b)));
    const loop = [...members.slice(start), ...members.slice(0, start)];
    const at = edges.findIndex((e) => e.from === loop[0] && e.to === (loop[1] ?? loop[0]));
    report(
      "FS018",
      at >= 0 ? ["flow", "edges", at] : ["flow"],
      `cycle in flow: ${[...loop, loop[0]].join(" → ")}`,
      "a flow without cycles: edges must form a DAG",
    );
  }

  checkConnected(tool, graph, indexOf, report);
  checkScopes(tool, all, graph, indexOf, report);

  const order = topologicalOrder(graph, (id) => indexOf.get(id)!);
  const ancestors = ancestorSets(graph);
  return { nodes, indexOf, ancestors, order };
}

type Report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string) => void;

function checkBranchLabel(from: FlowNodeSpec, when: unknown, path: SpecPath, report: Report): void {
  if (from.type === "if") {
    if (when === undefined) report("FS020", path, `an edge from if "${from.id}" needs when: true or when: false`, "when: true | false");
    else if (typeof when !== "boolean")
      report("FS020", [...path, "when"], `when ${JSON.stringify(when)} on an edge from if "${from.id}"`, "true or false");
  } else if (from.type === "switch") {
    const cases = [...new Set([...from.cases, "default"])];
    if (when === undefined) report("FS020", path, `an edge from switch "${from.id}" needs when: <case> or when: default`, oneOf(cases));
    else if (!cases.some((c) => c === when))
      report(
        "FS020",
        [...path, "when"],
        `when ${JSON.stringify(when)} is not a case of switch "${from.id}"${typeof when === "string" ? didYouMean(when, cases.map(String)) : ""}`,
        oneOf(cases),
      );
  } else if (when !== undefined) {
    report("FS020", [...path, "when"], `only edges from if and switch nodes carry when; "${from.id}" is a ${from.type} node`);
  }
}

/** Every executable node must be connected to the flow's first node; an island is a forgotten edge. */
function checkConnected(tool: ToolSpec, graph: graphlib.Graph, indexOf: Map<string, number>, report: Report): void {
  const components = graphlib.alg.components(graph);
  if (components.length <= 1) return;
  const first = [...graph.nodes()].sort((a, b) => indexOf.get(a)! - indexOf.get(b)!)[0]!;
  for (const component of components) {
    if (component.includes(first)) continue;
    for (const id of component) {
      report(
        "FS019",
        ["flow", "nodes", indexOf.get(id)!],
        `node "${id}" is unreachable: no edge connects it to the flow that starts at "${first}" in tool ${tool.name}`,
        `an edge to or from "${id}"`,
      );
    }
  }
}

function checkScopes(
  tool: ToolSpec,
  all: Map<string, FlowNodeSpec>,
  graph: graphlib.Graph,
  indexOf: Map<string, number>,
  report: Report,
): void {
  const members = new Map<string, Set<string>>(); // scope id -> executable nodes inside, nested scopes expanded
  const expand = (scopeId: string, seen: Set<string>): Set<string> => {
    const cached = members.get(scopeId);
    if (cached) return cached;
    const scope = all.get(scopeId);
    const found = new Set<string>();
    if (!scope || !isScopeNode(scope) || seen.has(scopeId)) return found;
    seen.add(scopeId);
    for (const id of scope.nodes) {
      const node = all.get(id);
      if (!node) continue;
      if (isScopeNode(node)) for (const inner of expand(id, seen)) found.add(inner);
      else found.add(id);
    }
    members.set(scopeId, found);
    return found;
  };

  for (const [scopeId, scope] of all) {
    if (!isScopeNode(scope)) continue;
    const at = indexOf.get(scopeId)!;
    scope.nodes.forEach((id, j) => {
      const node = all.get(id);
      if (!node)
        report(
          "FS016",
          ["flow", "nodes", at, "nodes", j],
          `${scope.type} "${scopeId}" names unknown node "${id}"${didYouMean(id, all.keys())}`,
        );
      else if (id === scopeId) report("FS021", ["flow", "nodes", at, "nodes", j], `${scope.type} "${scopeId}" contains itself`);
      else if (scope.type === "transaction" && node.type === "transaction")
        report(
          "FS021",
          ["flow", "nodes", at, "nodes", j],
          `transaction "${scopeId}" contains transaction "${id}"; PostgreSQL transactions do not nest`,
        );
      if (scope.nodes.indexOf(id) !== j)
        report("FS021", ["flow", "nodes", at, "nodes", j], `${scope.type} "${scopeId}" lists "${id}" twice`);
    });
    const inside = expand(scopeId, new Set());
    if (inside.size === 0) continue;
    // Connected: the members must form one piece using the edges among themselves.
    const sub = new graphlib.Graph({ directed: true });
    for (const id of inside) sub.setNode(id);
    for (const e of graph.edges()) if (inside.has(e.v) && inside.has(e.w)) sub.setEdge(e.v, e.w);
    const pieces = graphlib.alg.components(sub);
    if (pieces.length > 1) {
      const shown = pieces.map((p) => `{${p.sort((a, b) => indexOf.get(a)! - indexOf.get(b)!).join(", ")}}`).join(" and ");
      report(
        "FS021",
        ["flow", "nodes", at, "nodes"],
        `the nodes of ${scope.type} "${scopeId}" are not connected: ${shown}`,
        "nodes joined by edges among themselves",
      );
    }
    // Contiguous: no path may leave the scope and come back into it.
    for (const id of inside) {
      for (const next of graph.successors(id) ?? []) {
        if (inside.has(next)) continue;
        const back = firstReachable(graph, next, inside);
        if (back) {
          report(
            "FS021",
            ["flow", "nodes", at, "nodes"],
            `${scope.type} "${scopeId}" is not contiguous: the path ${id} → ${next} → … → ${back} leaves it and comes back`,
            `"${next}" inside the scope, or no path back into it`,
          );
          return;
        }
      }
    }
  }

  // Scopes of one kind either nest or are disjoint; a node cannot sit in two unrelated scopes.
  const scopeIds = [...members.keys()];
  for (let i = 0; i < scopeIds.length; i++) {
    for (let j = i + 1; j < scopeIds.length; j++) {
      const a = members.get(scopeIds[i]!)!;
      const b = members.get(scopeIds[j]!)!;
      const shared = [...a].filter((x) => b.has(x));
      if (shared.length === 0) continue;
      const aInB = [...a].every((x) => b.has(x));
      const bInA = [...b].every((x) => a.has(x));
      if (!aInB && !bInA) {
        report(
          "FS021",
          ["flow", "nodes", indexOf.get(scopeIds[j]!)!, "nodes"],
          `scopes "${scopeIds[i]}" and "${scopeIds[j]}" overlap on ${shared.join(", ")} without one containing the other`,
          "nested or disjoint scopes",
        );
      } else if (all.get(scopeIds[i]!)?.type === "transaction" && all.get(scopeIds[j]!)?.type === "transaction") {
        // Listing one transaction inside another is reported above; sharing nodes is the same mistake.
        const listed =
          (all.get(scopeIds[i]!) as ScopeNode).nodes.includes(scopeIds[j]!) ||
          (all.get(scopeIds[j]!) as ScopeNode).nodes.includes(scopeIds[i]!);
        if (!listed)
          report(
            "FS021",
            ["flow", "nodes", indexOf.get(scopeIds[j]!)!, "nodes"],
            `transactions "${scopeIds[i]}" and "${scopeIds[j]}" both contain ${shared.join(", ")}; PostgreSQL transactions do not nest`,
            "disjoint transactions",
          );
      }
    }
  }
}

function firstReachable(graph: graphlib.Graph, start: string, targets: Set<string>): string | undefined {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of graph.successors(id) ?? []) {
      if (targets.has(next)) return next;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return undefined;
}
