/** Small questions every rule asks of a compiled tool, answered one way for all of them. */
import type { CompiledTool } from "../../compiler/flow/compile";
import type { ExecNode } from "../../compiler/flow/graph";
import { effectTiming, EXTERNAL_NODE_TYPES, type NodeOfType } from "../../language/nodes";

const EXTERNAL: ReadonlySet<string> = new Set(EXTERNAL_NODE_TYPES);

/** Executable nodes in run order. */
export function nodesInOrder(tool: CompiledTool): ExecNode[] {
  return tool.plan.order.map((id) => tool.flow.nodes.get(id)!);
}

export function isExternal(node: ExecNode): node is NodeOfType<"payment" | "email" | "http"> {
  return EXTERNAL.has(node.type);
}

/** Nodes that change rows: write nodes and sql in write mode. */
export function isWriteNode(node: ExecNode): boolean {
  return node.type === "write" || (node.type === "sql" && node.mode === "write");
}

/** `write "save"`, `payment "charge"`: how messages name a node. */
export function label(node: ExecNode): string {
  return `${node.type} "${node.id}"`;
}

export function formatList(ids: readonly string[], max = 3): string {
  const shown = ids.slice(0, max).join(", ");
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/** An external node whose call is made from the outbox after its commit landed (nothing is open then, nothing can fail after it). */
export function runsAfterCommit(tool: CompiledTool, node: ExecNode): boolean {
  return isExternal(node) && tool.plan.nodes[node.id]!.external!.runs === "afterCommit";
}

/** The default timing of a node as the plan resolved it, in words for a message. */
export function effectTimingOf(node: ExecNode): string {
  return effectTiming(node) === "afterCommit" ? "after the commit" : "in the flow";
}

/**
 * What can still fail after node `id` in the same invocation, in the plan's step order: every
 * node run that can happen together with it (nodes on an exclusive branch cannot), and the
 * commit of each transaction open at it or begun after it — a commit fails too (invariants,
 * serialization, a lost connection).
 */
export function failuresAfter(tool: CompiledTool, id: string): string[] {
  const { steps } = tool.plan;
  const at = steps.findIndex((s) => s.op === "run" && s.node === id);
  const later: string[] = [];
  for (const step of steps.slice(at + 1)) {
    if (step.op === "run" && tool.runs.runTogether(id, step.node)) later.push(step.node);
    if (step.op === "commit") {
      const tx = tool.plan.transactions.find((t) => t.id === step.transaction)!;
      if (tx.members.some((m) => m === id || tool.runs.runTogether(id, m))) later.push(`the commit of ${tx.id}`);
    }
  }
  return later;
}
