/** Copied nodes (their specs) and the edges among them, for Ctrl+V in any tool of the session. */
import type { FlowEdgeView, ToolView } from "../protocol";

export interface Copied {
  nodes: Record<string, unknown>[];
  edges: FlowEdgeView[];
}

const KEY = "fascia-studio:clipboard";

export function copyNodes(view: ToolView, ids: readonly string[]): Copied | null {
  const chosen = new Set(ids);
  const nodes = view.nodes.filter((n) => chosen.has(n.id)).map((n) => structuredClone(n.spec));
  if (nodes.length === 0) return null;
  const edges = view.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)).map((e) => ({ ...e }));
  const copied = { nodes, edges };
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(copied));
  } catch {
    // Copy stays in memory only.
  }
  memory = copied;
  return copied;
}

let memory: Copied | null = null;

export function pasted(): Copied | null {
  if (memory) return memory;
  try {
    const raw = window.sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Copied) : null;
  } catch {
    return null;
  }
}
