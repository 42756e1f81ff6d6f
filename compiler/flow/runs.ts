/**
 * Which nodes can run together. Branch outcomes are treated as independent (the compiler does not
 * evaluate conditions), and every combination of outcomes is simulated with the join rule:
 *
 *   an edge is live when its source ran and, for an `if`/`switch` source, its `when` is the
 *   outcome taken (`default` when a switch value matches no case); a node with no incoming edge
 *   runs; any other node runs iff at least one incoming edge is live, and is skipped otherwise.
 *
 * When the combinations exceed MAX_COMBINATIONS the answers fall back to conservative ones (any
 * node below a branch may be skipped; any two nodes may run together) and `approximate` is set.
 */
import type { FlowGraph } from "./graph";
import type { BranchLabel, PlanEdge } from "./plan";

export const MAX_COMBINATIONS = 4096;

export interface RunAnalysis {
  readonly approximate: boolean;
  /** False when every combination runs the node. */
  canBeSkipped(node: string): boolean;
  /** True when some combination runs `node` but not `other`. */
  maySkipWhileRunning(other: string, node: string): boolean;
  /** True when some combination runs both. */
  runTogether(a: string, b: string): boolean;
}

/** The outcomes a branch node can take; [] for other nodes. */
export function branchOutcomes(flow: FlowGraph, id: string): BranchLabel[] {
  const node = flow.nodes.get(id);
  if (node?.type === "if") return [true, false];
  if (node?.type === "switch") return [...new Set<BranchLabel>([...node.cases, "default"])];
  return [];
}

/** Whether an edge is live given that its source ran and took `outcome` (undefined: not a branch). */
export function edgeLive(edge: PlanEdge, outcome: BranchLabel | undefined): boolean {
  return outcome === undefined || edge.when === outcome;
}

export function analyseRuns(flow: FlowGraph, order: readonly string[]): RunAnalysis {
  const branches = order.filter((id) => branchOutcomes(flow, id).length > 0);
  let combinations = 1;
  for (const b of branches) combinations = Math.min(combinations * branchOutcomes(flow, b).length, MAX_COMBINATIONS + 1);
  if (combinations > MAX_COMBINATIONS) return conservative(flow);

  const index = new Map(order.map((id, i) => [id, i]));
  const runs: Uint8Array[] = [];
  const choice = new Map<string, number>(branches.map((b) => [b, 0]));
  for (let c = 0; c < combinations; c++) {
    const ran = new Uint8Array(order.length);
    order.forEach((id, i) => {
      const incoming = flow.incoming.get(id) ?? [];
      ran[i] =
        incoming.length === 0 || incoming.some((e) => ran[index.get(e.from)!] === 1 && edgeLive(e, outcomeOf(flow, choice, e.from)))
          ? 1
          : 0;
    });
    runs.push(ran);
    // Next combination: count in mixed radix over the branches' outcomes.
    for (const b of branches) {
      const next = choice.get(b)! + 1;
      if (next < branchOutcomes(flow, b).length) {
        choice.set(b, next);
        break;
      }
      choice.set(b, 0);
    }
  }
  const at = (id: string) => index.get(id) ?? -1;
  return {
    approximate: false,
    canBeSkipped: (node) => runs.some((r) => r[at(node)] === 0),
    maySkipWhileRunning: (other, node) => runs.some((r) => r[at(node)] === 1 && r[at(other)] === 0),
    runTogether: (a, b) => runs.some((r) => r[at(a)] === 1 && r[at(b)] === 1),
  };
}

function outcomeOf(flow: FlowGraph, choice: Map<string, number>, id: string): BranchLabel | undefined {
  const i = choice.get(id);
  return i === undefined ? undefined : branchOutcomes(flow, id)[i];
}

function conservative(flow: FlowGraph): RunAnalysis {
  const conditional = new Set<string>();
  for (const [id, ancestors] of flow.ancestors) {
    const inputs = flow.incoming.get(id) ?? [];
    if (inputs.some((e) => e.when !== undefined) || [...ancestors].some((a) => branchOutcomes(flow, a).length > 0)) conditional.add(id);
  }
  return {
    approximate: true,
    canBeSkipped: (node) => conditional.has(node),
    maySkipWhileRunning: (other) => conditional.has(other),
    runTogether: () => true,
  };
}
