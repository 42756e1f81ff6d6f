import type { FlowEdgeView } from "../protocol";

/** The edges that join the same two nodes as `edge` (itself included), in the flow's order. */
function sameJoin(edge: FlowEdgeView, edges: readonly FlowEdgeView[]): FlowEdgeView[] {
  return edges.filter((other) => other.from === edge.from && other.to === edge.to);
}

/**
 * An edge's key on the canvas and in the selection: `from->to`, and `from->to:when` when another
 * edge joins the same two nodes (two cases of a switch that lead to the same node), so that each
 * is drawn and selected on its own rather than one hiding the other under a shared id.
 */
export function edgeKey(edge: FlowEdgeView, edges: readonly FlowEdgeView[]): string {
  const pair = `${edge.from}->${edge.to}`;
  return sameJoin(edge, edges).length > 1 ? `${pair}:${edge.when ?? ""}` : pair;
}

/**
 * Where a stepped edge turns, between its source (0) and its target (1): halfway, unless other
 * edges join the same two nodes; then each turns at its own place, so their paths and labels do
 * not lie on top of each other.
 */
export function edgeTurn(edge: FlowEdgeView, edges: readonly FlowEdgeView[]): number {
  const joined = sameJoin(edge, edges);
  if (joined.length < 2) return 0.5;
  return 0.2 + (0.6 * joined.indexOf(edge)) / (joined.length - 1);
}
