/**
 * Branch structure for the plan: per `if`/`switch` outcome, the edges it makes live and the nodes
 * it certainly skips. "Certainly" is computed with every other branch's edges assumed live (more
 * live edges only run more nodes), so a node listed is skipped whatever the other branches do.
 */
import type { FlowGraph } from "./graph";
import type { PlanBranch } from "./plan";
import { branchOutcomes, edgeLive } from "./runs";

export function branchStructure(flow: FlowGraph, order: readonly string[]): PlanBranch[] {
  const branches: PlanBranch[] = [];
  for (const id of order) {
    const node = flow.nodes.get(id)!;
    if (node.type !== "if" && node.type !== "switch") continue;
    const outgoing = flow.outgoing.get(id) ?? [];
    branches.push({
      node: id,
      kind: node.type,
      outcomes: branchOutcomes(flow, id).map((when) => ({
        when,
        to: [...new Set(outgoing.filter((e) => edgeLive(e, when)).map((e) => e.to))],
        skips: skippedWhen(flow, order, id, when),
      })),
    });
  }
  return branches;
}

function skippedWhen(flow: FlowGraph, order: readonly string[], branch: string, when: string | number | boolean): string[] {
  const ran = new Set<string>();
  for (const id of order) {
    const incoming = flow.incoming.get(id) ?? [];
    const live = incoming.length === 0 || incoming.some((e) => ran.has(e.from) && (e.from !== branch || edgeLive(e, when)));
    if (live) ran.add(id);
  }
  return order.filter((id) => !ran.has(id));
}
