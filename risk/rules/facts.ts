/** Small questions every rule asks of a compiled tool, answered one way for all of them. */
import type { CompiledTool } from "../../compiler/flow/compile";
import type { ExecNode } from "../../compiler/flow/graph";
import { EXTERNAL_NODE_TYPES, type NodeOfType } from "../../language/nodes";

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
